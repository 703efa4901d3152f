"""Content errors: collected across all files, reported together, then the build stops.

Pelican logs a broken article, skips it and exits 0; this project instead
collects every problem as ``path:line: field: message`` and aborts before a
single file is written.
"""

from __future__ import annotations

import difflib
import os
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class ContentError:
    """One problem in one source file, located as precisely as we know."""

    path: str
    line: int | None
    field: str | None
    message: str

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.field or "", self.message)

    def format(self) -> str:
        location = f"{self.path}:{self.line}" if self.line else self.path
        if self.field:
            return f"{location}: {self.field}: {self.message}"
        return f"{location}: {self.message}"


class FieldError(ValueError):
    """Raised by a field parser; the caller adds path, line and field name."""


class ContentErrors(SystemExit):
    """Stops the build with exit status 1 and every collected error.

    A ``SystemExit`` subclass on purpose: Pelican's command line prints a
    traceback for any ``Exception``, and bad content must never show one.
    """

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(set(errors), key=ContentError.sort_key)
        super().__init__(1)

    def format_message(self) -> str:
        count = len(self.errors)
        lines = [error.format() for error in self.errors]
        noun = "error" if count == 1 else "errors"
        lines.append(f"{count} {noun} in the content; nothing was written.")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.format_message()


def stop(errors: list[ContentError]) -> None:
    """Print every error and stop with exit status 1, before anything is written."""
    failure = ContentErrors(errors)
    sys.stderr.write(failure.format_message() + "\n")
    raise failure


def unknown_name_hint(name: str, allowed: list[str]) -> str:
    """For a misspelt field or setting: the near name when there is one, else every allowed name."""
    guess = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    return f"did you mean {guess[0]!r}?" if guess else f"allowed: {', '.join(allowed)}"


def display_path(path: str) -> str:
    """Path as an editor types it: relative to the working directory when inside it."""
    relative = os.path.relpath(path)
    if relative.startswith(os.pardir):
        return path
    return relative.replace(os.sep, "/")


def short_repr(value: object, limit: int = 60) -> str:
    """``repr`` for error messages that stays short even for huge or nested values."""
    if isinstance(value, (list, tuple)):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"a mapping of {len(value)} fields"
    text = repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
