"""A module's Markdown is parsed once, when it is loaded, and its tokens are kept packed: compact in every
process of a build and in the load cache, and rendered exactly as tokens parsed afresh would be."""

from __future__ import annotations

import dataclasses
import os
import zlib

import msgspec
import pytest

from bundlesmith import markdown
from bundlesmith.load.markdown_scan import parsed_body, scan_body
from bundlesmith.load.project import load_catalogue
from bundlesmith.load.settings import abbreviations
from bundlesmith.markdown import UnreadableTokens, freeze, pack_tokens, parse, unpack_tokens
from bundlesmith.render import module_html, url_policy
from bundlesmith.render.cache import RenderCache
from bundlesmith.render.module_html import Recent, render_module
from bundlesmith.render.scorm import Target, package_entries, plan_target
from bundlesmith.render.url_policy import Layout

LAYOUTS = {
    "site": Layout(),
    "sco": Layout(split_title=True, scroll_tables=True),
    "single-sco": Layout(id_prefix="m-x--", demote=1, split_title=True, scroll_tables=True),
    "handbook": Layout(top=2, drop_title="Anything"),
}


@pytest.fixture(scope="module")
def catalogue(sample_root):
    return load_catalogue(sample_root)[0]


def _policy():
    return url_policy.site(lambda mid: f"../{mid}/", "../../")


@pytest.mark.parametrize("layout", LAYOUTS, ids=list(LAYOUTS))
def test_every_sample_module_renders_the_same_from_its_packed_tokens_as_from_a_fresh_parse(catalogue, layout):
    paths = {m.path: m.id for m in catalogue.modules.values()}
    for module in catalogue.modules.values():
        assert module.prepared is not None, f"{module.id} was loaded without its tokens"
        loaded = render_module(module, paths).body(_policy(), LAYOUTS[layout])
        fresh = parsed_body(parse(module.body, abbreviations(catalogue.glossary)))  # as the load parses it
        assert render_module(dataclasses.replace(module, prepared=fresh), paths).body(_policy(), LAYOUTS[layout]) \
            == loaded


@pytest.fixture
def unpacked(monkeypatch) -> list[bytes]:
    """The packed tokens of every module body unpacked for a render."""
    seen: list[bytes] = []
    real = module_html.unpack_tokens
    monkeypatch.setattr(module_html, "unpack_tokens", lambda packed: seen.append(packed) or real(packed))
    return seen


def _linking(catalogue, bundle_id: str):
    """The catalogue with the bundle's first module linking to its second (a link each SCORM version writes
    its own way: a navigation request in 2004, the module's title in 1.2)."""
    bundle = catalogue.bundles[bundle_id]
    first, second = (catalogue.modules[m] for m in bundle.module_ids[:2])
    relative = os.path.relpath(second.path, os.path.dirname(first.path))
    body = first.body + f"\nRead [the next module]({relative}) too.\n"
    scan, _ = scan_body(body, first.path, first.body_line)
    linked = dataclasses.replace(first, body=body, prepared=scan.prepared, references=scan.references)
    return dataclasses.replace(catalogue, modules={**catalogue.modules, first.id: linked})


def test_a_bundle_s_package_in_its_second_scorm_version_unpacks_no_module_again(catalogue, unpacked):
    view = _linking(catalogue, "mid-career-managers")
    bundle = view.bundles["mid-career-managers"]  # one SCO per module, in SCORM 1.2 and 2004
    assert bundle.scorm.versions == ("1.2", "2004") and len(bundle.module_ids) <= module_html.RECENT_MODULES
    cache = RenderCache()
    first = package_entries(plan_target(Target(view, bundle, "1.2"), cache), cache)
    assert len(unpacked) == len(bundle.module_ids)
    second = package_entries(plan_target(Target(view, bundle, "2004"), cache), cache)
    assert len(unpacked) == len(bundle.module_ids)  # the linking module renders anew, from the same tokens
    page = f"sco/{bundle.module_ids[0]}.html"
    assert b"data-bs-nav" in second[page] and b"data-bs-nav" not in first[page]

    alone = RenderCache()  # the same package from a cache that rendered nothing before
    assert package_entries(plan_target(Target(view, bundle, "2004"), alone), alone) == second


def test_only_the_modules_rendered_last_stay_unpacked(catalogue, unpacked):
    paths = {m.path: m.id for m in catalogue.modules.values()}
    recent = Recent(size=2)
    first, *others = [render_module(m, paths, recent=recent) for m in list(catalogue.modules.values())[:3]]
    first.body(_policy(), LAYOUTS["site"])
    first.body(_policy(), LAYOUTS["sco"])
    assert len(unpacked) == 1  # a second layout, from the same unpacked tokens
    for rendered in others:
        rendered.body(_policy(), LAYOUTS["site"])
    assert len(unpacked) == 3
    body = first.body(_policy(), LAYOUTS["handbook"])  # two modules rendered since: let go, unpacked again
    assert len(unpacked) == 4
    assert body == render_module(first.module, paths).body(_policy(), LAYOUTS["handbook"])


def test_the_tokens_unpack_to_what_markdown_it_parsed(catalogue):
    for module in catalogue.modules.values():
        assert module.prepared is not None
        tokens = unpack_tokens(module.prepared.tokens)
        again = unpack_tokens(pack_tokens([freeze(t) for t in tokens]))
        assert [freeze(t) for t in again] == [freeze(t) for t in tokens]
        assert any(t.type == "heading_open" for t in tokens)


def test_a_module_s_packed_tokens_take_less_room_than_its_text(catalogue):
    for module in catalogue.modules.values():
        assert module.prepared is not None
        assert len(module.prepared.tokens) < len(module.body.encode("utf-8")), module.id


def _packed_list(items: object) -> bytes:
    return zlib.compress(msgspec.msgpack.encode(items), 1)


@pytest.mark.parametrize("packed", [
    b"",
    b"not compressed at all",
    pack_tokens([])[:-3],  # truncated
    pack_tokens([]) + b"trailing bytes",
    _packed_list([["text", "", 7, [], "nesting 7 is not a token's", "", "", [], False, False, None]]),
    _packed_list([{"type": "text"}]),
    _packed_list("a string, not tokens"),
], ids=["empty", "not-zlib", "truncated", "trailing", "bad-nesting", "a-map", "a-string"])
def test_bytes_that_pack_tokens_did_not_write_are_refused(packed):
    with pytest.raises(UnreadableTokens):
        unpack_tokens(packed)


def test_packed_tokens_that_would_unpack_past_the_limit_are_refused(monkeypatch):
    tokens = [freeze(t) for t in parse("A paragraph of text.\n\n" * 200)]
    packed = pack_tokens(tokens)
    assert len(unpack_tokens(packed)) == len(tokens)
    monkeypatch.setattr(markdown, "UNPACKED_LIMIT", 1000)
    with pytest.raises(UnreadableTokens):
        unpack_tokens(packed)
