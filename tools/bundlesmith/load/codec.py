"""Load results as plain JSON and back, typed: the only way a loaded file is stored or sent between processes.

Decoding builds only the model's own frozen dataclasses, strings, numbers, dates and paths, checked
against the loader's return type (msgspec), so no stored byte can name a class or run code: nothing
under the project folder is ever read back with a code-executing format such as pickle.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import msgspec

from bundlesmith.diagnostics import Diagnostic
from bundlesmith.model import Bundle, Framework, Module, Variant

# What each kind of loader returns (load/modules.py, frameworks.py, bundles.py, variants.py).
RESULT_TYPES: dict[str, object] = {
    "module": tuple[Module | None, str | None, list[Diagnostic]],
    "framework": tuple[Framework | None, list[Diagnostic]],
    "bundle": tuple[Bundle | None, str | None, list[Diagnostic]],
    "variant": tuple[Variant | None, list[Diagnostic]],
}


class Undecodable(ValueError):
    """Stored bytes that are not a load result of that kind."""


def _enc_hook(value):
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(f"cannot store {type(value).__name__}")


def _dec_hook(kind, value):
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(f"cannot read {kind}")


_ENCODER = msgspec.json.Encoder(enc_hook=_enc_hook)


@cache
def _decoder(kind: str) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(RESULT_TYPES[kind], dec_hook=_dec_hook)


def encode(result) -> bytes:
    """A loader's result as JSON bytes."""
    return _ENCODER.encode(result)


def decode(kind: str, data: bytes):
    """A loader's result of `kind` from JSON bytes; Undecodable if the bytes are anything else."""
    try:
        result = _decoder(kind).decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, NotImplementedError, KeyError, TypeError) as exc:
        raise Undecodable(str(exc)) from None
    return tuple(result)
