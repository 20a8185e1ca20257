"""How the site build fails: in a module of its own, so a build can catch it without importing mkdocs."""

from __future__ import annotations

from pathlib import Path


class SiteBuildError(Exception):
    """mkdocs stopped: the message lists what it logged; `config` is the configuration it used."""

    def __init__(self, message: str, config: Path | None = None):
        super().__init__(message, config)
        self.message, self.config = message, config

    def __str__(self) -> str:
        return self.message
