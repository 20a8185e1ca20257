"""The baseline of the benchmark: the same site pages, built by `mkdocs build` alone.

    python bench/pages.py dump  CORPUS BASELINE   # once, not timed: bundlesmith's pages as plain files
    python bench/pages.py build BASELINE          # timed: mkdocs builds every site of BASELINE, one process

`dump` builds the corpus's sites (national and every variant) through bundlesmith with its mkdocs plugin
and records, for each site, every page's HTML and table of contents as the plugin produced them, the
navigation, the static files the plugin adds (CSS, JS, module images) and the configuration mkdocs ended
up with. It writes one plain mkdocs project per site: docs/ holds one Markdown file per page (its title
only), html/ the saved page bodies, and a three-line hook (hook.py) hands each body and TOC to mkdocs in
on_page_content, as the plugin does; mkdocs.yml is the project's, without the bundlesmith plugin. `build`
then runs mkdocs (same theme, features, search and offline plugins, same pages) on them, so the
difference to `bundlesmith build` is what bundlesmith itself costs.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from pathlib import Path


def dump(corpus: Path, baseline: Path) -> int:
    import yaml

    from bundlesmith import build, site_plugin

    sites: dict[str, dict] = {}
    plugin = site_plugin.BundlesmithPlugin
    on_files, on_page_content = plugin.on_files, plugin.on_page_content
    on_post_build = getattr(plugin, "on_post_build", None)  # the adapter plugin has none of its own

    def site(config) -> dict:
        return sites.setdefault(str(config.site_dir), {"pages": {}, "files": {}})

    def files_hook(self, files, config):
        files = on_files(self, files, config)
        record = site(config)
        record["nav"] = config.nav
        for f in files:
            ours = getattr(f, "generated_by", None) == "bundlesmith" or str(f.abs_src_path).startswith(str(corpus))
            if not f.is_documentation_page() and f.abs_src_path and not f.src_uri.startswith("downloads/") and ours:
                record["files"][f.src_uri] = f.abs_src_path
        return files

    def content_hook(self, html, page, config, files):
        html = on_page_content(self, html, page, config, files)
        site(config)["pages"][page.file.src_uri] = (page.meta.get("title") or page.title or "", html, _tokens(page.toc))
        return html

    def post_build_hook(self, config):
        if on_post_build is not None:
            on_post_build(self, config)
        site(config)["config"] = {"site_name": config.site_name, "extra_css": list(config.extra_css),
                                  "extra_javascript": [str(s) for s in config.extra_javascript],
                                  "polyfills": [str(p) for p in config.extra.get("polyfills", [])]}

    plugin.on_files, plugin.on_page_content, plugin.on_post_build = files_hook, content_hook, post_build_hook
    with tempfile.TemporaryDirectory(prefix="bench-dump-") as out:
        # jobs=1: every site in this process, where the hooks above record its pages
        result = build.run(build.BuildOptions(root=corpus, out=Path(out), only=frozenset({"site"}), force=True,
                                              jobs=1))
        if not result.ok:
            for d in result.diagnostics:
                print(d.format(), file=sys.stderr)
            return 1
    raw = yaml.safe_load((corpus / "mkdocs.yml").read_text(encoding="utf-8"))
    plugins = [p for p in raw.get("plugins", []) if (p if isinstance(p, str) else next(iter(p))) != "bundlesmith"]
    if baseline.exists():
        shutil.rmtree(baseline)
    total = 0
    for n, (site_dir, record) in enumerate(sorted(sites.items())):
        folder = baseline / f"{n:03d}-{Path(site_dir).name}"
        docs = folder / "docs"
        for uri, (title, html, toc) in record["pages"].items():
            target = docs / uri
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(f"---\ntitle: {json.dumps(title)}\n---\n", encoding="utf-8")
            content = folder / "html" / (uri + ".json")
            content.parent.mkdir(parents=True, exist_ok=True)
            content.write_text(json.dumps({"html": html, "toc": toc}), encoding="utf-8")
        (folder / "hook.py").write_text(HOOK, encoding="utf-8")
        for uri, source in record["files"].items():
            (docs / uri).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, docs / uri)
        config = {**raw, "plugins": plugins, "hooks": ["hook.py"], "docs_dir": "docs", "site_dir": "site",
                  "nav": record["nav"],
                  "site_name": record["config"]["site_name"], "extra_css": record["config"]["extra_css"],
                  "extra_javascript": record["config"]["extra_javascript"],
                  "extra": {**raw.get("extra", {}), "polyfills": record["config"]["polyfills"]}}
        (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        total += len(record["pages"])
    (baseline / "pages.json").write_text(json.dumps({"sites": len(sites), "pages": total}) + "\n")
    print(f"{len(sites)} site(s), {total} page(s) in {baseline}", file=sys.stderr)
    return 0


# The page body mkdocs puts in its theme: the HTML bundlesmith's plugin produced, given to mkdocs the
# same way (on_page_content, with the same table of contents), so no Markdown is parsed for it.
HOOK = """import json
from pathlib import Path

from mkdocs.structure.toc import get_toc


def on_page_content(html, page, config, files):
    saved = json.loads((Path(config.config_file_path).parent / "html" / (page.file.src_uri + ".json")).read_text())
    page.toc = get_toc(saved["toc"])
    return saved["html"]
"""


def _tokens(toc) -> list[dict]:
    return [{"level": a.level, "id": a.id, "name": a.title, "children": _tokens(a.children)} for a in toc]


def build_all(baseline: Path) -> int:
    """mkdocs build of every baseline site, in this one process (as bundlesmith builds its sites)."""
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    for folder in sorted(p for p in baseline.iterdir() if (p / "mkdocs.yml").is_file()):
        config = load_config(config_file=str(folder / "mkdocs.yml"))
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build(config, dirty=False)
        finally:
            config.plugins.on_shutdown()
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "dump":
        raise SystemExit(dump(Path(sys.argv[2]).resolve(), Path(sys.argv[3]).resolve()))
    if len(sys.argv) == 3 and sys.argv[1] == "build":
        raise SystemExit(build_all(Path(sys.argv[2]).resolve()))
    print(__doc__, file=sys.stderr)
    raise SystemExit(2)
