"""The JSON view: the coverage document itself, serialised the same way every time."""

from __future__ import annotations

import json


def render(document: dict) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
