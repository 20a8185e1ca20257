"""Plain-text tables of the catalogue for `bundlesmith list`."""

from __future__ import annotations

from bundlesmith.model import STRENGTH_LETTER, Catalogue


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)] if rows else [len(h) for h in headers]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def table(catalogue: Catalogue, what: str) -> str:
    if what == "modules":
        rows = [[m.id, m.version, m.review.status, f"{m.guided_minutes}+{m.self_directed_minutes}",
                 " ".join(f"{a.standard}:{STRENGTH_LETTER.get(a.strength, '?')}" for a in m.standards),
                 "local" if m.local else ""]
                for m in sorted(catalogue.modules.values(), key=lambda m: m.id)]
        return _table(["id", "version", "review", "minutes", "standards", ""], rows)
    if what == "bundles":
        rows = [[b.id, b.version, str(len(b.module_ids)), ",".join(b.scorm.versions),
                 b.accreditation.status if b.accreditation else "none", b.title]
                for b in sorted(catalogue.bundles.values(), key=lambda b: b.id)]
        return _table(["id", "version", "modules", "scorm", "accreditation", "title"], rows)
    if what == "variants":
        rows = [[name, "(applied)" if catalogue.variant and catalogue.variant.id == name else ""]
                for name in catalogue.variant_names]
        return _table(["variant", ""], rows)
    rows = []
    for framework in sorted(catalogue.frameworks.values(), key=lambda f: f.id):
        for item in framework.items:
            if item.type == "indicator":
                continue
            indent = "" if item.type == "domain" else "  "
            rows.append([item.ref, item.type, indent + item.label, ",".join(item.levels),
                         "local" if item.local else ""])
    return _table(["ref", "type", "title", "levels", ""], rows)
