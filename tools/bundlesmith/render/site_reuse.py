"""Which pages of a view's site this build keeps from the last one, because their inputs are unchanged.

Every page of a site has a key derived from the build's input set (inputs.InputSet.derive), before
anything renders:

- every page depends on the site's own inputs: the view, mkdocs.yml and what it names, the site's own
  pages, bundlesmith.yml and the tool itself (every input file outside content/ and bundles/);
- a module's page depends on what it shows (`_module_page`: the module as the view has it, where its
  links lead, the names of its prerequisites, standards and frameworks, its bundles with the modules
  around it, the glossary, the variant) and on the part of the navigation it shows (`_navigations`: with
  mkdocs-material's navigation.prune, the top level and each section on its way down; without it, all);
- every other page depends on the whole catalogue (`face`: everything but the modules' bodies).

The build state records, per site, each page it wrote with its key, its file's sha256 and where its entries
sit in the site's search index (state.BuildState.sites). A page is kept when its key is the recorded one,
its file in the last build still has the recorded sha256 (never read through a symlink) and so has the
last search index, which gives the page's entries back.

A page that lists downloads (SCORM packages, reports) is written only once they exist, so its lists go
into it last (render/site.finish_site). Its file in the site is the page with its lists in; what mkdocs
rendered before the lists went in is kept beside the sites, in `build/.bundlesmith-held/<site>/` (`HELD`),
and recorded like any page. Kept, that copy gets this build's lists: a body edit renders again only the
pages of the module, whatever its packages' new sizes and hashes.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson

from bundlesmith.inputs import InputSet
from bundlesmith.model import Bundle, Catalogue, Module
from bundlesmith.render.module_links import links_of
from bundlesmith.render.site_plan import navigation, plan
from bundlesmith.signing import file_sha256, regular_file_bytes

INDEX = "search/search_index.json"  # where mkdocs-material's search plugin writes the site's index
CATALOGUE = ("content/", "bundles/")  # the files loaded into the catalogue: pages depend on what they hold
HELD = ".bundlesmith-held"  # in build/: each site's pages that list downloads, as rendered before their lists
# A module's fields that only its own page shows (its body, as text and as tokens, and what is read from it).
_BODY_FIELDS = frozenset({"body", "body_line", "prose", "raw_html", "file"})


@dataclass(frozen=True, slots=True)
class KeptPage:
    """A page of the last build's site kept as it is: its file there and its entries in the search index."""

    dest_uri: str
    source: Path
    sha256: str
    entries: tuple[dict[str, Any], ...] = ()
    url: str | None = None  # a page that lists downloads: its URL; `source` is then its copy without them
    slot: tuple[int, int] = (0, 0)  # (first entry, entries) in the last search index


def held_folder(site: str) -> str:
    """Where, in build/, a site's pages that list downloads are kept as rendered before their lists."""
    return f"{HELD}/{site}"


@dataclass(frozen=True)
class SiteReuse:
    """One site's page keys (generated pages, by source path) and the pages of the last build it keeps."""

    keys: Mapping[str, str] = field(default_factory=dict)
    kept: Mapping[str, KeptPage] = field(default_factory=dict)
    index: tuple[Path, str] | None = None  # the last search index and its recorded sha256, until `verified`

    def verified(self) -> SiteReuse:
        """The pages kept whose files still have their recorded sha256, each with its entries from the last
        search index, while that too is what the state records (none otherwise). Worked out by the process
        that builds the site, beside the other sites: the plan kept the pages by their keys alone."""
        if self.index is None:
            return self
        docs = _index_docs(*self.index)
        if docs is None:
            return SiteReuse(self.keys)
        kept = {}
        for uri, page in self.kept.items():
            start, count = page.slot
            if start + count <= len(docs) and file_sha256(page.source) == page.sha256:
                kept[uri] = dataclasses.replace(page, entries=tuple(docs[start:start + count]))
        return SiteReuse(self.keys, kept)


def page_keys(catalogue: Catalogue, known: InputSet, flags: Mapping[str, object],
              faces: dict[int, tuple[Module, str]] | None = None, pruned: bool = False) -> dict[str, str]:
    """Each generated page's key (see the module's docstring). `flags`: what else the build makes that the
    pages mention (packages, reports); `faces`: module faces already worked out for another view of the
    same build (a national module is in every view); `pruned`: whether each page shows only its own part
    of the navigation (mkdocs-material's navigation.prune, see `prunes_navigation`)."""
    shared = sorted((path, digest) for path, digest in known.files.items() if not path.startswith(CATALOGUE))
    base = known.derive("site", catalogue.variant.id if catalogue.variant else None, dict(flags), shared)
    whole = known.derive("site-catalogue", base, face(catalogue, faces))
    pages = plan(catalogue, "")
    titles = {page.src_uri: page.title for page in pages}
    navs = _navigations(navigation(catalogue, []), titles, pruned)
    bundles_of: dict[str, list[Bundle]] = {}
    for bundle in sorted(catalogue.bundles.values(), key=lambda b: b.id):
        for mid in dict.fromkeys(bundle.module_ids):
            bundles_of.setdefault(mid, []).append(bundle)
    faces = {} if faces is None else faces
    named: dict[str, str] = {}
    keys: dict[str, str] = {}
    for page in pages:
        if page.kind == "module":
            module = catalogue.modules[page.key]
            shown = _module_page(catalogue, module, bundles_of.get(module.id, []), faces, named)
            keys[page.src_uri] = known.derive("site-module", base, navs.get(page.src_uri, navs.get("")), shown)
        else:
            keys[page.src_uri] = whole
    return keys


