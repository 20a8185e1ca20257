"""The setup sheet's blocks as Markdown and as a standalone, accessible HTML page (no script, no request
to any other host, readable on a phone and in print)."""

from __future__ import annotations

import html

from bundlesmith.lms.sheet import Block, Code, Heading, Para, Steps, Table, Text

CSS = """body{font:1rem/1.5 system-ui,sans-serif;color:#1b1b1b;background:#fff;margin:0}
main{max-width:72rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem;border-top:1px solid #767676;padding-top:1rem}
h3{font-size:1.1rem}code{font-family:ui-monospace,monospace;background:#f0f0f0;padding:0 .2em;overflow-wrap:anywhere}
.scroll{overflow-x:auto}.scroll:focus{outline:3px solid #1d3f9e;outline-offset:2px}
table{border-collapse:collapse;margin:.5rem 0 1rem}caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #767676;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#eef1f8}
@media print{.scroll{overflow:visible}h2{break-before:auto}}"""


def markdown(title: str, blocks: list[Block]) -> bytes:
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            out.append("#" * block.level + " " + _md(block.text))
        elif isinstance(block, Para):
            out.append(_md(block.text))
        elif isinstance(block, Steps):
            out.append("\n".join((f"{n}. " if block.ordered else "- ") + _md(item)
                                 for n, item in enumerate(block.items, 1)))
        elif isinstance(block, Table):
            lines = [f"**{_md_escape(block.caption)}**", "",
                     "| " + " | ".join(_md_escape(h) for h in block.header) + " |",
                     "|" + "---|" * len(block.header)]
            lines += ["| " + " | ".join(_md(cell).replace("|", "\\|") for cell in row) + " |" for row in block.rows]
            out.append("\n".join(lines))
    return ("\n\n".join(out) + "\n").encode("utf-8")


def page(title: str, blocks: list[Block]) -> bytes:
    body: list[str] = []
    for block in blocks:
        if isinstance(block, Heading):
            anchor = f' id="{html.escape(block.id)}"' if block.id else ""
            body.append(f"<h{block.level}{anchor}>{_html(block.text)}</h{block.level}>")
        elif isinstance(block, Para):
            body.append(f"<p>{_html(block.text)}</p>")
        elif isinstance(block, Steps):
            tag = "ol" if block.ordered else "ul"
            body.append(f"<{tag}>" + "".join(f"<li>{_html(i)}</li>" for i in block.items) + f"</{tag}>")
        elif isinstance(block, Table):
            caption = html.escape(block.caption)
            head = "".join(f'<th scope="col">{html.escape(h)}</th>' if h else '<td></td>' for h in block.header)
            rows = "".join("<tr>" + "".join(
                (f'<th scope="row">{_html(cell)}</th>' if k == 0 and not block.header[0] else f"<td>{_html(cell)}</td>")
                for k, cell in enumerate(row)) + "</tr>" for row in block.rows)
            # A table wider than the screen scrolls inside a named region a keyboard can reach (WCAG 2.1.1).
            body.append(f'<div class="scroll" role="region" aria-label="{caption}" tabindex="0">'
                        f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead>"
                        f"<tbody>{rows}</tbody></table></div>")
    return ("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(body) + "\n</main>\n</body>\n</html>\n").encode("utf-8")


def _html(value: Text) -> str:
    return "".join(f"<code>{html.escape(p.text)}</code>" if isinstance(p, Code) else html.escape(p) for p in value)


def _md(value: Text) -> str:
    return "".join(_md_code(p.text) if isinstance(p, Code) else _md_escape(p) for p in value)


def _md_code(code: str) -> str:
    """A code span whose fence is longer than any run of backticks inside it."""
    runs = [len(r) for r in "".join(ch if ch == "`" else " " for ch in code).split()]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{fence}{pad}{code}{pad}{fence}"


def _md_escape(words: str) -> str:
    """Text that Markdown shows as it is: every character that could start inline markup, a link or raw HTML
    is escaped (the sheet's own words begin every line, so no line can start a heading or a list)."""
    return "".join("\\" + ch if ch in "\\`*_[]<>|~&" else ch for ch in words)

