"""A learner takes a module in an LMS: the package runs in headless Chromium inside a test LMS page whose API is
the real SCORM run-time from scorm-again (1.2 and 2004), served on 127.0.0.1 only."""

from __future__ import annotations

import json
import re
from contextlib import contextmanager

import pytest

from bundlesmith import pipeline
from bundlesmith.model import AUTO_MARKED_METHODS
from scorm_support import ROOT, build, guard_requests, lms_site, manifest, right_values, serve

MODULE = "compassionate-leadership-everyday"
LABEL = {"1.2": "scorm12", "2004": "scorm2004"}


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    return build(ROOT, tmp_path_factory.mktemp("scorm-runtime"))


@pytest.fixture(scope="module")
def catalogue():
    return pipeline.check(ROOT).catalogue


class Session:
    def __init__(self, page, base, outside):
        self.page, self.base, self.outside = page, base, outside
        self.frame = page.frame(url=re.compile(r"/pkg/"))

    def sco(self, script: str, arg=None):
        return self.frame.evaluate(script, arg)

    def log(self) -> list[dict]:
        return self.page.evaluate("window.lmsLog")

    def data(self) -> dict:
        return self.page.evaluate("window.lmsData()")["cmi"]

    def sets(self) -> list[tuple[str, str]]:
        return [tuple(e["args"][:2]) for e in self.log() if e["call"] in ("LMSSetValue", "SetValue")]

    def scroll_to(self, element_id: str) -> None:
        self.sco("id => document.getElementById(id).scrollIntoView()", element_id)
        self.page.wait_for_timeout(350)

    def read_to_end(self) -> None:
        """Scroll down a screen at a time, as a reader does, until the end of the module."""
        for _ in range(200):
            at_bottom = self.sco("() => { window.scrollBy(0, window.innerHeight * 0.8); "
                                 "return window.innerHeight + window.scrollY >= document.body.scrollHeight - 2; }")
            self.page.wait_for_timeout(40)
            if at_bottom:
                break
        self.page.wait_for_timeout(350)

    def answer(self, correctly: bool = True, by_mouse: bool = True, right: int | None = None,
               check_by_script: bool = False) -> None:
        """Answer every question: all right, all wrong, or the first `right` right and the rest wrong."""
        questions = self.sco("""() => Array.from(document.querySelectorAll('fieldset.bs-question')).map(f => [
            f.closest('article.bs-module').dataset.module, f.dataset.question,
            Array.from(f.querySelectorAll('input')).map(i => [i.id, i.value])])""")
        ids = []
        for n, (module, question, inputs) in enumerate(questions):
            good = right_values(module, question)
            want = (n < right) if right is not None else correctly
            pick = [i for i, value in inputs if (value in good) == want]
            ids += pick if want else pick[:1]
        for input_id in ids:
            if by_mouse:
                self.frame.locator(f"label[for='{input_id}']").click()
            else:  # many questions: the same click event, without moving the mouse to each
                self.sco("id => document.getElementById(id).click()", input_id)
        if check_by_script:  # without scrolling the page (to leave a module before its end)
            self.sco("() => document.querySelectorAll('button.bs-check').forEach(b => b.click())")
        else:
            for button in self.frame.locator("button.bs-check").all():
                button.click()
        self.page.wait_for_timeout(100)

    def close(self) -> None:
        """The learner leaves: the LMS unloads the SCO's frame."""
        self.page.evaluate("document.getElementById('sco').src = 'about:blank'")
        self.page.wait_for_function("window.lmsLog.some(e => e.call === 'Terminate' || e.call === 'LMSFinish')",
                                    timeout=5000)
        self.page.wait_for_timeout(200)


