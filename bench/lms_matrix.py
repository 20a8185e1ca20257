"""Every SCO of every sample package, five learner paths, every LMS behaviour profile: the exhaustive matrix
the tests sample (tests/test_lms_profiles.py runs one SCO). Prints one Markdown table per package.

    python bench/lms_matrix.py [--only NAME-SUBSTRING] [-o matrix.md]

Paths: `pass` (the fewest right answers that reach the package's pass mark), `below` (one fewer), `finish` (all
right, read to the end), `half` (the check answered, the end never reached), `relaunch` (finish, then open
again and leave at once). Each cell is the stored completion/success/score; a cell that differs between
the SCOs of a package lists each outcome with its count. Needs what the tests need (Debian's chromium,
node_modules); run from the repository root.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO / "tools")]

from lxml import etree  # noqa: E402

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from lms_profiles import PROFILES, Lms  # noqa: E402
from scorm_support import build, lms_site, serve  # noqa: E402
from test_scorm_runtime import Session  # noqa: E402

PATHS = ("pass", "below", "finish", "half", "relaunch")


def scos(package: Path) -> list[tuple[str, int]]:
    """(launch href, questions on its page) for each SCO."""
    with zipfile.ZipFile(package) as archive:
        root = etree.fromstring(archive.read("imsmanifest.xml"))
        hrefs = root.xpath("//*[local-name()='resource'][@href]/@href")
        return [(href, archive.read(href).count(b'class="bs-question"')) for href in hrefs]


def run_session(browser, site: Path, href: str, version: str, lms: Lms, act) -> None:
    import json
    import re

    with serve(site) as base:
        context = browser.new_context(viewport={"width": 1100, "height": 800}, reduced_motion="reduce")
        page = context.new_page()
        page.add_init_script(f"window.__lmsInitial = {json.dumps(lms.launch_data())};")
        page.goto(f"{base}/lms.html?version={version}&sco=pkg/{href}")
        page.frame_locator("#sco").locator("html[data-bs-runtime]").wait_for(state="attached")
        session = Session(page, base, [])
        session.frame = page.frame(url=re.compile(r"/pkg/"))
        act(session)
        session.close()
        lms.store(session.sets())
        context.close()


def outcome_text(lms: Lms) -> str:
    o = lms.outcome()
    return f"{o['completion']}/{o['success']}/{o['score'] or '-'}"


def matrix(browser, package: Path, work: Path) -> list[str]:
    version = "1.2" if package.name.endswith("scorm12.zip") else "2004"
    site = lms_site(package, work / package.stem)
    cells: dict[tuple[str, str], Counter] = {}
    for href, questions in scos(package):
        probe = Lms("standard", version, package, href)
        mastery = float(probe.mastery12) if version == "1.2" and probe.mastery12 else 100 * float(
            probe.objectives[0].findtext("{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure")) if \
            probe.objectives else 80.0
        right = math.ceil(questions * mastery / 100 - 1e-9) if questions else 0
        plans = {
            "pass": [lambda s, right=right: (s.answer(right=right, by_mouse=False), s.read_to_end())],
            "below": [lambda s, right=right: (s.answer(right=right - 1, by_mouse=False), s.read_to_end())],
            "finish": [lambda s: (s.answer(correctly=True, by_mouse=False), s.read_to_end())],
            "half": [lambda s: s.answer(correctly=True, by_mouse=False, check_by_script=True)],
            "relaunch": [lambda s: (s.answer(correctly=True, by_mouse=False), s.read_to_end()),
                         lambda s: s.page.wait_for_timeout(300)],
        }
        for profile in PROFILES[version]:
            for path in PATHS:
                if not questions and path in ("pass", "below"):
                    cells.setdefault((profile, path), Counter())["n/a"] += 1
                    continue
                lms = Lms(profile, version, package, href)
                for act in plans[path]:
                    run_session(browser, site, href, version, lms, act)
                cells.setdefault((profile, path), Counter())[outcome_text(lms)] += 1
    lines = [f"| profile | {' | '.join(PATHS)} |", "|---|" + "---|" * len(PATHS)]
    for profile in PROFILES[version]:
        row = []
        for path in PATHS:
            counts = cells[(profile, path)]
            row.append(next(iter(counts)) if len(counts) == 1 else "; ".join(f"{k} x{n}" for k, n in counts.items()))
        lines.append(f"| {profile} | {' | '.join(row)} |")
    return lines


def schema_facts(package: Path, work: Path) -> str:
    from bundlesmith.scorm_schemas import NS12, NS2004

    folder = work / (package.stem + "-schemas")
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    root = etree.parse(str(folder / "imsmanifest.xml"))
    version = "1.2" if "imscp_rootv1p1p2" in root.getroot().tag else "2004"
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{name}"/>'
                      for ns, name in (NS12 if version == "1.2" else NS2004).items())
    driver = f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">{imports}</xs:schema>'.encode()
    try:
        schema = etree.XMLSchema(etree.fromstring(driver, etree.XMLParser(no_network=True),
                                                  base_url=(folder / "driver.xsd").as_uri()))
        own = "yes" if schema.validate(root) else "no (invalid)"
    except etree.XMLSchemaParseError as exc:
        own = f"no ({exc})"
    listed = [h for h in root.xpath("//*[local-name()='file']/@href") if h.endswith((".xsd", ".dtd"))]
    return f"validates with its own schema files offline: {own}; schema files listed as resources: {len(listed)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="only packages whose name contains this")
    parser.add_argument("-o", "--output", type=Path, default=None)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        packages = sorted(p for p in build(REPO, work / "out").glob("*.zip") if args.only in p.name)
        out: list[str] = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            for package in packages:
                out += [f"### {package.name}", "", schema_facts(package, work), ""]
                out += [*matrix(browser, package, work), ""]
                print("\n".join(out[-(len(PROFILES['1.2' if 'scorm12' in package.name else '2004']) + 6):]),
                      flush=True)
                if args.output:  # as it goes: a long run that stops keeps what it found
                    args.output.write_text("\n".join(out) + "\n", encoding="utf-8")
            browser.close()
    if args.output:
        args.output.write_text("\n".join(out) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
