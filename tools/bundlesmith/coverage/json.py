"""The JSON view: the coverage document itself, serialised the same way every time.

orjson writes what `json.dumps(document, indent=2, ensure_ascii=False)` would, about twenty times faster:
a national build writes thousands of these documents, and reads them back to reuse unchanged reports.
"""

from __future__ import annotations

from collections.abc import Mapping

import orjson

OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NON_STR_KEYS


def render(document: Mapping[str, object]) -> bytes:
    return orjson.dumps(document, option=OPTIONS)


def parse(data: bytes | str) -> object:
    """A document as render() wrote it (raises ValueError if it is not JSON)."""
    return orjson.loads(data)
