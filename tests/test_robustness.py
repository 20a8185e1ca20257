"""Whatever a co-creator saves, loading returns diagnostics; it never raises."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bundlesmith.diagnostics import Diagnostic
from bundlesmith.load.markdown_scan import scan_body
from bundlesmith.load.modules import load_module
from bundlesmith.load.yaml_source import parse_yaml

FIXTURE = Path(__file__).parent / "fixtures/minimal/content/modules/listening.md"
VALID = FIXTURE.read_text()

yaml_ish = st.text(alphabet=st.sampled_from(list("abcdeilnqtx:-[]{}&*!|>'\"#\n\t 0123,.?%@`")), max_size=300)
mutations = st.tuples(st.integers(0, len(VALID)), st.integers(0, 40), yaml_ish)
settings.register_profile("ci", max_examples=150, deadline=None,
                          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
settings.load_profile("ci")


@given(text=yaml_ish)
def test_any_yaml_text_parses_or_yields_located_diagnostics(text):
    _data, problems = parse_yaml(text, "f.yml", line_offset=3)
    assert all(isinstance(p, Diagnostic) and p.span.line >= 1 for p in problems)


@given(mutation=mutations)
def test_a_module_with_any_edit_loads_or_explains_why(tmp_path_factory, mutation):
    start, length, insert = mutation
    text = VALID[:start] + insert + VALID[start + length:]
    file = tmp_path_factory.mktemp("m") / "listening.md"
    file.write_text(text, encoding="utf-8")
    module, _claimed, problems = load_module(file, "content/modules/listening.md")
    assert module is not None or problems
    assert all(p.span.path == "content/modules/listening.md" for p in problems)


@given(body=st.text(max_size=400))
def test_any_quiz_block_yields_a_quiz_or_diagnostics(body):
    scan, problems = scan_body(f"# T\n\n```quiz\n{body}\n```\n", "m.md", 10)
    assert scan.quiz is not None
    assert scan.quiz.valid or problems
    assert all(p.span.line >= 11 for p in problems)


@given(raw=st.binary(max_size=300))
def test_any_bytes_load_or_are_refused_with_a_reason(tmp_path_factory, raw):
    file = tmp_path_factory.mktemp("b") / "x.md"
    file.write_bytes(raw)
    module, _claimed, problems = load_module(file, "x.md")
    assert module is None and problems
