"""A module page, a SCO and a coverage report as people with other display needs see them: forced colours (a
Windows contrast theme), the WCAG text spacing, and the knowledge check done with the keyboard alone, with one
status message for the result (WCAG 1.4.12, 2.1.1, 2.1.2, 4.1.3; 1.4.11 in forced colours)."""

from __future__ import annotations

import zipfile

import pytest

from site_support import ROOT, StaticServer, sample_build

MODULE = "speaking-up-and-listening-up"
SCO_MODULE = "welcome-to-health-and-social-care"
PAGES = {
    "module page": f"site/modules/{MODULE}/index.html",
    "SCO": f"sco/sco/{SCO_MODULE}.html",
    "coverage report": "site/reports/national-induction/coverage.html",
}
# WCAG 1.4.12: line height 1.5, paragraph spacing 2 em, letter spacing 0.12 em, word spacing 0.16 em.
TEXT_SPACING = ("* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }"
                " p { margin-bottom: 2em !important; }")
CLIPPED = """() => Array.from(document.querySelectorAll('body *')).filter(e => {
    const s = getComputedStyle(e);
    if (s.display === 'none' || s.visibility !== 'visible') return false;
    if (!Array.from(e.childNodes).some(n => n.nodeType === 3 && n.textContent.trim())) return false;
    const r = e.getBoundingClientRect();
    if (r.width <= 2 || r.height <= 2) return false;  // text for screen readers only
    const clipX = ['hidden', 'clip'].includes(s.overflowX), clipY = ['hidden', 'clip'].includes(s.overflowY);
    return (clipX && e.scrollWidth > e.clientWidth + 2) || (clipY && e.scrollHeight > e.clientHeight + 2);
}).map(e => e.tagName + '.' + e.className + ': ' + e.textContent.trim().slice(0, 40))"""
LIVE_TEXTS = """() => Array.from(document.querySelectorAll('[role=status], [role=alert], [aria-live]'))
    .filter(e => e.getAttribute('aria-live') !== 'off' && e.checkVisibility({visibilityProperty: true}))
    .map(e => e.textContent.trim())"""  # the live regions a screen reader would announce (not the closed search's)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    built = sample_build(tmp_path_factory)
    sco = built / "sco"
    if not sco.is_dir():
        with zipfile.ZipFile(built / "scorm" / "national-induction-1.0.0-scorm12.zip") as archive:
            archive.extractall(sco)
    with StaticServer(built) as running:
        yield running


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    yield tab
    context.close()


@pytest.mark.parametrize("kind", list(PAGES))
def test_with_the_wcag_text_spacing_no_text_is_cut_off(page, server, kind):
    """1.4.12: with more space between lines, paragraphs, letters and words, nothing is clipped."""
    page.goto(server.base + PAGES[kind])
    page.add_style_tag(content=TEXT_SPACING)
    page.wait_for_timeout(100)
    assert page.evaluate(CLIPPED) == []
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("kind", list(PAGES))
def test_in_a_dark_forced_colours_theme_text_and_focus_stay_visible(page, server, kind):
    """Forced colours: every heatmap label takes the theme's text colour (it vanished, black on black), and the
    focus ring is still drawn (outlines survive where box shadows do not: 1.4.11)."""
    page.emulate_media(forced_colors="active", color_scheme="dark")
    page.goto(server.base + PAGES[kind])
    text_colour = page.evaluate("() => getComputedStyle(document.body).color")
    fills = page.evaluate("() => Array.from(document.querySelectorAll('svg text')).map(t => getComputedStyle(t).fill)")
    assert {f for f in fills if f != text_colour} == set()
    if kind == "coverage report":
        assert fills, "the report has its heatmaps"
    focusable = "input[type=radio]" if kind != "coverage report" else "main a[href]"
    page.locator(focusable).first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    ring = page.evaluate("() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth)]; }")
    assert ring[0] not in ("none", "") and ring[1] >= 2, ring


def _right_texts(module_id: str) -> set[str]:
    """The words of the right answers, from the content (the pages carry only hashed keys)."""
    from bundlesmith.load.project import load_catalogue

    quiz = load_catalogue(ROOT)[0].modules[module_id].quiz
    return {c.text for q in quiz.questions for c in q.choices if c.correct}


FOCUSED = """() => { const e = document.activeElement, label = e.id && document.querySelector(`label[for="${e.id}"]`);
    return {tag: e.tagName, type: e.type || '', check: e.classList.contains('bs-check'), checked: !!e.checked,
            label: label ? label.textContent.trim() : ''}; }"""


def _answer_by_keyboard(tab, right: set[str]) -> None:
    """From the top of the page, Tab and the arrow keys only: choose the right answers, then Check answers."""
    for _ in range(400):
        tab.keyboard.press("Tab")
        now = tab.evaluate(FOCUSED)
        if now["check"]:
            tab.keyboard.press("Enter")
            return
        if now["type"] == "radio":
            for _ in range(8):  # the arrow keys move through a group's radios, choosing each
                if now["label"] in right and now["checked"]:
                    break
                tab.keyboard.press("ArrowDown")
                now = tab.evaluate(FOCUSED)
        elif now["type"] == "checkbox" and (now["label"] in right) != now["checked"]:
            tab.keyboard.press("Space")
    raise AssertionError("Tab never reached the Check answers button")


@pytest.mark.parametrize("kind", ["module page", "SCO"])
def test_a_keyboard_user_completes_the_knowledge_check_and_hears_one_status_message(page, server, kind):
    """2.1.1: the whole check by keyboard (choices shuffled, picked by their words); 4.1.3: one status message
    for the result, not one per question at once."""
    module = MODULE if kind == "module page" else SCO_MODULE
    page.goto(server.base + PAGES[kind])
    page.wait_for_timeout(200)
    before = page.evaluate(LIVE_TEXTS)
    _answer_by_keyboard(page, _right_texts(module))
    page.wait_for_timeout(100)
    after = page.evaluate(LIVE_TEXTS)
    changed = [a for b, a in zip(before, after) if a != b]
    assert len(after) == len(before) and len(changed) == 1, changed
    questions = page.locator("fieldset.bs-question").count()
    assert changed[0] in (f"You answered {questions} of {questions} questions correctly.",
                          f"You scored 100% ({questions} of {questions}). You have passed this knowledge check.")


def test_tab_leaves_the_open_menu_and_escape_closes_it(page, server):
    """2.1.2: no keyboard trap in the drawer (below 1220 px)."""
    page.set_viewport_size({"width": 1000, "height": 800})
    page.goto(server.base + PAGES["module page"])
    page.get_by_role("button", name="Navigation menu").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    for _ in range(60):
        page.keyboard.press("Tab")
        if not page.evaluate("() => !!document.activeElement.closest('.md-sidebar--primary')"):
            break
    else:
        raise AssertionError("Tab never left the open menu")
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert page.get_by_role("button", name="Navigation menu").get_attribute("aria-expanded") == "false"
