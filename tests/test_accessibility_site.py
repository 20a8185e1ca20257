"""A keyboard-only learner on the site at every width: the menu is reachable below 1220 px (a 200-400 % zoom),
the closed drawer keeps its links out of the Tab order, navigation sections say what they are and open with
Space, and focus can always be seen (WCAG 2.1.1, 2.4.3, 2.4.7, 4.1.2)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from site_support import VARIANT, StaticServer, sample_build

MODULE_PAGE = "site/modules/speaking-up-and-listening-up/index.html"
NARROW = {"width": 1000, "height": 800}  # below the theme's 1220 px breakpoint: the navigation is a drawer

FOCUSED = """() => { const e = document.activeElement, r = e.getBoundingClientRect();
    return {tag: e.tagName, name: e.getAttribute('aria-label') || e.textContent.trim().slice(0, 40),
            inDrawer: !!e.closest('.md-sidebar--primary'), menu: e.hasAttribute('data-bs-drawer'),
            inMain: !!e.closest('.md-content'), body: e === document.body,
            onScreen: r.width > 0 && r.height > 0 && r.right > 0 && r.bottom > 0
                      && r.left < innerWidth && r.top < innerHeight,
            visible: getComputedStyle(e).visibility === 'visible'}; }"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with StaticServer(sample_build(tmp_path_factory)) as running:
        yield running


@pytest.fixture
def page(browser, server):
    context = browser.new_context()
    tab = context.new_page()
    yield tab
    context.close()


def _tab_through(tab, limit: int = 200) -> list[dict]:
    """Press Tab from the top of the page until focus leaves the page's last control; what had focus each time."""
    seen = []
    for _ in range(limit):
        tab.keyboard.press("Tab")
        now = tab.evaluate(FOCUSED)
        if now["body"] or (seen and now == seen[0]):
            break
        seen.append(now)
    return seen


def _focus_shows(tab, locator) -> bool:
    """Whether focusing the element changes how it looks: a screenshot of it (and a margin for an outline)
    without focus and with keyboard focus differ."""
    box = locator.bounding_box()
    clip = {"x": max(box["x"] - 6, 0), "y": max(box["y"] - 6, 0), "width": box["width"] + 12, "height": box["height"] + 12}
    tab.evaluate("() => document.activeElement && document.activeElement.blur()")
    before = tab.screenshot(clip=clip, animations="disabled")
    locator.evaluate("el => el.focus({focusVisible: true})")
    tab.wait_for_timeout(50)
    after = tab.screenshot(clip=clip, animations="disabled")
    return before != after


def test_below_1220_px_tab_reaches_the_menu_button_and_never_a_link_in_the_closed_drawer(page, server):
    page.set_viewport_size(NARROW)
    page.goto(server.base + MODULE_PAGE)
    order = _tab_through(page)
    assert any(f["menu"] for f in order), "the menu button is not in the Tab order"
    assert [f["name"] for f in order if f["inDrawer"]] == [], "links of the closed drawer take focus"
    assert all(f["onScreen"] for f in order), [f for f in order if not f["onScreen"]]
    menu = page.get_by_role("button", name="Navigation menu")
    assert menu.get_attribute("aria-expanded") == "false"
    assert _focus_shows(page, menu)


def test_the_menu_opens_and_closes_from_the_keyboard_with_focus_in_the_drawer(page, server):
    page.set_viewport_size(NARROW)
    page.goto(server.base + MODULE_PAGE)
    while not page.evaluate(FOCUSED)["menu"]:
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert page.get_by_role("button", name="Navigation menu").get_attribute("aria-expanded") == "true"
    focused = page.evaluate(FOCUSED)
    assert focused["inDrawer"] and focused["onScreen"] and focused["visible"], focused
    # Within the open drawer every stop is a control that can be seen (none hidden under an open panel).
    inside = []
    for _ in range(30):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if not now["inDrawer"]:
            break
        inside.append(now)
    assert inside and all(f["onScreen"] and f["visible"] for f in inside), inside
    assert any(f["name"].startswith("Compassionate leadership") for f in inside)
    page.keyboard.press("Escape")
    page.wait_for_timeout(400)
    assert page.evaluate(FOCUSED)["menu"]
    assert page.get_by_role("button", name="Navigation menu").get_attribute("aria-expanded") == "false"


def test_at_desktop_width_no_menu_button_takes_focus(page, server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.base + MODULE_PAGE)
    order = _tab_through(page)
    assert not any(f["menu"] for f in order)
    assert any(f["inDrawer"] for f in order), "the sidebar navigation is reachable at desktop width"


def test_a_navigation_section_toggle_has_a_name_and_state_and_space_opens_it(page, server):
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.base + MODULE_PAGE)
    toggle = page.locator(".md-sidebar--primary").get_by_role("button", name="Pages in Induction")
    assert toggle.get_attribute("aria-expanded") == "true"
    toggle.focus()
    page.keyboard.press("Space")
    page.wait_for_timeout(300)
    assert toggle.get_attribute("aria-expanded") == "false"
    assert not page.locator(".md-sidebar--primary").get_by_role("link", name="Compassionate leadership every day").is_visible()
    page.keyboard.press("Space")
    page.wait_for_timeout(300)
    assert toggle.get_attribute("aria-expanded") == "true"
    assert page.locator(".md-sidebar--primary").get_by_role("link", name="Compassionate leadership every day").is_visible()


