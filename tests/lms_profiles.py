"""Behaviour profiles of real LMSs, for the runtime tests: what each stores for one learner and one SCO, and what
it hands the SCO at the next launch. scorm-again is the run-time API inside each session; a profile decides
what goes in before the session (`launch_data`) and what is kept after it (`store`), as the LMS it imitates
does (docs/scorm.md "LMS notes"; measured behaviour in the project's research notes on Moodle and ADL):

- `standard`: hands everything back after `exit = suspend`; a normal exit starts a new attempt.
- `moodle` (and so Totara): SCORM 2004 `cmi.scaled_passing_score` from the objectives the manifest lists for
  the item, one after another, so the last wins, 1.0 for one without `minNormalizedMeasure`; `cmi.objectives`
  pre-filled with those ids; after `exit = normal` nothing is handed back (`ab-initio`, status unknown) yet
  the same attempt is kept, each element the SCO sets overwriting the stored one; SCORM 1.2 "mastery score
  overrides status": with a stored `score.raw`, `lesson_status` becomes passed or failed at LMSFinish.
- `strict-2004`: the passing score from the primary objective; the LMS itself evaluates `success_status`
  from `score.scaled` against it (SCORM 2004 RTE 4.2.22); a normal exit starts a new attempt.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

IMSSS = "http://www.imsglobal.org/xsd/imsss"
ADLCP12 = "http://www.adlnet.org/xsd/adlcp_rootv1p2"
PROFILES = {"1.2": ("standard", "moodle"), "2004": ("standard", "moodle", "strict-2004")}


def _item(package: Path, href: str):
    root = etree.fromstring(zipfile.ZipFile(package).read("imsmanifest.xml"))
    resource = root.xpath(f"//*[local-name()='resource'][@href='{href}']")[0]
    return root.xpath(f"//*[local-name()='item'][@identifierref='{resource.get('identifier')}']")[0]


class Lms:
    """One learner's record for one SCO in an LMS that behaves like `profile`."""

    def __init__(self, profile: str, version: str, package: Path, href: str):
        self.profile, self.version = profile, version
        item = _item(package, href)
        self.objectives = item.xpath(".//*[local-name()='primaryObjective' or local-name()='objective']")
        mastery = item.find(f"{{{ADLCP12}}}masteryscore")
        self.mastery12 = mastery.text if mastery is not None else ""
        self.record: dict[str, str] = {}  # element -> value, as the LMS stores it
        self.suspended = False

    def _passing_score(self) -> str | None:
        if self.version != "2004" or not self.objectives:
            return None
        measures = [o.findtext(f"{{{IMSSS}}}minNormalizedMeasure") for o in self.objectives]
        if self.profile == "moodle":
            return measures[-1] or "1"
        if self.profile == "strict-2004":
            return measures[0]
        return measures[0]

    def launch_data(self) -> dict:
        """The cmi tree to load before the SCO starts (scorm-again's loadFromJSON)."""
        handed = {k: v for k, v in self.record.items() if not k.startswith("cmi.interactions.")} if self.suspended else {}
        if self.suspended:
            handed["cmi.core.entry" if self.version == "1.2" else "cmi.entry"] = "resume"
        if self.version == "1.2":
            handed.pop("cmi.core.exit", None)
            if self.mastery12:
                handed["cmi.student_data.mastery_score"] = self.mastery12
        else:
            handed.pop("cmi.exit", None)
            passing = self._passing_score()
            if passing is not None:
                handed["cmi.scaled_passing_score"] = passing
            if self.profile == "moodle":
                ids = [o.get("objectiveID") for o in self.objectives]
                known = {v for k, v in handed.items() if k.startswith("cmi.objectives.") and k.endswith(".id")}
                for n, oid in enumerate(i for i in ids if i not in known):
                    handed.setdefault(f"cmi.objectives.{len(known) + n}.id", oid)
        for element in ("cmi.core.session_time", "cmi.session_time", "cmi.core.total_time", "cmi.total_time"):
            handed.pop(element, None)
        return _nested(handed)

    def store(self, sets: list[tuple[str, str]]) -> None:
        """Keep what the SCO set in a session that ended (LMSFinish / Terminate)."""
        exit_element = "cmi.core.exit" if self.version == "1.2" else "cmi.exit"
        exit_value = next((v for k, v in reversed(sets) if k == exit_element), "")
        # else the last session ended normally: a new attempt
        record = dict(self.record) if self.suspended or self.profile == "moodle" else {}
        for element, value in sets:
            record[element] = value
        if self.version == "1.2" and self.profile == "moodle" and self.mastery12 and record.get("cmi.core.score.raw"):
            raw = float(record["cmi.core.score.raw"])
            record["cmi.core.lesson_status"] = "passed" if raw >= float(self.mastery12) else "failed"
        if self.version == "2004" and self.profile == "strict-2004":
            passing = self._passing_score()
            if passing is not None and record.get("cmi.score.scaled"):
                record["cmi.success_status"] = "passed" if float(record["cmi.score.scaled"]) >= float(passing) else "failed"
        self.record = record
        self.suspended = exit_value == "suspend"

    def outcome(self) -> dict[str, str]:
        """What an administrator sees: completion, success and score."""
        r = self.record
        if self.version == "1.2":
            status = r.get("cmi.core.lesson_status", "not attempted")
            return {"completion": status, "success": status if status in ("passed", "failed") else "unknown",
                    "score": r.get("cmi.core.score.raw", "")}
        return {"completion": r.get("cmi.completion_status", "unknown"), "success": r.get("cmi.success_status", "unknown"),
                "score": r.get("cmi.score.raw", "")}


def _nested(flat: dict[str, str]) -> dict:
    """{'cmi.core.lesson_status': 'passed'} -> {'core': {'lesson_status': 'passed'}} (what loadFromJSON takes)."""
    tree: dict = {}
    for element, value in flat.items():
        parts = element.split(".")[1:]
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree
