"""Read YAML keeping the line of every key and list item, so any later stage can point back at it.

Mappings load as `YMap` (a dict with `.line` and `.key_lines`), sequences as `YList` (a list with
`.line` and `.item_lines`). Dates stay text (the schema checks their form), anchors and aliases are
refused (they are never needed in content and allow "billion laughs" documents), and a duplicate key is
a problem rather than a silent overwrite.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias

from bundlesmith.diagnostics import Diagnostic, Span, error, warning

if TYPE_CHECKING:
    import yaml

MAX_FILE_BYTES = 2 * 1024 * 1024
# Characters XML 1.0 does not allow (every page, manifest and report is XML or HTML): refused anywhere in
# content, whether typed or written as a YAML escape ("\\v", "\\0", "\\e", "\\uFFFE").
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Bidirectional overrides and isolates can make text read differently from what it holds ("Trojan Source").
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def forbidden_message(char: str) -> str:
    return f"character U+{ord(char):04X} is not allowed in content (XML 1.0 forbids it); remove it"


# A plain value of YAML (dates stay text), and any value a file can hold.
Scalar: TypeAlias = "str | int | float | bool | None"
YValue: TypeAlias = "Scalar | YMap | YList"


class YMap(dict[Scalar, YValue]):
    """A mapping from YAML that remembers its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Scalar, int]

    def line_of(self, key: Scalar) -> int:
        return self.key_lines.get(key, self.line) if hasattr(self, "key_lines") else self.line


class YList(list[YValue]):
    """A sequence from YAML that remembers its own line and the line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if 0 <= index < len(lines) else self.line


class _Loader(Protocol):
    """What the constructors below use of the loader `_line_loader` makes."""

    problems: list[tuple[int, str, str]]
    line_offset: int

    def _line(self, node: yaml.Node) -> int: ...
    def construct_object(self, node: yaml.Node, deep: bool = False) -> YValue: ...
    def flatten_mapping(self, node: yaml.MappingNode) -> None: ...
    def get_single_data(self) -> YValue: ...
    def dispose(self) -> None: ...


class _LoaderClass(Protocol):
    def __call__(self, stream: str) -> _Loader: ...


@lru_cache(maxsize=1)
def _line_loader() -> _LoaderClass:
    """The loader class, made on first use (a check served from the load cache never imports PyYAML)."""
    import yaml

    # The C parser is several times faster on large catalogues; PyYAML built without libyaml lacks it.
    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class _LineLoader(base):  # type: ignore[valid-type,misc]  # either parser: a base chosen at run time
        line_offset = 0

        def __init__(self, stream: str) -> None:
            super().__init__(stream)
            self.problems: list[tuple[int, str, str]] = []

        def construct_object(self, node: yaml.Node, deep: bool = False) -> YValue:
            if node in self.constructed_objects and isinstance(
                node, (yaml.MappingNode, yaml.SequenceNode)
            ):
                self.problems.append(
                    (self._line(node), "yaml-alias", "anchors and aliases (&name, *name) are not allowed")
                )
            value: YValue = super().construct_object(node, deep=deep)
            return value

        def _line(self, node: yaml.Node) -> int:
            line: int = node.start_mark.line + 1 + self.line_offset
            return line

    # Dates stay text: the schema checks their form and the model parses them, with the file and line.
    _LineLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in base.yaml_implicit_resolvers.items()
    }
    _LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
    _LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
    made: _LoaderClass = _LineLoader
    return made


_STR = "tag:yaml.org,2002:str"


def _construct(loader: _Loader, node: yaml.Node) -> YValue:
    """`loader.construct_object(node, deep=True)`, short-cut for plain text (most of any content file),
    which is the node's own value."""
    value = node.value
    if isinstance(value, str):  # a scalar (a mapping's or a sequence's value is a list of nodes)
        bad = FORBIDDEN.search(value)
        if bad:
            loader.problems.append((loader._line(node), "control-character", forbidden_message(bad.group())))
        if node.tag == _STR:
            return value
    return loader.construct_object(node, deep=True)


def _construct_map(loader: _Loader, node: yaml.MappingNode) -> YMap:
    loader.flatten_mapping(node)
    result = YMap()
    result.line = loader._line(node)
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = _construct(loader, key_node)
        if isinstance(key, (list, dict)):
            loader.problems.append((loader._line(key_node), "yaml-key", "a key must be plain text"))
            continue
        if key in result:
            loader.problems.append(
                (loader._line(key_node), "duplicate-key", f"duplicate key '{key}' (the later one would win)")
            )
        result[key] = _construct(loader, value_node)
        result.key_lines[key] = loader._line(key_node)
    return result


