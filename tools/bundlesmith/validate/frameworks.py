"""Rules across frameworks: a standard's `related` standards (a local framework's links to national ones,
exported to CASE as cross-document `isRelatedTo` associations) exist, and belong to another framework."""

from __future__ import annotations

from bundlesmith.diagnostics import Diagnostic, did_you_mean, error
from bundlesmith.model import Catalogue


def check_related(catalogue: Catalogue) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    refs = [i.ref for f in catalogue.frameworks.values() for i in f.items if i.type != "domain"]
    for framework in catalogue.frameworks.values():
        for item in framework.items:
            for ref, span in item.related:
                fid = ref.partition(":")[0]
                target = catalogue.standard(ref)
                if fid == framework.id:
                    problems.append(error(span, "related-same-framework",
                                          f"{item.ref} is related to '{ref}' of its own framework",
                                          "related names standards of other frameworks (for example national ones)"))
                elif fid not in catalogue.frameworks:
                    problems.append(error(span, "unknown-framework", f"unknown framework '{fid}' in '{ref}'",
                                          did_you_mean(fid, catalogue.frameworks)))
                elif target is None:
                    problems.append(error(span, "unknown-standard", f"unknown standard '{ref}'", did_you_mean(ref, refs)))
                elif target.type == "domain":
                    problems.append(error(span, "mapped-to-domain",
                                          f"'{ref}' is a domain; relate to one of its standards or indicators instead"))
    return problems
