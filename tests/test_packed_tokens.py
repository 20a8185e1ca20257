"""A module's Markdown is parsed once, when it is loaded, and its tokens are kept packed: compact in every
process of a build and in the load cache, and rendered exactly as tokens parsed afresh would be."""

from __future__ import annotations

import dataclasses
import zlib

import msgspec
import pytest

from bundlesmith import markdown
from bundlesmith.load.markdown_scan import parsed_body
from bundlesmith.load.project import load_catalogue
from bundlesmith.load.settings import abbreviations
from bundlesmith.markdown import UnreadableTokens, freeze, pack_tokens, parse, unpack_tokens
from bundlesmith.render import url_policy
from bundlesmith.render.module_html import render_module
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
