"""What the site's accessibility statement says: the publisher's details (content/publisher.yml), the WCAG 2.2
criteria that bundlesmith's own tests check on its templates (and how), and the issues known in them.

The statement claims only what is checked: each criterion below names the test that checks it, and a test
(tests/test_accessibility_statement.py) fails when a criterion listed here is named by no test. The layout
follows the UK government's model statement for the Public Sector Bodies (Websites and Mobile Applications)
(No. 2) Accessibility Regulations 2018: compliance status, what is not accessible, contact and response
time, the enforcement procedure, and when the statement was prepared and last reviewed.
"""

from __future__ import annotations

from dataclasses import dataclass

from bundlesmith.model import Publisher


@dataclass(frozen=True)
class Criterion:
    number: str  # WCAG 2.2 success criterion, like 2.4.7
    name: str
    level: str  # A | AA
    how: str  # how the tests check it on every build of bundlesmith
    by_axe: bool = False  # checked by axe-core's rules for it (else a browser test of ours names it)


# Checked on bundlesmith's templates (site pages of every kind, SCORM pages, coverage reports) by the test suite.
# axe-core: WCAG 2.2 A and AA rules (with target-size) and the best-practice rules, at 1280 and 320 px.
CHECKED: tuple[Criterion, ...] = (
    Criterion("1.1.1", "Non-text content", "A", "axe-core on every page: images and the heatmaps have text alternatives", by_axe=True),
    Criterion("1.3.1", "Info and relationships", "A", "axe-core on every page: headings, lists, labelled form controls, "
              "table headers; knowledge-check questions are fieldsets with legends", by_axe=True),
    Criterion("1.4.1", "Use of colour", "A", "a browser test: the current page in the navigation is bold and underlined; "
              "links in text are underlined; feedback is in words"),
    Criterion("1.4.3", "Contrast (minimum)", "AA", "axe-core colour-contrast on every page", by_axe=True),
    Criterion("1.4.10", "Reflow", "AA", "browser tests at 320 and 640 px: coverage reports never scroll sideways; "
              "wide tables and heatmaps scroll inside named regions"),
    Criterion("1.4.11", "Non-text contrast", "AA", "browser tests measure the focus rings (at least 3:1)"),
    Criterion("1.4.12", "Text spacing", "AA", "browser tests apply the WCAG text spacing to a module page, a SCORM page "
              "and a coverage report: nothing is cut off or overlaps"),
    Criterion("2.1.1", "Keyboard", "A", "keyboard-only journeys: the menu at narrow widths, navigation sections, the "
              "knowledge check on the site and in a SCORM package, tables that scroll"),
    Criterion("2.1.2", "No keyboard trap", "A", "keyboard journeys: Tab leaves the open menu, and Escape closes it"),
    Criterion("2.4.1", "Bypass blocks", "A", "axe-core on every page: a skip link and landmarks", by_axe=True),
    Criterion("2.4.2", "Page titled", "A", "axe-core and a test that every page's title names the page and the site"),
    Criterion("2.4.3", "Focus order", "A", "browser tests: links in the closed menu take no focus; a resumed SCORM "
              "module moves focus to its welcome-back notice"),
    Criterion("2.4.4", "Link purpose (in context)", "A", "axe-core link-name; a test that \"Go back to the start\" goes "
              "to the start"),
    Criterion("2.4.7", "Focus visible", "AA", "browser tests: a screenshot of each control changes when it has focus"),
    Criterion("2.4.11", "Focus not obscured (minimum)", "AA", "a browser test: the focused \"Check answers\" button is "
              "never under the sticky header"),
    Criterion("2.5.8", "Target size (minimum)", "AA", "axe-core target-size on every page", by_axe=True),
    Criterion("3.1.1", "Language of page", "A", "axe-core html-has-lang on every page", by_axe=True),
    Criterion("4.1.2", "Name, role, value", "A", "axe-core ARIA rules on every page; browser tests: the menu and "
              "navigation section buttons have names and an expanded state"),
    Criterion("4.1.3", "Status messages", "AA", "browser tests: checking answers announces one status message; the "
              "number of search results is a status message"),
)

# What bundlesmith's own templates are known not to do yet: listed on every statement.
KNOWN: tuple[tuple[str, tuple[str, ...]], ...] = (
    (("On screens narrower than 960 pixels, the list of headings of the current page inside the menu cannot be "
      "opened with a keyboard. The same headings are on the page itself."), ("2.1.1",)),
)

NOT_CHECKED = ("Content written by the training's authors (text alternatives for their images, captions for video "
               "and audio, plain language, link text) is checked by the automated rules listed below, not by a person.")


@dataclass(frozen=True)
class Statement:
    publisher: Publisher
    site_name: str
    checked: tuple[Criterion, ...]
    known: tuple[tuple[str, tuple[str, ...], str], ...]  # (issue, criteria, fix by: a date or "")
    not_checked: str

    @property
    def compliance(self) -> str:
        """'fully' or 'partially' compliant: never fully while any issue is known."""
        return "partially" if self.known else "fully"


def statement(publisher: Publisher, site_name: str) -> Statement:
    known = tuple((issue, criteria, "") for issue, criteria in KNOWN)
    known += tuple((k.issue, k.criteria, k.fix_by.isoformat() if k.fix_by else "") for k in publisher.known_issues)
    return Statement(publisher, site_name, CHECKED, known, NOT_CHECKED)
