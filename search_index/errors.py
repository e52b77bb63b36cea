"""Search errors, importable without Whoosh (the shared HTTP layer maps them for every Lambda)."""

from __future__ import annotations


class InvalidSearch(ValueError):
    """Bad parameters; `errors` maps each parameter to a Chinese message (→ 422)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("；".join(errors.values()))
        self.errors = errors


class SearchUnavailable(RuntimeError):
    """No index where one was expected: the build did not run (→ 503)."""
