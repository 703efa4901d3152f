"""``invoke check --format``: the check's errors and warnings as CI platforms mark them on the line.

Editors who commit through GitHub's or GitLab's web editor never see a
terminal; they see what the platform marks in the pull or merge request. So
the same messages as ``path:line: field: message`` are also written as

* ``github``: workflow commands (``::error file=…,line=…,title=…::message``),
  which GitHub Actions turns into annotations on the line;
* ``gitlab``: a Code Quality report (a JSON list of issues with description,
  check_name, fingerprint, severity, location.path and location.lines.begin),
  which GitLab shows in the merge request;
* ``json``: every error and warning with its fields, for any other tool.

Pure functions from the check result to text; printing and the exit status
are ``check.run``'s.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from typing import TYPE_CHECKING

from ..errors import ContentError

if TYPE_CHECKING:
    from .check import Check

FORMATS = ("text", "github", "gitlab", "json")
# GitLab's scale is info, minor, major, critical, blocker: an error stops publishing, a warning does not.
GITLAB_SEVERITY = {"error": "blocker", "warning": "minor"}
# The annotation title and check name of a message about no one field (a file that cannot be read, a setting).
NO_FIELD = "content"


def messages(check: Check) -> list[tuple[str, ContentError]]:
    """Errors, then warnings, each with its level."""
    return [("error", error) for error in check.errors] + [("warning", warning) for warning in check.warnings]


def text_lines(check: Check) -> list[str]:
    """The terminal's lines, as the build prints them; warnings marked as such."""
    return [error.format() if level == "error" else "warning: " + error.format() for level, error in messages(check)]


# GitHub's toolkit (actions/toolkit, command.ts) escapes a command's message and
# properties like this; the runner decodes them again.
DATA_ESCAPES = (("%", "%25"), ("\r", "%0D"), ("\n", "%0A"))
PROPERTY_ESCAPES = (*DATA_ESCAPES, (":", "%3A"), (",", "%2C"))


def escaped(text: str, escapes: tuple[tuple[str, str], ...]) -> str:
    for character, replacement in escapes:  # "%" first, so no escape is escaped again
        text = text.replace(character, replacement)
    return text


def github_commands(check: Check) -> list[str]:
    """One ``::error`` or ``::warning`` workflow command per message."""
    lines = []
    for level, error in messages(check):
        properties = [("file", error.path.replace("\\", "/"))]
        if error.line:
            properties.append(("line", str(error.line)))
        properties.append(("title", error.field or NO_FIELD))
        shown = ",".join(f"{name}={escaped(value, PROPERTY_ESCAPES)}" for name, value in properties)
        lines.append(f"::{level} {shown}::{escaped(error.message, DATA_ESCAPES)}")
    return lines


def gitlab_report(check: Check) -> str:
    """A Code Quality report: one issue per message.

    The fingerprint leaves the line out, so a message keeps its identity when
    lines are added above it (GitLab compares the report with the target
    branch's); equal messages in one file are told apart by their order.
    """
    seen: Counter = Counter()
    issues = []
    for level, error in messages(check):
        identity = (level, error.path, error.field or "", error.message)
        seen[identity] += 1
        fingerprint = hashlib.sha256("\0".join((*identity, str(seen[identity]))).encode()).hexdigest()
        issues.append(
            {
                "description": f"{error.field}: {error.message}" if error.field else error.message,
                "check_name": f"newsroom-{error.field or NO_FIELD}",
                "fingerprint": fingerprint,
                "severity": GITLAB_SEVERITY[level],
                "location": {"path": error.path.replace("\\", "/"), "lines": {"begin": error.line or 1}},
            }
        )
    return json.dumps(issues, ensure_ascii=False, indent=2) + "\n"


def json_report(check: Check) -> str:
    """Every message with its fields, and how many files were checked."""
    def listed(errors: list[ContentError]) -> list[dict]:
        return [{"path": e.path, "line": e.line, "field": e.field, "message": e.message} for e in errors]

    report = {"files": check.files, "errors": listed(check.errors), "warnings": listed(check.warnings)}
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def summary(check: Check) -> str:
    """The closing line: how many errors (the check failed) or files checked and warnings."""
    if check.errors:
        count = len(check.errors)
        return f"{count} {'error' if count == 1 else 'errors'} in {check.files} files."
    count = len(check.warnings)
    warnings = f", {count} {'warning' if count == 1 else 'warnings'}" if count else ""
    return f"{check.files} files checked, no errors{warnings}."