@pytest.fixture
def launch(browser, tmp_path):
    @contextmanager
    def _launch(package, href: str, version: str, initial: dict | None = None, quirks: str = "",
                items: list[str] | None = None):
        site = lms_site(package, tmp_path / f"site-{len(list(tmp_path.iterdir()))}")
        with serve(site) as base:
            context = browser.new_context(viewport={"width": 1100, "height": 800}, reduced_motion="reduce")
            page = context.new_page()
            outside: list[str] = []
            guard_requests(page, base, outside)
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            if initial is not None:
                page.add_init_script(f"window.__lmsInitial = {json.dumps(initial)};")
            if items is not None:
                page.add_init_script(f"window.__lmsScoItemIds = {json.dumps(items)};")
            page.goto(f"{base}/lms.html?version={version}&quirks={quirks}&sco=pkg/{href}")
            page.frame_locator("#sco").locator("html[data-bs-runtime]").wait_for(state="attached")
            session = Session(page, base, outside)
            try:
                yield session
                assert errors == [], errors
                assert outside == [], f"requests left the package: {outside}"
            finally:
                context.close()
    return _launch


def calls(log, *names):
    return [e for e in log if e["call"] in names]


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_learner_reads_answers_and_resumes_and_the_lms_records_it(packages, catalogue, launch, version):
    v12 = version == "1.2"
    package = packages / f"national-induction-1.0.0-{LABEL[version]}.zip"
    module = catalogue.modules[MODULE]
    location = "cmi.core.lesson_location" if v12 else "cmi.location"

    # First visit: read part of the module, then leave.
    with launch(package, f"sco/{MODULE}.html", version) as first:
        assert first.sco("() => document.documentElement.dataset.bsRuntime") == "lms"
        headings = first.sco("() => Array.from(document.querySelectorAll('main h2[id]')).map(h => h.id)")
        stop = [h for h in headings if h not in ("bs-about",)][2]
        for heading in headings[: headings.index(stop) + 1]:
            first.scroll_to(heading)
        first.close()
        log = first.log()
        assert log[0]["call"] == ("LMSInitialize" if v12 else "Initialize") and log[0]["result"] == "true"
        assert len(calls(log, "LMSFinish", "Terminate")) == 1 and log[-1]["call"] in ("LMSFinish", "Terminate")
        stored = first.data()
        sets = dict(first.sets())
        assert sets[location] == stop
        if v12:
            assert stored["core"]["lesson_status"] == "incomplete" and sets["cmi.core.exit"] == "suspend"
            assert re.fullmatch(r"\d{2,4}:\d\d:\d\d(\.\d{1,2})?", sets["cmi.core.session_time"])
        else:
            assert stored["completion_status"] == "incomplete" and sets["cmi.exit"] == "suspend"
            assert re.fullmatch(r"PT\d+H\d+M\d+(\.\d+)?S", sets["cmi.session_time"])
        assert not [e for e in log if e["call"] in ("LMSSetValue", "SetValue") and e["error"] != "0"]

    # The LMS keeps what the SCO stored and hands it back on the next launch.
    if v12:
        initial = {"core": {"lesson_location": stored["core"]["lesson_location"], "entry": "resume",
                            "lesson_status": stored["core"]["lesson_status"]}, "suspend_data": stored["suspend_data"]}
    else:
        initial = {"location": stored["location"], "entry": "resume", "completion_status": stored["completion_status"],
                   "suspend_data": stored["suspend_data"]}

    with launch(package, f"sco/{MODULE}.html", version, initial) as second:
        top = second.sco("id => document.getElementById(id).getBoundingClientRect().top", stop)
        assert -5 <= top <= 200, f"resumed with the bookmark {stop} at {top}px from the top"
        # The "Welcome back" notice is in view just above the bookmark and has focus (2.4.3); the next Tab
        # goes on from there, and "Go back to the start" still goes to the start (2.4.4).
        notice = second.sco("""id => { const box = document.getElementById('bs-resume'), r = box.getBoundingClientRect();
            return {shown: !box.hidden, top: r.top, bottom: r.bottom, focused: document.activeElement === box,
                    before: box.nextElementSibling && box.nextElementSibling.id === id,
                    href: box.querySelector('a').getAttribute('href')}; }""", stop)
        assert notice["shown"] and notice["focused"] and notice["before"], notice
        assert notice["top"] >= 0 and notice["bottom"] <= 800 and notice["href"] == "#content", notice
        second.page.keyboard.press("Tab")
        assert second.sco("() => document.activeElement.textContent") == "Go back to the start"
        second.page.keyboard.press("Tab")
        after = second.sco("id => document.getElementById(id).compareDocumentPosition(document.activeElement)", stop)
        assert after & 4 or after & 16, "the second Tab went back above the bookmark"  # following or inside
        second.read_to_end()
        second.answer(correctly=True)
        second.read_to_end()
        assert "You scored 100%" in second.frame.locator(".bs-score").inner_text()
        second.close()
        log, data, sets = second.log(), second.data(), second.sets()
        assert len(calls(log, "LMSInitialize", "Initialize")) == 1
        assert len(calls(log, "LMSFinish", "Terminate")) == 1 and log[-1]["call"] in ("LMSFinish", "Terminate")
        assert not [e for e in log if e["call"] in ("LMSSetValue", "SetValue") and e["error"] != "0"]
        names = [name for name, _ in sets]
        score = "cmi.core.score.raw" if v12 else "cmi.score.raw"
        status = "cmi.core.lesson_status" if v12 else "cmi.success_status"
        final_status = max(i for i, (n, v) in enumerate(sets) if n == status and v == "passed")
        first_passed = min(i for i, (n, v) in enumerate(sets) if n == status and v == "passed")
        assert names.index(score) < first_passed <= final_status  # score before status
        questions = module.quiz.questions
        if v12:
            assert data["core"]["lesson_status"] == "passed"
            assert (data["core"]["score"]["raw"], data["core"]["score"]["min"], data["core"]["score"]["max"]) == ("100", "0", "100")
            response = "student_response"
        else:
            assert (data["completion_status"], data["success_status"]) == ("completed", "passed")
            assert float(data["score"]["scaled"]) == 1 and data["score"]["raw"] == "100"
            response = "learner_response"
        interactions = [data["interactions"][k] for k in sorted(data["interactions"], key=int)]
        assert [i["id"] for i in interactions] == [f"{MODULE}-{q.id}" for q in questions]
        assert all(i["result"] == "correct" and i["type"] == "choice" for i in interactions)
        for question, interaction in zip(questions, interactions):  # each linked to the standards it assesses
            linked = [a.standard for a in module.assessed_standards if question.id in a.assessment.items]
            assert [o["id"] for o in interaction["objectives"].values()] == [
                (s.replace(":", ".") if v12 else catalogue.frameworks["clm"].permalink(s.split(":")[1])) for s in linked]
        assert [i[response] for i in interactions] == [
            ("," if v12 else "[,]").join(chr(97 + n) for n, c in enumerate(q.choices) if c.correct) for q in questions]
        objectives = [data["objectives"][k] for k in sorted(data["objectives"], key=int)]
        framework = catalogue.frameworks["clm"]
        expected = [(a.standard.replace(":", ".") if v12 else framework.permalink(a.standard.split(":")[1]))
                    for a in module.assessed_standards]
        assert [o["id"] for o in objectives] == expected
        assert all((o["status"] if v12 else o["success_status"]) == "passed" for o in objectives)
        assert sets[-1][0] in ("cmi.core.exit", "cmi.exit")
        stored = data

    # A later visit shows the answers given, with their feedback, from suspend_data.
    with launch(package, f"sco/{MODULE}.html", version, {"suspend_data": stored["suspend_data"]}) as third:
        checked = third.sco("() => Array.from(document.querySelectorAll('fieldset.bs-question')).map(f => "
                            "Array.from(f.querySelectorAll('input:checked')).map(i => i.value).join())")
        assert checked == [",".join(right_values(MODULE, q.id)) for q in questions]
        assert third.frame.locator("fieldset[data-result='correct']").count() == len(questions)


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_wrong_answers_fail_against_the_mastery_score(packages, launch, version):
    package = packages / f"mid-career-managers-1.0.0-{LABEL[version]}.zip"
    with launch(package, "sco/leading-compassionate-teams.html", version) as session:
        session.frame.locator("button.bs-check").click()  # checked before answering anything, then retaken
        session.answer(correctly=False)
        session.read_to_end()
        assert "The pass mark is 80%" in session.frame.locator(".bs-score").inner_text()
        questions = session.frame.locator("fieldset.bs-question").count()
        session.close()
        data = session.data()
        assert not [e for e in session.log() if e["call"] in ("LMSSetValue", "SetValue") and e["error"] != "0"]
        # 2004 can read interactions back and updates each question's; 1.2 journals every attempt
        assert len(data["interactions"]) == (2 * questions if version == "1.2" else questions)
        if version == "1.2":
            assert data["core"]["lesson_status"] == "failed" and data["core"]["score"]["raw"] == "0"
            assert {o["status"] for o in data["objectives"].values()} == {"failed"}
        else:
            assert (data["completion_status"], data["success_status"]) == ("completed", "failed")
            assert {o["success_status"] for o in data["objectives"].values()} == {"failed"}
        assert {i["result"] for i in data["interactions"].values()} == ({"wrong"} if version == "1.2" else {"incorrect"})


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_an_lms_without_count_support_that_refuses_objectives_still_records_completion(packages, catalogue, launch,
                                                                                       version):
    package = packages / f"national-induction-1.0.0-{LABEL[version]}.zip"
    with launch(package, f"sco/{MODULE}.html", version, quirks="no-count,throw-objectives") as session:
        session.answer(correctly=True)
        session.read_to_end()
        session.close()
        log, data = session.log(), session.data()
        assert [e for e in log if e["result"] == "exception"], "the SCO did try to write objectives"
        assert data["objectives"] == {}
        if version == "1.2":
            assert data["core"]["lesson_status"] == "passed"
        else:
            assert (data["completion_status"], data["success_status"]) == ("completed", "passed")
        ids = [i["id"] for i in data["interactions"].values()]
        assert ids == [f"{MODULE}-{q.id}" for q in catalogue.modules[MODULE].quiz.questions]
        assert len(calls(log, "LMSFinish", "Terminate")) == 1


