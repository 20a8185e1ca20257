"""Where one package's time goes, in one process: the parts of packaging and how many bodies they render.

    python bench/generate.py --modules 1000 --bundles 50 --variants 2 -o /tmp/c1000
    python bench/packaging.py /tmp/c1000                 # every view's packages, twice (the second pass warm)

Loads and checks the project (not timed), then makes every package of every view in this process, one after
another, as `build --only scorm -j 1` does in its one worker, and prints per package: the whole, the module
bodies, the SCO pages (their bodies included), the manifest and the zip. It also counts the bodies rendered against the distinct
(module text, layout) pairs they were rendered for: the renders a body made once per module and layout, its
links resolved per package, would leave. Not a test, and its figures depend on the machine: run it before
and after a change, on a quiet host.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bundlesmith.pipeline import check_all
from bundlesmith.render import module_html, scorm
from bundlesmith.render.cache import RenderCache


@contextmanager
def timed(parts: Counter[str], owner: Any, name: str, label: str) -> Iterator[None]:
    """`owner.name` (a function or method) adds its wall time to `parts[label]` while the block runs."""
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            parts[label] += time.perf_counter() - start

    setattr(owner, name, wrapper)
    try:
        yield
    finally:
        setattr(owner, name, original)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("project", type=Path, help="a project folder (bench/generate.py makes one)")
    parser.add_argument("--passes", type=int, default=2, help="times every package is made (default 2)")
    args = parser.parse_args()
    views = check_all(args.project.resolve(), None, None, jobs=1)
    cache = RenderCache()
    rendered: list[tuple[str, object]] = []
    original = module_html.RenderedModule._rendered

    def counting(self: module_html.RenderedModule, key: tuple[object, ...], state: Any) -> module_html.Body:
        rendered.append((self.module.body, key[0]))  # key[0] is the layout
        return original(self, key, state)

    module_html.RenderedModule._rendered = counting  # type: ignore[method-assign]
    for round_ in range(1, args.passes + 1):
        parts: Counter[str] = Counter()
        rendered.clear()
        with (timed(parts, module_html.RenderedModule, "body", "module bodies"),
              timed(parts, scorm, "render_sco", "SCO pages (bodies included)"),
              timed(parts, scorm, "build_manifest", "manifest"),
              timed(parts, scorm, "zip_bytes", "zip")):
            start = time.perf_counter()
            count = sum(len(scorm.build_packages(view.catalogue, cache, view.catalogue.bundles.values(),
                                                 lambda _files: None, {})) for view in views)
            whole = time.perf_counter() - start
        print(f"pass {round_}: {count} packages, {whole / count * 1000:.1f} ms per package")
        for label, seconds in parts.most_common():
            print(f"  {label:30s} {seconds / count * 1000:6.1f} ms")
        print(f"  bodies rendered: {len(rendered)}; distinct (module text, layout): {len(set(rendered))}")
    module_html.RenderedModule._rendered = original  # type: ignore[method-assign]


if __name__ == "__main__":
    main()
