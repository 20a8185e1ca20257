"""The bundle's Open Badges 3.0 Achievement, its SVG image, and an unsigned AchievementCredential template.

The Achievement aligns to every standard the bundle assesses (the kit's `assessed`, read from the one
coverage model), each by the standard's permalink (`framework.base_uri` + code, as the reports and the
SCORM metadata name it). Nothing is signed and no key is made or kept here: an issuer fills in the
template's SAMPLE values and signs it with their own key (docs/lms.md).
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from typing import NotRequired, TypedDict
from xml.sax.saxutils import escape

from bundlesmith.case import ids as case_ids
from bundlesmith.lms.plan import Competency, Kit

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
# Sample values in the credential template, each saying that it is one; an issuer replaces them all.
SAMPLE_ID = "urn:uuid:00000000-0000-4000-8000-000000000000"
SAMPLE_ISSUER: Profile = {"id": "https://issuer.example.org/SAMPLE-replace-with-your-issuer-profile", "type": ["Profile"],
                 "name": "SAMPLE ISSUER: replace with your organisation"}
SAMPLE_DATE = "2000-01-01T00:00:00Z"
SAMPLE_RECIPIENT = "did:example:SAMPLE-RECIPIENT-replace-with-the-learner"


# The parts of an Open Badges 3.0 credential this kit writes (keys in the order they are written).
class Alignment(TypedDict):
    type: list[str]
    targetName: str
    targetUrl: str
    targetCode: str
    targetDescription: str
    targetFramework: str
    targetType: NotRequired[str]


class Criteria(TypedDict):
    narrative: str


class Image(TypedDict):
    id: str
    type: str
    caption: str


class Achievement(TypedDict):
    id: str
    type: list[str]
    achievementType: str
    name: str
    description: str
    criteria: Criteria
    alignment: list[Alignment]
    image: Image
    humanCode: str
    version: str
    inLanguage: str
    tag: list[str]


class Profile(TypedDict):
    id: str
    type: list[str]
    name: str


class Subject(TypedDict):
    id: str
    type: list[str]
    achievement: Achievement


Credential = TypedDict("Credential", {
    "@context": list[str], "id": str, "type": list[str], "name": str, "description": str, "issuer": Profile,
    "validFrom": str, "credentialSubject": Subject})


def alignment(competency: Competency) -> Alignment:
    """One Alignment: the standard by its permalink; where the build exports the framework as CASE, also by
    its CFItem (`targetType: CFItem`, `targetCode` the item's CASE identifier, as in build/case/)."""
    item, framework = competency.item, competency.framework
    found: Alignment = {"type": ["Alignment"], "targetName": f"{item.code} {item.label}", "targetUrl": competency.permalink,
             "targetCode": item.code, "targetDescription": " ".join(item.statement.split()),
             "targetFramework": f"{framework.title} {framework.version}"}
    if case_ids.exported(framework):
        found.update({"targetType": "CFItem", "targetCode": case_ids.item_id(framework, item)})
    return found


def achievement_id(kit: Kit) -> str:
    """The Achievement's URI: stable per bundle, variant and version (an issuer may host it and use that URL)."""
    variant = f":{kit.variant}" if kit.variant else ""
    return f"urn:bundlesmith:achievement:{kit.bundle.id}{variant}:{kit.bundle.version}"


def criteria(kit: Kit) -> str:
    """What a learner does to earn the badge, in words, from the bundle."""
    modules = [kit.catalogue.modules[m] for m in kit.bundle.module_ids if m in kit.catalogue.modules]
    checked = [m for m in modules if m.quiz is not None]
    lines = [f"Complete every module of {kit.bundle.title} (version {kit.bundle.version}):"]
    lines += [f"- {m.title}" + (" (knowledge check)" if m.quiz is not None else "") for m in modules]
    if checked:
        lines.append(f"Score at least {kit.pass_mark}% on each knowledge check.")
    others = sorted({m for c in kit.assessed for m in c.other_methods})
    if others:
        lines.append("Be assessed by " + ", ".join(m.replace("-", " ") for m in others) + " where the standards "
                     "below ask for it.")
    if kit.assessed:
        lines.append("The standards assessed: " + "; ".join(f"{c.item.code} {c.item.label}" for c in kit.assessed) + ".")
    return "\n".join(lines)


def achievement(kit: Kit) -> Achievement:
    bundle = kit.bundle
    image = badge_svg(kit)
    return {
        "id": achievement_id(kit),
        "type": ["Achievement"],
        "achievementType": "Course",
        "name": bundle.title + (f" ({kit.catalogue.variant.title})" if kit.catalogue.variant else ""),
        "description": " ".join(bundle.description.split()),
        "criteria": {"narrative": criteria(kit)},
        "alignment": [alignment(c) for c in kit.assessed],
        "image": {"id": "data:image/svg+xml;base64," + base64.b64encode(image).decode("ascii"), "type": "Image",
                  "caption": image_description(kit)},
        "humanCode": bundle.id,
        "version": bundle.version,
        "inLanguage": "en-GB",
        "tag": list(bundle.levels),
    }


def credential_template(kit: Kit) -> Credential:
    """An AchievementCredential carrying the Achievement, with sample id, issuer, date and recipient, unsigned."""
    return {
        "@context": CONTEXT,
        "id": SAMPLE_ID,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": kit.bundle.title,
        "description": "UNSIGNED TEMPLATE. Replace every value marked SAMPLE (id, issuer, validFrom, "
                       "credentialSubject.id), remove this description, then sign with the issuer's key.",
        "issuer": SAMPLE_ISSUER,
        "validFrom": SAMPLE_DATE,
        "credentialSubject": {"id": SAMPLE_RECIPIENT, "type": ["AchievementSubject"], "achievement": achievement(kit)},
    }


def to_json(document: Mapping[str, object]) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def image_description(kit: Kit) -> str:
    assessed = len(kit.assessed)
    return (f"Badge for completing {kit.bundle.title}, version {kit.bundle.version}, "
            f"assessing {assessed} standard{'s' if assessed != 1 else ''}.")


def badge_svg(kit: Kit) -> bytes:
    """A round badge with the bundle's title and version; its colour follows from the bundle id (dark enough
    for white text at 4.5:1 and more). Named for assistive technology by its title and description."""
    bundle = kit.bundle
    hue = int(hashlib.sha256(bundle.id.encode("utf-8")).hexdigest()[:4], 16) % 360
    lines = _wrap(bundle.title, 16)[:4]
    size = min(17, 17 * 16 // max(len(line) for line in lines))  # a long word is drawn smaller to fit the circle
    top = 100 - 11 * (len(lines) - 1)
    words = "".join(f'<tspan x="100" y="{top + 22 * n}">{escape(line)}</tspan>' for n, line in enumerate(lines))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="200" height="200" role="img" '
        'aria-labelledby="badge-title badge-desc">'
        f'<title id="badge-title">{escape(bundle.title)}</title>'
        f'<desc id="badge-desc">{escape(image_description(kit))}</desc>'
        f'<circle cx="100" cy="100" r="96" fill="hsl({hue},55%,25%)"/>'
        '<circle cx="100" cy="100" r="84" fill="none" stroke="#ffffff" stroke-width="3"/>'
        f'<text font-family="sans-serif" font-size="{size}" font-weight="bold" fill="#ffffff" text-anchor="middle">{words}</text>'
        f'<text x="100" y="170" font-family="sans-serif" font-size="13" fill="#ffffff" text-anchor="middle">'
        f'v{escape(bundle.version)}</text>'
        '</svg>\n'
    ).encode()


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]