def test_objectives_an_lms_created_from_the_2004_manifest_are_updated_not_duplicated(packages, launch):
    """SCORM 2004 LMSs create cmi.objectives from the manifest's imsss objectives before launch."""
    package = packages / "national-induction-1.0.0-scorm2004.zip"
    item = manifest(package).xpath(f"//*[local-name()='item'][@identifier='item-{MODULE}']")[0]
    declared = item.xpath(".//*[local-name()='primaryObjective' or local-name()='objective']/@objectiveID")
    initial = {"objectives": {str(n): {"id": oid} for n, oid in enumerate(declared)}}
    with launch(package, f"sco/{MODULE}.html", "2004", initial) as session:
        session.answer(correctly=True)
        session.read_to_end()
        session.close()
        objectives = list(session.data()["objectives"].values())
    assert [o["id"] for o in objectives] == declared  # same entries, same order, none added
    assert [o["success_status"] for o in objectives[1:]] == ["passed"] * (len(declared) - 1)


def test_a_sco_opened_in_a_new_window_finds_the_api_through_its_opener(packages, browser, tmp_path):
    site = lms_site(packages / "national-induction-1.0.0-scorm12.zip", tmp_path / "site")
    with serve(site) as base:
        context = browser.new_context()
        outside: list[str] = []
        guard_requests(context, base, outside)  # the context: the popup is guarded too
        page = context.new_page()
        with page.expect_popup() as popup_info:
            page.goto(f"{base}/lms.html?version=1.2&window=new&sco=pkg/sco/{MODULE}.html")
        popup = popup_info.value
        popup.locator("html[data-bs-runtime]").wait_for(state="attached")
        assert popup.evaluate("document.documentElement.dataset.bsRuntime") == "lms"
        popup.close(run_before_unload=True)
        page.wait_for_function("window.lmsLog.some(e => e.call === 'LMSFinish')", timeout=5000)
        log = page.evaluate("window.lmsLog")
        assert [e["call"] for e in log if e["call"] in ("LMSInitialize", "LMSFinish")] == ["LMSInitialize", "LMSFinish"]
        context.close()
        assert outside == []


def test_a_single_sco_package_scores_every_module_of_the_bundle(packages, catalogue, launch):
    package = packages / "core-management-curriculum-1.0.0-scorm12.zip"
    bundle = catalogue.bundles["core-management-curriculum"]
    with launch(package, "sco/core-management-curriculum.html", "1.2") as session:
        ids = session.sco("() => Array.from(document.querySelectorAll('[id]')).map(e => e.id)")
        assert len(ids) == len(set(ids)), "ids are unique across the modules of the page"
        session.answer(correctly=True, by_mouse=False)
        session.read_to_end()
        session.close()
        data = session.data()
        assert data["core"]["lesson_status"] == "passed"
        questions = [f"{m}-{q.id}" for m in bundle.module_ids if catalogue.modules[m].quiz
                     for q in catalogue.modules[m].quiz.questions]
        interaction_ids = [i["id"] for i in data["interactions"].values()]
        assert sorted(interaction_ids) == sorted(questions) and len(set(interaction_ids)) == len(questions)
        assessed = {a.standard.replace(":", ".") for m in bundle.module_ids for a in catalogue.modules[m].assessed_standards
                    if a.assessment.method in AUTO_MARKED_METHODS}  # the SCO scores only what its check assesses
        assert {o["id"] for o in data["objectives"].values()} == assessed
        assert len(data["suspend_data"]) < 1000, "a whole bundle's answers stay well under SCORM 1.2's 4,096"


