"""The edits a co-creator makes between two builds, applied to a generated corpus and undone afterwards.

Each edit kind changes what an author would change for it, and no more, so the corpus still passes
`bundlesmith check` after it:

  body      a sentence appended to one module's body
  title     one module's title changed in its front matter
  new       a new module (a copy of another with its own id and title) added to a bundle's first section
  delete    a module's file deleted, the module taken out of every bundle that lists it, and the one link
            to it (from the next module's body) pointed at the module before it
  reorder   two neighbouring modules of a bundle's first section swapped (never a module and its
            prerequisite)
  standard  a standard renamed: its title in the framework changed
  site_page a page of the project's own, in the folder `mkdocs.yml` names as `docs_dir`, written (created
            the first time)

`Edits` remembers every file's first content, so `restore()` puts the corpus back as it was, however many
edits were applied since.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

MODULE_LINE = re.compile(r"^(\s+modules: \[)([^\]]*)(\])$", re.MULTILINE)


def module_id(index: int) -> str:
    return f"module-{index:05d}"


class Edits:
    """Changes to the files of one corpus, each file's original kept until `restore()`."""

    def __init__(self, corpus: Path, modules: int) -> None:
        self.corpus, self.modules = corpus, modules
        self.originals: dict[Path, str | None] = {}

    def path(self, relative: str) -> Path:
        return self.corpus / relative

    def module_path(self, index: int) -> Path:
        return self.path(f"content/modules/{module_id(index)}.md")

    def read(self, path: Path) -> str:
        return path.read_text(encoding="utf-8")

    def write(self, path: Path, text: str) -> None:
        self.originals.setdefault(path, self.read(path) if path.exists() else None)
        path.write_text(text, encoding="utf-8")

    def delete(self, path: Path) -> None:
        self.originals.setdefault(path, self.read(path))
        path.unlink()

    def replace(self, path: Path, old: str, new: str) -> None:
        text = self.read(path)
        if old not in text:
            raise ValueError(f"{path}: '{old}' not found: the corpus is not the one bench/generate.py writes")
        self.write(path, text.replace(old, new, 1))

    def restore(self) -> None:
        for path, text in self.originals.items():
            if text is None:
                path.unlink(missing_ok=True)
            else:
                path.write_text(text, encoding="utf-8")
        self.originals.clear()

    # The edit kinds. Each touches its own modules and bundles, so they can be applied one after another.

    def body(self, mark: str, index: int = 1) -> None:
        path = self.module_path(index)
        self.write(path, self.read(path) + f"\nAn edit made by the benchmark: {mark}.\n")

    def title(self, mark: str) -> None:
        path = self.module_path(2)
        line = next(line for line in self.read(path).splitlines() if line.startswith("title: "))
        self.replace(path, line + "\n", f"{line}, retitled ({mark})\n")

    def new(self, mark: str) -> None:
        source, new_id = self.read(self.module_path(3)), "module-bench-new"
        text = source.replace(f"id: {module_id(3)}\n", f"id: {new_id}\n", 1)
        text = re.sub(r"^title: .*$", f"title: A new module ({mark})", text, count=1, flags=re.MULTILINE)
        self.write(self.path(f"content/modules/{new_id}.md"), text)
        self.edit_modules(self.path("bundles/bundle-001.yml"), lambda ids: [*ids, new_id], first_only=True)

    def deleted_index(self) -> int:
        """A module in the middle: its prerequisite is not it, and the module after it links to it only in its body."""
        index = self.modules // 2 + 1
        while index % 10 == 4:  # module 10k+5 has 10k+4 as its prerequisite
            index += 1
        return index

    def delete_module(self, mark: str) -> None:
        del mark  # a deletion is the same every round
        index = self.deleted_index()
        gone = module_id(index)
        self.delete(self.module_path(index))
        self.replace(self.module_path(index + 1), f"]({gone}.md)", f"]({module_id(index - 1)}.md)")
        for bundle in sorted(self.path("bundles").glob("*.yml")):
            if gone in self.read(bundle):
                self.edit_modules(bundle, lambda ids: [m for m in ids if m != gone])

    def reorder(self, mark: str) -> None:
        del mark  # swapped back and forth would undo itself: the corpus is restored after each round instead

        def swap(ids: list[str]) -> list[str]:
            for k in range(len(ids) - 1):
                if not ids[k + 1].endswith("5"):  # 10k+5 must stay after its prerequisite 10k+4
                    return [*ids[:k], ids[k + 1], ids[k], *ids[k + 2:]]
            raise ValueError("no two modules of the section can be swapped")

        self.edit_modules(self.path("bundles/bundle-002.yml"), swap, first_only=True)

    def standard(self, mark: str) -> None:
        self.replace(self.path("content/standards/nat.yml"), "title: Standard 1.1\n",
                     f"title: Standard 1.1, renamed ({mark})\n")

    def site_page(self, mark: str) -> None:
        match = re.search(r"^docs_dir:\s*['\"]?([^'\"\s#]+)", self.read(self.path("mkdocs.yml")), re.MULTILINE)
        path = self.path(match[1] if match else "docs") / "contacts.md"  # mkdocs' own default is docs/
        text = self.read(path) if path.exists() else "# Local contacts\n\nWho to ask about this training.\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        self.write(path, text + f"\nA contact added: {mark}.\n")

    def edit_modules(self, bundle: Path, change: Callable[[list[str]], list[str]], first_only: bool = False) -> None:
        """Change the module lists of a bundle's sections; a section left empty is dropped."""
        lines = self.read(bundle).splitlines()
        out: list[str] = []
        changed = False
        for line in lines:
            match = MODULE_LINE.match(line)
            if match and not (first_only and changed):
                ids = change([m.strip() for m in match[2].split(",") if m.strip()])
                changed = True
                if not ids:
                    out.pop()  # the section's "- title:" line
                    continue
                line = f"{match[1]}{', '.join(ids)}{match[3]}"
            out.append(line)
        self.write(bundle, "\n".join(out) + "\n")


# name of the step -> the edit it makes (before `bundlesmith build` refreshes everything)
KINDS: dict[str, Callable[[Edits, str], None]] = {
    "edit-title": Edits.title,
    "edit-new": Edits.new,
    "edit-delete": Edits.delete_module,
    "edit-reorder": Edits.reorder,
    "edit-standard": Edits.standard,
}
