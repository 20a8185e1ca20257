"""Load results as plain JSON and back, typed: the only way a loaded file is stored or sent between processes.

Decoding builds only the model's own frozen dataclasses, strings, numbers, dates and paths, checked
against the loader's return type (msgspec), so no stored byte can name a class or run code: nothing
under the project folder is ever read back with a code-executing format such as pickle.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Literal, TypeAlias, overload

import msgspec

from bundlesmith.diagnostics import Diagnostic
from bundlesmith.model import Bundle, Framework, Module, Variant

# What each kind of loader returns (load/modules.py, frameworks.py, bundles.py, variants.py): the module
# and bundle loaders also name the id a broken file claimed.
ModuleLoad: TypeAlias = tuple[Module | None, str | None, list[Diagnostic]]
FrameworkLoad: TypeAlias = tuple[Framework | None, list[Diagnostic]]
BundleLoad: TypeAlias = tuple[Bundle | None, str | None, list[Diagnostic]]
VariantLoad: TypeAlias = tuple[Variant | None, list[Diagnostic]]
Kind: TypeAlias = Literal["module", "framework", "bundle", "variant"]
LoadResult: TypeAlias = ModuleLoad | FrameworkLoad | BundleLoad | VariantLoad

RESULT_TYPES: dict[str, object] = {"module": ModuleLoad, "framework": FrameworkLoad, "bundle": BundleLoad,
                                   "variant": VariantLoad}


class Undecodable(ValueError):
    """Stored bytes that are not a load result of that kind."""


def _enc_hook(value: object) -> str:
    if isinstance(value, Path):
        return str(value)
    raise NotImplementedError(f"cannot store {type(value).__name__}")


def _dec_hook(kind: type, value: object) -> Path:
    if kind is Path and isinstance(value, str):
        return Path(value)
    raise NotImplementedError(f"cannot read {kind}")


_ENCODER = msgspec.json.Encoder(enc_hook=_enc_hook)


@cache
def _decoder(kind: str) -> msgspec.json.Decoder[LoadResult]:
    return msgspec.json.Decoder(RESULT_TYPES[kind], dec_hook=_dec_hook)


def encode(result: LoadResult) -> bytes:
    """A loader's result as JSON bytes."""
    return _ENCODER.encode(result)


@overload
def decode(kind: Literal["module"], data: bytes) -> ModuleLoad: ...
@overload
def decode(kind: Literal["framework"], data: bytes) -> FrameworkLoad: ...
@overload
def decode(kind: Literal["bundle"], data: bytes) -> BundleLoad: ...
@overload
def decode(kind: Literal["variant"], data: bytes) -> VariantLoad: ...
@overload
def decode(kind: str, data: bytes) -> LoadResult: ...
def decode(kind: str, data: bytes) -> LoadResult:
    """A loader's result of `kind` from JSON bytes; Undecodable if the bytes are anything else."""
    try:
        result = _decoder(kind).decode(data)
    except (msgspec.DecodeError, msgspec.ValidationError, NotImplementedError, KeyError, TypeError) as exc:
        raise Undecodable(str(exc)) from None
    return result  # msgspec decodes a tuple type as a tuple