def _module_page(catalogue: Catalogue, module: Module, bundles: list[Bundle], faces: dict[int, tuple[Module, str]],
                 named: dict[str, str]) -> str:
    """What a module's page shows besides the navigation: the module (its body as the view has it, with a
    variant's slots), where its links lead, its prerequisites', standards' and frameworks' names, and each
    of its bundles with the modules before and after it there; the glossary marks up its acronyms, the
    variant names itself. `named`: what the view's pages show of each standard and of the glossary and
    variant, worked out once per view."""
    def title(mid: str | None) -> object:
        return (mid, catalogue.modules[mid].title) if mid in catalogue.modules else mid

    def standard(ref: str) -> str:
        found = named.get(ref)
        if found is None:
            framework = catalogue.framework_of(ref)
            found = named[ref] = repr((_plain(catalogue.standard(ref)), _plain(catalogue.standard_of(ref)),
                                       _plain(framework, skip={"items"}) if framework is not None else None))
        return found

    if "" not in named:
        named[""] = repr((_plain(catalogue.glossary), _plain(catalogue.variant)))
    around = []
    for bundle in bundles:
        order = list(bundle.module_ids)
        at = order.index(module.id)
        around.append((bundle.id, bundle.title, title(order[at - 1] if at else None),
                       title(order[at + 1] if at + 1 < len(order) else None)))
    links = links_of(catalogue, module)  # where its links lead: to which module, which file
    shown = [_face_of(module, faces), hashlib.sha256(module.body.encode()).hexdigest(), module.local_slots,
             repr(sorted(links.targets.items())), [title(pid) for pid, _ in module.prerequisites],
             [(a.standard, standard(a.standard)) for a in module.standards], around, named[""]]
    return hashlib.sha256(repr(shown).encode()).hexdigest()


def _navigations(nav: list[Any], titles: Mapping[str, str], pruned: bool) -> dict[str, str]:
    """What each page's navigation shows, as a digest, by page. Pruned, a page shows the top level and, on
    its way down, every entry of each section it is in (a section by its title and first page); otherwise
    every page shows the whole navigation ("" stands for every page)."""
    def entry(item: object) -> object:
        """A page by its title and address; a section by its title, whether it has none, one or more entries,
        and its first entries down to a page (a closed section shows its title and links to that page; the
        theme's partial renders it alike whatever its number of entries)."""
        if isinstance(item, str):
            return (titles.get(item), item)
        (name, value), = dict(item).items()  # type: ignore[call-overload]
        return (name, value) if isinstance(value, str) else (name, "section", min(len(value), 2),
                                                             entry(value[0]) if value else None)

    if not pruned:
        return {"": hashlib.sha256(repr([entry(i) for i in _leaves_and_sections(nav)]).encode()).hexdigest()}
    found: dict[str, str] = {}

    def walk(items: list[Any], path: list[object]) -> None:
        here = [*path, [entry(item) for item in items]]
        shown = hashlib.sha256(repr(here).encode()).hexdigest()  # the same for every page of this section
        for item in items:
            if isinstance(item, str):
                found[item] = shown
                continue
            (name, value), = item.items()
            if isinstance(value, str):
                found[value] = shown
            else:
                walk(value, [*here, name])

    walk(nav, [])
    return found


def _leaves_and_sections(nav: list[Any]) -> list[object]:
    out: list[object] = []
    for item in nav:
        out.append(item if isinstance(item, str) else {k: (v if isinstance(v, str) else "section") for k, v in item.items()})
        if isinstance(item, dict):
            for value in item.values():
                if not isinstance(value, str):
                    out += _leaves_and_sections(value)
    return out


def prunes_navigation(config: Path) -> bool:
    """Whether a site's mkdocs.yml has mkdocs-material show each page only its own part of the navigation
    (`navigation.prune`, without `navigation.expand`). Anything unclear (INHERIT, a file mkdocs' loader
    cannot read) counts as no: every page then depends on the whole navigation."""
    import yaml
    from mkdocs.utils.yaml import get_yaml_loader

    try:
        with open(config, encoding="utf-8") as handle:
            raw = yaml.load(handle, Loader=get_yaml_loader())
    except (OSError, yaml.YAMLError, ValueError):
        return False
    theme = raw.get("theme") if isinstance(raw, dict) else None
    features = theme.get("features") if isinstance(theme, dict) else None
    return (isinstance(raw, dict) and "INHERIT" not in raw and isinstance(features, list)
            and "navigation.prune" in features and "navigation.expand" not in features)


