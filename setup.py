"""Ship the repository's scorm/ folder (runtime JS, CSS, SCO template, XSDs) inside the package as
bundlesmith/scorm_runtime, so a non-editable install builds packages too. Everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithRuntime(build_py):
    def run(self):
        super().run()
        source = Path(__file__).parent / "scorm"
        target = Path(self.build_lib) / "bundlesmith" / "scorm_runtime"
        if source.is_dir() and not self.editable_mode:
            shutil.copytree(source, target, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithRuntime})
