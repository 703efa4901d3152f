"""Split a source file into YAML front matter and Markdown body, keeping line numbers.

The YAML is composed into nodes with PyYAML's safe loader rather than loaded
straight into Python values, so every field keeps the line it was written on
and one bad value (an impossible date, say) does not hide the others.

The decoded text is normalised to Unicode NFC before anything reads it: macOS
saves "ü" as "u" plus a combining diaeresis (NFD), and without this the same
topic typed on two machines would get two slugs and two pages. Sizes are
capped (``FRONT_MATTER_LIMIT``, ``BODY_LIMIT``) before YAML or Markdown see the
text, so no file can make a build run for hours.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import yaml

from ..errors import ContentError, FieldError, short_repr

DELIMITER = "---"
TOO_DEEP = "lists or mappings are nested too deeply"
STRING_TAG = "tag:yaml.org,2002:str"
# In characters. Every field has its own, smaller limit (model.py); these keep
# a runaway paste from reaching the YAML parser or Markdown at all.
FRONT_MATTER_LIMIT = 100_000
BODY_LIMIT = 500_000  # about 70,000 words; Markdown needs a few seconds for that
# Characters that change the direction of the text around them (Trojan Source, CVE-2021-42574).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
ZERO_WIDTH_JOINER = "\u200d"
EMOJI_PRESENTATION = "\ufe0f"
# Line breaks to YAML that no editor shows as one: next line, line separator, paragraph separator.
YAML_ONLY_BREAKS = "\x85\u2028\u2029"


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
    """UTF-8 text in NFC with a leading BOM removed and line endings normalised."""
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
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


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


def invisible_character(text: str) -> int | None:
    """Where the first character is that readers cannot see but that changes what they get.

    That is every format character (Unicode category Cf: bidirectional
    controls, zero-width space and joiners, word joiner, a byte order mark
    inside the text, the soft hyphen) and the line and paragraph separators.
    Such a character reorders a title, hides inside a topic so that two equal
    looking topics get two pages, or breaks search and copying. A zero-width
    joiner between two emoji belongs to the emoji (a firefighter, a rainbow
    flag) and is allowed there.
    """
    for index, char in enumerate(text):
        category = unicodedata.category(char)
        if category in ("Zl", "Zp") or (category == "Cf" and not joins_emoji(text, index)):
            return index
    return None


def joins_emoji(text: str, index: int) -> bool:
    """True for a zero-width joiner between two emoji (an emoji may carry its presentation selector)."""
    before = text[index - 1] if index else ""
    if before == EMOJI_PRESENTATION and index > 1:
        before = text[index - 2]
    after = text[index + 1 : index + 2]
    return (
        text[index] == ZERO_WIDTH_JOINER
        and bool(before and after)
        and unicodedata.category(before) in ("So", "Sk")  # Sk: a skin tone
        and unicodedata.category(after) == "So"
    )


def character_problem(text: str) -> str | None:
    """What is wrong with the characters of a front-matter or registry text, for a message; None if nothing."""
    char = unpublishable_character(text)
    if char is not None:
        return f"contains the character U+{ord(char):04X}, which cannot be published; remove it"
    index = invisible_character(text)
    if index is None:
        return None
    char = text[index]
    if char in BIDI_CONTROLS:
        kind = "a bidirectional control, which can reorder the text around it"
    elif char == "\u00ad":
        kind = "a soft hyphen; the pages hyphenate long words by themselves"
    else:
        kind = "an invisible character"
    return (
        f"contains U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')} at position {index + 1}, {kind}; "
        "remove it (retype the text around it if you cannot see it)"
    )


def size_problem(length: int, most: int, what: str) -> str | None:
    """The message for a text over its limit: show the length and the limit."""
    if length <= most:
        return None
    return f"is {length:,} characters long; {what} has at most {most:,}"


def parse(path: str, raw: bytes) -> tuple[Document | None, list[ContentError]]:
    """Read one file into a Document, or return the errors that prevent it."""
    errors: list[ContentError] = []
    try:
        text = decode(path, raw)
        yaml_text, body, body_line = split(path, text)
    except ContentErrorSignal as signal:
        return None, [signal.error]

    first_line = 2
    too_long = size_problem(len(yaml_text), FRONT_MATTER_LIMIT, "front matter")
    if too_long:
        lines = yaml_text.split("\n")
        longest = max(range(len(lines)), key=lambda index: len(lines[index]))
        message = f"the front matter {too_long}; this line has {len(lines[longest]):,}"
        return None, [ContentError(path, longest + first_line, None, message)]
    breaks = [
        ContentError(path, index + first_line, None, f"this line {character_problem(line)}")
        for index, line in enumerate(yaml_text.split("\n"))
        if any(char in YAML_ONLY_BREAKS for char in line)
    ]
    if breaks:  # YAML would count them as lines, and every line number after them would be wrong
        return None, breaks
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
        if problem := character_problem(name):
            errors.append(ContentError(path, line, None, f"the field name {short_repr(name)} {problem}"))
            continue
        if name in entries:
            errors.append(
                ContentError(path, line, name, f"appears twice (first on line {entries[name].line})")
            )
            continue
        entries[name] = Entry(line, value_node)
    too_long = size_problem(len(body), BODY_LIMIT, "a text")
    if too_long:
        errors.append(ContentError(path, body_line, None, f"the text {too_long}; split it into several releases"))
    else:
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