def face(catalogue: Catalogue, faces: dict[int, tuple[Module, str]] | None = None) -> str:
    """A digest of the catalogue as every page may show it: everything but the modules' bodies."""
    faces = {} if faces is None else faces
    digest = hashlib.sha256(repr(_plain(catalogue, skip={"modules"})).encode())
    for mid in sorted(catalogue.modules):
        digest.update(f"{mid}\0{_face_of(catalogue.modules[mid], faces)}\n".encode())
    return digest.hexdigest()


def _face_of(module: Module, faces: dict[int, tuple[Module, str]]) -> str:
    held = faces.get(id(module))
    if held is None or held[0] is not module:
        held = faces[id(module)] = (module, _module_face(module))
    return held[1]


def _module_face(module: Module) -> str:
    """A module's front matter, headings and knowledge check, as text. Its values are strings, numbers,
    dates, tuples and frozen dataclasses of them (no set or dict, whose repr has no fixed order)."""
    shown = [(f.name, getattr(module, f.name)) for f in dataclasses.fields(module)
             if f.repr and f.name not in _BODY_FIELDS and f.name != "prepared"]
    parsed = module.prepared  # its headings and check's title: prior-learning pages name sections
    if parsed is not None:
        shown.append(("prepared", (parsed.headings, parsed.quiz_title, parsed.quiz_anchor)))
    return hashlib.sha256(repr(shown).encode()).hexdigest()


def _plain(value: object, skip: frozenset[str] | set[str] = frozenset()) -> object:
    """A value as plain data in a stable order (a set or dict sorted), for hashing."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [(f.name, _plain(getattr(value, f.name))) for f in dataclasses.fields(value)
                if f.repr and f.name not in skip]
    if isinstance(value, Mapping):
        return sorted(((repr(k), _plain(v)) for k, v in value.items()), key=lambda item: item[0])
    if isinstance(value, (set, frozenset)):
        return sorted(repr(_plain(v)) for v in value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (Path, date)):
        return str(value)
    return repr(value)


def reuse(recorded: object, folder: Path, keys: Mapping[str, str], held: Path | None = None) -> SiteReuse:
    """The site's keys and the pages of the last build's site (`folder`) it keeps: recorded with the same
    key (a page that lists downloads, by its copy in `held`, the site's held_folder). Their files and the
    search index are checked against the state by `SiteReuse.verified`: nothing in build/ is trusted."""
    if not isinstance(recorded, Mapping) or folder.is_symlink() or not folder.is_dir():
        return SiteReuse(keys)
    pages, index, urls = recorded.get("pages"), recorded.get("index"), recorded.get("held", {})
    if not isinstance(pages, Mapping) or not isinstance(index, str) or not isinstance(urls, Mapping):
        return SiteReuse(keys)
    copies = held if held is not None and not (held.is_symlink() or held.parent.is_symlink()) and held.is_dir() else None
    kept: dict[str, KeptPage] = {}
    for uri, entry in pages.items():
        found = _entry(entry)
        url = urls.get(uri)
        if found is None or keys.get(uri) != found[0] or (uri in urls and (not isinstance(url, str) or copies is None)):
            continue
        _, dest, sha256, start, count = found
        if dest.startswith("/") or ".." in dest.split("/"):  # a file of the site, never outside it
            continue
        source = (copies if url is not None and copies is not None else folder) / dest
        kept[uri] = KeptPage(dest, source, sha256, (), url, (start, count))
    return SiteReuse(keys, kept, (folder / INDEX, index) if kept else None)


def _entry(entry: object) -> tuple[str, str, str, int, int] | None:
    """A recorded page: [key, file in the site, its sha256, first entry in the index, number of entries]."""
    if not isinstance(entry, list) or len(entry) != 5:
        return None
    key, dest, sha256, start, count = entry
    if not all(isinstance(v, str) for v in (key, dest, sha256)) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in (start, count)):
        return None
    return key, dest, sha256, start, count


def _index_docs(path: Path, sha256: str) -> list[dict[str, Any]] | None:
    """The last search index's entries, when the file is the one the state records."""
    raw = regular_file_bytes(path)
    if raw is None or hashlib.sha256(raw).hexdigest() != sha256:
        return None
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    docs = data.get("docs") if isinstance(data, dict) else None
    if not isinstance(docs, list) or not all(isinstance(d, dict) for d in docs):
        return None
    return docs


def recorded_site(pages: Mapping[str, tuple[str, str, str, int, int]], index: str | None,
                  held: Mapping[str, str]) -> dict[str, Any]:
    """What the build state records of a site this build wrote (see reuse); `held`: the URL of each
    page that lists downloads (its sha256 is its copy's in the held folder)."""
    if index is None:
        return {}
    return {"index": index, "pages": {uri: list(entry) for uri, entry in sorted(pages.items())},
            "held": {uri: url for uri, url in sorted(held.items()) if uri in pages}}
