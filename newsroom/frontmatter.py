"""Split a source file into YAML front matter and Markdown body, keeping line numbers.

The YAML is composed into nodes with PyYAML's safe loader rather than loaded
straight into Python values, so every field keeps the line it was written on
and one bad value (an impossible date, say) does not hide the others.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import yaml

from .errors import ContentError, FieldError

DELIMITER = "---"
TOO_DEEP = "lists or mappings are nested too deeply"
STRING_TAG = "tag:yaml.org,2002:str"


@dataclass
class Entry:
    """One ``field: value`` line of the front matter."""

    line: int
    node: yaml.Node


@dataclass
class Document:
    """A source file after splitting: its fields by name and its Markdown body."""

    path: str
    entries: dict[str, Entry]
    body: str
    body_line: int
    loader: yaml.SafeLoader

    def value(self, name: str):
        """The Python value of a field, built with the safe constructor."""
        try:
            return self.loader.construct_object(self.entries[name].node, deep=True)
        except RecursionError:
            raise FieldError(f"cannot be read: {TOO_DEEP}") from None
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as error:
            problem = getattr(error, "problem", None) or str(error)
            raise FieldError(f"cannot be read: {problem}") from None


def decode(path: str, raw: bytes) -> str:
    """UTF-8 text with a leading BOM removed and line endings normalised."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentErrorSignal(
            ContentError(
                path,
                line,
                None,
                f"the file is not valid UTF-8 (byte {raw[error.start]:#04x} at "
                f"position {error.start}); save it as UTF-8",
            )
        ) from None
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n")


class ContentErrorSignal(Exception):
    """Carries the error that makes a file unreadable as a whole."""

    def __init__(self, error: ContentError):
        super().__init__(error.format())
        self.error = error


def split(path: str, text: str) -> tuple[str, str, int]:
    """Return (yaml_text, body, body_line); the YAML always starts on line 2."""
    if not text.strip():
        raise ContentErrorSignal(
            ContentError(path, None, None, "the file is empty; a release needs front matter and a text")
        )
    lines = text.split("\n")
    if lines[0].rstrip() != DELIMITER:
        raise ContentErrorSignal(
            ContentError(
                path,
                1,
                None,
                f"no front matter: the file must start with a {DELIMITER!r} line, "
                "then 'field: value' lines, then another '---' line",
            )
        )
    for index in range(1, len(lines)):
        if lines[index].rstrip() in (DELIMITER, "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return yaml_text, body, index + 2
    raise ContentErrorSignal(
        ContentError(path, 1, None, f"the front matter is not closed by a {DELIMITER!r} line")
    )


def compose(path: str, text: str, first_line: int) -> tuple[yaml.SafeLoader, yaml.Node | None]:
    """YAML text composed to nodes with the safe loader; any problem is raised with its file line."""
    try:
        loader = yaml.SafeLoader(text)  # checks for characters YAML does not allow
        return loader, loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + first_line if mark else first_line
        problem = error.problem or error.context or "invalid YAML"
        message = f"invalid YAML: {problem}"
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + first_line
        message = f"invalid YAML: the character U+{error.character:04X} is not allowed"
    except yaml.YAMLError as error:
        line, message = first_line, f"invalid YAML: {str(error).splitlines()[0]}"
    except RecursionError:  # PyYAML's parser recurses once per level of [ or {
        line, message = first_line, f"invalid YAML: {TOO_DEEP}"
    raise ContentErrorSignal(ContentError(path, line, None, message))


def unpublishable_character(text: str) -> str | None:
    """The first character XML cannot carry: a control character (other than line break and tab),
    a lone surrogate (YAML escapes can produce one) or U+FFFE/U+FFFF."""
    return next(
        (
            char
            for char in text
            if char in "\ufffe\uffff" or (char not in "\n\t" and unicodedata.category(char) in ("Cc", "Cs"))
        ),
        None,
    )


def parse(path: str, raw: bytes) -> tuple[Document | None, list[ContentError]]:
    """Read one file into a Document, or return the errors that prevent it."""
    errors: list[ContentError] = []
    try:
        text = decode(path, raw)
        yaml_text, body, body_line = split(path, text)
    except ContentErrorSignal as signal:
        return None, [signal.error]

    first_line = 2
    try:
        loader, root = compose(path, yaml_text, first_line)
    except ContentErrorSignal as signal:
        return None, [signal.error]

    if root is None:
        return None, [ContentError(path, 1, None, "the front matter is empty")]
    if not isinstance(root, yaml.MappingNode):
        return None, [
            ContentError(
                path,
                root.start_mark.line + first_line,
                None,
                "the front matter must be 'field: value' lines",
            )
        ]

    entries: dict[str, Entry] = {}
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + first_line
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != STRING_TAG:
            errors.append(ContentError(path, line, None, "field names must be plain words such as 'title'"))
            continue
        name = key_node.value
        if name in entries:
            errors.append(
                ContentError(path, line, name, f"appears twice (first on line {entries[name].line})")
            )
            continue
        entries[name] = Entry(line, value_node)
    errors.extend(body_character_errors(path, body, body_line))
    return Document(path, entries, body, body_line, loader), errors


def body_character_errors(path: str, body: str, body_line: int) -> list[ContentError]:
    """A control character in the text would break the feeds' XML, and editors cannot see it."""
    for offset, line in enumerate(body.split("\n")):
        char = unpublishable_character(line)
        if char is not None:
            return [
                ContentError(
                    path,
                    body_line + offset,
                    None,
                    f"the text contains the character U+{ord(char):04X}, which pages and feeds "
                    "cannot carry; delete it (it is often invisible: retype the line)",
                )
            ]
    return []