def test_on_a_phone_a_section_panel_has_a_way_back_by_keyboard(page, server):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(server.base + MODULE_PAGE)
    page.get_by_role("button", name="Navigation menu").focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    assert page.evaluate(FOCUSED)["name"] == "Back from Induction"
    page.keyboard.press("Enter")
    page.wait_for_timeout(400)
    focused = page.evaluate(FOCUSED)
    assert focused["name"] == "Pages in Induction" and focused["visible"] and focused["onScreen"], focused


@pytest.mark.parametrize("site", ["site", f"site-{VARIANT}"])
def test_every_aria_reference_on_every_page_names_an_element_that_exists(tmp_path_factory, site):
    """4.1.2: the variant site's navigation had aria-labelledby pointing at a toggle that was never drawn."""
    built = sample_build(tmp_path_factory)
    missing = []
    for path in sorted(Path(built, site).rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        ids = set(re.findall(r'\bid="([^"]+)"', text))
        for attr, refs in re.findall(r'\b(aria-labelledby|aria-describedby|aria-controls)="([^"]+)"', text):
            missing += [f"{path.relative_to(built)}: {attr}={ref}" for ref in refs.split() if ref not in ids]
    assert missing == []


CHOICE_ORDER = """() => Array.from(document.querySelectorAll('.bs-quiz fieldset')).map(
    f => Array.from(f.querySelectorAll('input')).map(i => i.value).join(''))"""


def test_knowledge_check_choices_come_in_a_new_order_on_each_load_and_nothing_is_stored(page, server, tmp_path_factory):
    """Assessment validity: the right answer's position gives nothing away; the built page stays the same bytes."""
    built = sample_build(tmp_path_factory)
    source = (built / MODULE_PAGE).read_text(encoding="utf-8")
    authored = re.findall(r'<fieldset class="bs-question".*?</fieldset>', source, re.S)
    authored = ["".join(re.findall(r'<input [^>]*value="([a-z])"', f)) for f in authored]
    orders = set()
    for _ in range(4):
        page.goto(server.base + MODULE_PAGE)
        order = page.evaluate(CHOICE_ORDER)
        assert [sorted(o) for o in order] == [sorted(a) for a in authored]  # the same choices, each once
        orders.add(tuple(order))
    assert len(orders) > 1, "the choices came in the same order on every load"
    assert page.evaluate("() => [localStorage.length, sessionStorage.length, document.cookie]") == [0, 0, ""]
    assert (built / MODULE_PAGE).read_text(encoding="utf-8") == source


@pytest.mark.parametrize("site", ["site", f"site-{VARIANT}"])
def test_every_page_title_names_the_page_and_the_site_and_no_two_are_the_same(tmp_path_factory, site):
    """WCAG 2.4.2: the 404 page was titled with the site's name alone, like the home page."""
    from html import unescape

    built = sample_build(tmp_path_factory)

    def title_of(text: str) -> str:
        return unescape(re.search(r"<title>(.*?)</title>", text, re.S).group(1).strip())

    site_name = title_of((built / site / "index.html").read_text(encoding="utf-8"))  # the home page's title
    seen: dict[str, str] = {}
    for path in sorted(Path(built, site).rglob("*.html")):
        rel = path.relative_to(built).as_posix()
        if "/reports/" in rel or "/downloads/" in rel:
            continue
        text = path.read_text(encoding="utf-8")
        title = title_of(text)
        assert title not in seen, f"{rel} has the same title as {seen.get(title)}: {title}"
        seen[title] = rel
        if rel == f"{site}/index.html":
            continue
        heading = unescape(re.sub(r"<[^>]+>", "", re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S).group(1))).strip()
        assert title.endswith(f" - {site_name}") and heading.startswith(title.removesuffix(f" - {site_name}")), \
            (rel, title, heading)


def test_every_kind_of_control_looks_different_when_it_has_keyboard_focus(page, server):
    """WCAG 2.4.7, measured: a screenshot of each control (and its surroundings, for the ring) changes when it
    gets keyboard focus: a navigation link and section button, a link in the text, a choice, a sideways-scrolling
    table and the Check answers button."""
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(server.base + MODULE_PAGE)
    controls = {
        "navigation link": page.locator(".md-sidebar--primary a.md-nav__link[href]").nth(1),
        "navigation section button": page.locator(".md-sidebar--primary button.bs-nav-toggle").first,
        "link in the text": page.locator("article .md-typeset a[href], article a[href]").first,
        "choice": page.locator(".bs-quiz input").first,
        "scrolling table": page.locator(".md-typeset__scrollwrap[tabindex='0']").first,
        "Check answers": page.get_by_role("button", name="Check answers"),
    }
    unchanged = []
    for name, control in controls.items():
        control.scroll_into_view_if_needed()
        if not _focus_shows(page, control):
            unchanged.append(name)
    assert unchanged == []
