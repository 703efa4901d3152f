"""Editor-maintained registries under ``content/data/``: departments and contacts.

Each file maps a stable key (used in front matter and URLs) to an entry with
named fields. The files are validated like releases, with line numbers, and
their texts follow the rules of front-matter texts: NFC, nothing invisible,
not longer than ``VALUE_LIMIT``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import yaml

from ..errors import ContentError, display_path
from .frontmatter import ContentErrorSignal, character_problem, compose, decode, size_problem

STRING_TAG = "tag:yaml.org,2002:str"
KEY_PATTERN_HELP = "lower-case letters, digits and hyphens"
VALUE_LIMIT = (200, "a registry entry")


@dataclass(frozen=True)
class RegistrySpec:
    """What one registry file must contain."""

    filename: str
    required: tuple[str, ...]
    optional: tuple[str, ...]


DEPARTMENTS = RegistrySpec("departments.yml", required=("name",), optional=("head",))
CONTACTS = RegistrySpec(
    "contacts.yml", required=("name", "organisation"), optional=("phone", "email")
)


@dataclass
class Registries:
    """Departments and contacts by key, plus the errors found while loading them."""

    departments: dict[str, dict] = field(default_factory=dict)
    contacts: dict[str, dict] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)


def _is_key(text: str) -> bool:
    return bool(text) and all(c.islower() or c.isdigit() or c == "-" for c in text) and text.isascii()


def load_registry(path: str, spec: RegistrySpec) -> tuple[dict[str, dict], list[ContentError]]:
    """Entries of one registry file by key; errors name the file and line."""
    shown = display_path(path)
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        return {}, [ContentError(shown, None, None, "registry file is missing")]
    try:
        _, root = compose(shown, decode(shown, raw), first_line=1)
    except ContentErrorSignal as signal:
        return {}, [signal.error]
    if not isinstance(root, yaml.MappingNode):
        return {}, [ContentError(shown, 1, None, "must be a mapping of keys to entries")]

    entries: dict[str, dict] = {}
    errors: list[ContentError] = []
    allowed = spec.required + spec.optional
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if key_node.tag != STRING_TAG or not _is_key(key):
            errors.append(ContentError(shown, line, None, f"keys must use {KEY_PATTERN_HELP}"))
            continue
        if not isinstance(value_node, yaml.MappingNode):
            errors.append(ContentError(shown, line, key, "must be a mapping such as 'name: …'"))
            continue
        entry: dict[str, str] = {"key": key}
        for field_node, field_value in value_node.value:
            field_line = field_node.start_mark.line + 1
            name = field_node.value if isinstance(field_node, yaml.ScalarNode) else "?"
            if name not in allowed:
                errors.append(
                    ContentError(shown, field_line, f"{key}.{name}", f"unknown field; allowed: {', '.join(allowed)}")
                )
            elif not (isinstance(field_value, yaml.ScalarNode) and field_value.tag == STRING_TAG and field_value.value.strip()):
                errors.append(ContentError(shown, field_line, f"{key}.{name}", "must be non-empty text"))
            elif problem := size_problem(len(field_value.value), *VALUE_LIMIT) or character_problem(field_value.value):
                errors.append(ContentError(shown, field_line, f"{key}.{name}", problem))
            else:
                entry[name] = field_value.value.strip()
        for name in spec.required:
            if name not in entry:
                errors.append(ContentError(shown, line, f"{key}.{name}", "is required"))
        if key in entries:
            errors.append(ContentError(shown, line, key, "appears twice"))
        entries[key] = entry
    return entries, errors


def load_registries(data_dir: str, default_contact: str) -> Registries:
    """Both registries of a content directory, checked against each other."""
    registries = Registries()
    registries.departments, errors = load_registry(os.path.join(data_dir, DEPARTMENTS.filename), DEPARTMENTS)
    registries.errors.extend(errors)
    registries.contacts, errors = load_registry(os.path.join(data_dir, CONTACTS.filename), CONTACTS)
    registries.errors.extend(errors)
    if registries.contacts and default_contact not in registries.contacts:
        registries.errors.append(
            ContentError(
                display_path(os.path.join(data_dir, CONTACTS.filename)),
                None,
                None,
                f"the default contact {default_contact!r} (setting NEWSROOM['default_contact']) is missing",
            )
        )
    return registries
