"""The standards-by-modules heatmap: one SVG, the same in the HTML report and on the bundle's site page.

Readable without colour: every cell holds its letter (I introduces, D develops, A assesses; in brackets when
the module does not count), the fill only repeats it; a title and a description (every row in words) for
screen readers, and the figure is also given as a table next to it.
"""

from __future__ import annotations

from html import escape
from typing import Any

Cell = tuple[str, bool] | None  # a strength's letter and whether it counts; None: the module does not align
Row = tuple[str, str, list[Cell]]  # standard ref, its title, one cell per module column

FILL = {"I": "#deebf7", "D": "#6baed6", "A": "#08306b"}
INK = {"I": "#1b1b1b", "D": "#1b1b1b", "A": "#ffffff"}
WORD = {"I": "introduces", "D": "develops", "A": "assesses"}


def rows_from_document(doc: dict[str, Any]) -> tuple[list[str], list[Row]]:
    """(module columns, rows of (standard ref, title, cells)) from a coverage.json's matrix."""
    titles = {s["ref"]: s["title"] for s in doc["standards"]}
    rows = [(r["standard"], titles[r["standard"]],
             [(c["letter"], c["counts"]) if c else None for c in r["cells"]]) for r in doc["matrix"]["rows"]]
    return list(doc["matrix"]["columns"]), rows


def svg(columns: list[str], rows: list[Row], title_id: str) -> str:
    """The heatmap as inline SVG markup (the site's bundle pages take their rows from the site plan,
    render/site_plan.py; the report from its coverage.json)."""
    cell, label_w, head_h = 28, 300, 150
    width, height = label_w + cell * len(columns) + 10, head_h + cell * len(rows) + 10

    def e(value: object) -> str:
        return escape(str(value), quote=True)

    words = []
    for ref, title, cells in rows:
        found = [f"{WORD[c[0]]} in {columns[i]}" + ("" if c[1] else " (not counting)")
                 for i, c in enumerate(cells) if c]
        words.append(f"{ref} {title}: " + ("; ".join(found) if found else "no module") + ".")
    out = [(f'<svg class="bs-heatmap" role="img" aria-labelledby="{title_id}-t {title_id}-d" '
            f'xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}">'),
           (f'<title id="{title_id}-t">Heatmap: targeted standards (rows) by module (columns); I introduces, '
            f'D develops, A assesses</title>'),
           f'<desc id="{title_id}-d">{e(" ".join(words))}</desc>']
    for i, module in enumerate(columns):
        x = label_w + i * cell + cell / 2
        out.append(f'<text x="{x}" y="{head_h - 6}" transform="rotate(-60 {x} {head_h - 6})" '
                   f'font-size="12">{e(module[:28])}</text>')
    for j, (ref, title, cells) in enumerate(rows):
        y = head_h + j * cell
        out.append(f'<text x="0" y="{y + 19}" font-size="13">{e(ref.split(":", 1)[-1])} {e(title[:34])}</text>')
        for i, c in enumerate(cells):
            x = label_w + i * cell
            if c is None:
                out.append(f'<rect x="{x}" y="{y}" width="{cell - 3}" height="{cell - 3}" fill="#ffffff" stroke="#6f777b"/>')
                continue
            letter, counts = c
            fill = FILL[letter] if counts else "#ffffff"
            ink = INK[letter] if counts else "#1b1b1b"
            dash = "" if counts else ' stroke-dasharray="3 2"'
            out.append(f'<rect x="{x}" y="{y}" width="{cell - 3}" height="{cell - 3}" fill="{fill}" stroke="#1b1b1b"{dash}/>')
            out.append(f'<text x="{x + (cell - 3) / 2}" y="{y + 18}" text-anchor="middle" font-size="13" '
                       f'font-weight="bold" fill="{ink}">{letter if counts else f"({letter})"}</text>')
    out.append("</svg>")
    return "\n".join(out)
