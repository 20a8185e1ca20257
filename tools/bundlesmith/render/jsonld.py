"""A module page's alignments as schema.org JSON-LD, so search engines and catalogues can find which standard
it teaches or assesses: a `LearningResource` with one `AlignmentObject` per alignment in `educationalAlignment`
(`introduces` and `develops` are `teaches`, `assesses` is `assesses`), each pointing at the standard's
permalink (`base_uri` + code, as the coverage reports and the SCORM LOM do).
"""

from __future__ import annotations

import json

from bundlesmith.model import Catalogue, Module

ALIGNMENT_TYPE = {"introduces": "teaches", "develops": "teaches", "assesses": "assesses"}


def module_data(catalogue: Catalogue, module: Module) -> dict[str, object]:
    """The module as schema.org JSON-LD: a LearningResource with its alignments (JSON, keys in written order)."""
    alignments: list[dict[str, str]] = []
    terms: dict[str, list[dict[str, str]]] = {"teaches": [], "assesses": []}
    for alignment in module.standards:
        item = catalogue.standard(alignment.standard)
        framework = catalogue.framework_of(alignment.standard)
        if item is None or framework is None:
            continue
        kind = ALIGNMENT_TYPE[alignment.strength]
        url = framework.permalink(item.code)
        name = f"{item.code} {item.title}".strip() if item.title else item.code
        alignments.append({"@type": "AlignmentObject", "alignmentType": kind, "educationalFramework": framework.title,
                           "targetName": name, "targetUrl": url, "targetDescription": item.statement})
        terms[kind].append({"@type": "DefinedTerm", "termCode": item.code, "name": name, "url": url,
                            "inDefinedTermSet": framework.base_uri})
    data: dict[str, object] = {"@context": "https://schema.org", "@type": "LearningResource", "name": module.title,
            "description": module.summary, "version": module.version, "inLanguage": "en-GB",
            "timeRequired": f"PT{module.minutes}M", "educationalLevel": list(module.levels),
            "license": module.licence, "educationalAlignment": alignments}
    data.update({kind: found for kind, found in terms.items() if found})
    return data


def script(catalogue: Catalogue, module: Module) -> str:
    """The `<script type="application/ld+json">` element; '<', '>' and '&' are escaped so that no text a
    person wrote can close the element."""
    text = json.dumps(module_data(catalogue, module), ensure_ascii=False, indent=None, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'