def test_without_an_lms_the_module_works_and_says_progress_is_not_saved(packages, catalogue, browser, tmp_path):
    site = lms_site(packages / "national-induction-1.0.0-scorm12.zip", tmp_path / "site")
    with serve(site) as base:
        page = browser.new_page()
        outside: list[str] = []
        guard_requests(page, base, outside)
        page.goto(f"{base}/pkg/sco/{MODULE}.html")
        notice = page.locator("#bs-lms-status")
        notice.wait_for(state="visible")
        assert "progress will not be saved" in notice.inner_text()
        assert page.evaluate("document.documentElement.dataset.bsRuntime") == "standalone"
        for question in catalogue.modules[MODULE].quiz.questions:
            for value in right_values(MODULE, question.id):
                page.locator(f"label[for='bs-{question.id}-{value}']").click()
        page.locator("button.bs-check").click()
        assert "You scored 100%" in page.locator(".bs-score").inner_text()
        page.close()
        assert outside == []


CHOICE_ORDER = """() => Array.from(document.querySelectorAll('fieldset.bs-question')).map(
    f => Array.from(f.querySelectorAll('input')).map(i => i.value).join(''))"""


def test_choices_are_shuffled_per_attempt_and_a_resume_shows_the_same_order(packages, launch):
    """Assessment validity: each attempt has its own order of choices, seeded and kept in suspend_data, so
    the learner who comes back sees the order they left; a new attempt gets a new order."""
    package = packages / "national-induction-1.0.0-scorm2004.zip"
    with launch(package, f"sco/{MODULE}.html", "2004") as first:
        order = first.sco(CHOICE_ORDER)
        first.answer(correctly=True, check_by_script=True)  # answers are picked by value, wherever they sit
        assert "You scored 100%" in first.frame.locator(".bs-score").inner_text()
        first.close()
        stored = first.data()
    seed = json.loads(stored["suspend_data"])["s"]
    assert re.fullmatch(r"[0-9a-f]{8}", seed)
    with launch(package, f"sco/{MODULE}.html", "2004", {"entry": "resume", "suspend_data": stored["suspend_data"]}) as again:
        assert again.sco(CHOICE_ORDER) == order
        assert again.frame.locator("fieldset[data-result='correct']").count() == len(order)
    orders = {tuple(order)}
    for _ in range(2):
        with launch(package, f"sco/{MODULE}.html", "2004") as fresh:
            orders.add(tuple(fresh.sco(CHOICE_ORDER)))
    assert len(orders) > 1, "every attempt showed the choices in the same order"