def _construct_seq(loader: _Loader, node: yaml.SequenceNode) -> YList:
    result = YList(_construct(loader, child) for child in node.value)
    result.line = loader._line(node)
    result.item_lines = [loader._line(child) for child in node.value]
    return result


def parse_yaml(text: str, path: str, line_offset: int = 0,
               hidden: str = "other problems in this file are shown once it parses") -> tuple[YValue, list[Diagnostic]]:
    """Parse one YAML document; lines in diagnostics are shifted by `line_offset` (front matter). A syntax
    error's hint ends with `hidden`: what it keeps from being checked."""
    import yaml

    loader = _line_loader()(text)
    loader.line_offset = line_offset
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        problem = exc.problem or exc.context or "not valid YAML"
        hint = ""
        bad_line = text.split("\n")[mark.line] if mark and mark.line < text.count("\n") + 1 else ""
        if "\t" in bad_line[: (mark.column + 1) if mark else 0] or "\t" in problem:
            hint = "indent with spaces: YAML does not allow tabs"
        elif "mapping values are not allowed" in problem and re.match(r"^\s*(- )?[\w-]+:\s+[^'\"\s].*:\s", bad_line):
            hint = "a value containing ': ' must be quoted"
        elif "mapping values are not allowed" in problem or "expected <block end>" in problem:
            hint = "check the indentation of this line and the line before it"
        return None, [error(Span(path, line), "yaml-syntax", f"invalid YAML: {problem}", _hides(hint, hidden))]
    except yaml.YAMLError as exc:
        return None, [error(Span(path, line_offset + 1), "yaml-syntax", f"invalid YAML: {exc}", _hides("", hidden))]
    except RecursionError:
        return None, [error(Span(path, line_offset + 1), "yaml-syntax", "invalid YAML: nested too deeply",
                            _hides("", hidden))]
    finally:
        loader.dispose()
    problems = [error(Span(path, line), code, message) for line, code, message in loader.problems]
    return data, problems


def _hides(hint: str, note: str) -> str:
    """A hint, then what the error hides (what is not checked until the YAML parses)."""
    return f"{hint}; {note}" if hint else note


def read_text(file: Path, path: str, raw: bytes | None = None) -> tuple[str | None, list[Diagnostic]]:
    """Read a content file as UTF-8 text, refusing what a co-creator's editor should not have saved.

    `raw` is the file's bytes when the caller has already read them (the load cache hashes them first).
    """
    span = Span(path, 1)
    try:
        size = file.stat().st_size if raw is None else len(raw)
        if size > MAX_FILE_BYTES:
            return None, [
                error(span, "file-too-large", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")
            ]
        if raw is None:
            raw = file.read_bytes()
    except OSError as exc:
        return None, [error(span, "unreadable", f"cannot read file: {exc.strerror or exc}")]
    if raw.startswith(b"\xef\xbb\xbf"):
        return None, [
            error(span, "bom", "file starts with a byte-order mark", "save it as UTF-8 without BOM")
        ]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [
            error(Span(path, line), "not-utf8", f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                  "save it as UTF-8")
        ]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [error(Span(path, line), "binary", "file contains a NUL byte; is it a text file?")]
    if not text.strip():
        return None, [error(span, "empty-file", "file is empty")]
    bad = FORBIDDEN.search(text)
    if bad:
        line = text[: bad.start()].count("\n") + 1
        return None, [error(Span(path, line), "control-character", forbidden_message(bad.group()))]
    problems = []
    for found in BIDI.finditer(text):
        line = text[: found.start()].count("\n") + 1
        problems.append(warning(Span(path, line), "bidi-control",
                                f"character U+{ord(found.group()):04X} changes the direction text is shown in, "
                                "so it may read differently from what it says; remove it unless it is needed"))
        break
    return text.replace("\r\n", "\n"), problems


def load_yaml_file(file: Path, path: str, raw: bytes | None = None) -> tuple[YValue, list[Diagnostic]]:
    text, problems = read_text(file, path, raw)
    if text is None:
        return None, problems
    return parse_yaml(text, path)
