"""The published-URL manifest: the address each release had when it was last published.

A small file in the repository (``content/data/published-urls.yml``) maps
release numbers (``Release.reference``: on a site without numbers, the code
of each release's id) to site-relative URLs. ``invoke record-urls`` writes it after a
publication; the build and ``invoke check`` compare against it and warn when a
release's address changed without the old one in ``aliases:``, or when a
published release is gone, so no published link breaks without anyone noticing.
Warnings, not errors: a changed slug is legitimate once its alias is in place.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import yaml

from ..content.numbering import Numbering
from ..errors import ContentError, display_path
from ..settings import data_dir, newsroom

STRING_TAG = "tag:yaml.org,2002:str"
HEADER = (
    "# Addresses of published releases, written by `invoke record-urls` after publishing.\n"
    "# The build and `invoke check` warn when a release's address no longer matches its line here.\n"
)


def manifest_file(settings: dict) -> str:
    return os.path.join(data_dir(settings), newsroom(settings).url_manifest)


def read_manifest(settings: dict) -> tuple[str, dict[str, tuple[str, int]], list[ContentError]]:
    """(shown path, number -> (URL, line) in the file's order, errors); a missing file is an empty manifest.

    The entries come sorted as ``write_manifest`` writes them, so warnings about them do too.
    """
    numbering = Numbering.of(settings)
    path = manifest_file(settings)
    shown = display_path(path)
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError:
        return shown, {}, []
    except UnicodeDecodeError:
        return shown, {}, [ContentError(shown, None, None, "the file is not valid UTF-8")]
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        return shown, {}, [ContentError(shown, mark.line + 1 if mark else None, None, f"invalid YAML: {error.problem}")]
    if root is None:
        return shown, {}, []
    if not isinstance(root, yaml.MappingNode):
        return (
            shown,
            {},
            [ContentError(shown, 1, None, f"must map {numbering.reference_what} to addresses: "
                                          f"'\"{numbering.reference_example}\": /pressemitteilungen/…/'")],
        )
    entries: dict[str, tuple[str, int]] = {}
    errors = []
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        number = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        url = value_node.value if isinstance(value_node, yaml.ScalarNode) and value_node.tag == STRING_TAG else None
        if not isinstance(number, str) or numbering.reference_order(number) is None:
            errors.append(ContentError(shown, line, None, f"{number!r} is not {numbering.reference_one}"))
        elif not url or not url.startswith("/"):
            errors.append(ContentError(shown, line, number, "must be a site-relative address starting with '/'"))
        elif number in entries:
            errors.append(ContentError(shown, line, number, f"appears twice (first on line {entries[number][1]})"))
        else:
            entries[number] = (url, line)
    return shown, dict(sorted(entries.items(), key=lambda entry: numbering.reference_order(entry[0]))), errors


@dataclass(frozen=True)
class BrokenAddress:
    """A recorded address no public release serves, neither as its URL nor as an alias."""

    number: str
    recorded: str
    line: int
    release: object | None  # the public release with that number (its address changed), if any


def broken_addresses(manifest: dict[str, tuple[str, int]], public_releases) -> list[BrokenAddress]:
    by_number = {release.number: release for release in public_releases}
    aliased = {alias for release in public_releases for alias, _ in release.aliases}
    broken = []
    for number, (recorded, line) in manifest.items():
        release = by_number.get(number)
        if recorded != getattr(release, "url", None) and recorded not in aliased:
            broken.append(BrokenAddress(number, recorded, line, release))
    return broken


def warning_for(shown: str, broken: BrokenAddress) -> ContentError:
    """Where the editor can fix it: the release's slug line, or the manifest line of a gone release."""
    release = broken.release
    if release is None:
        return ContentError(
            shown,
            broken.line,
            broken.number,
            f"was published at {broken.recorded!r}, but no public release has this number now "
            "(deleted, a draft or dated after now), so the link is broken; restore the release, "
            "keep it with 'status: withdrawn', or add the address to another release's aliases",
        )
    return ContentError(
        release.path,
        release.slug_line,
        release.slug_field,
        f"the address changed from {broken.recorded!r} (recorded in {shown}:{broken.line}) to {release.url!r}; "
        f"add {broken.recorded!r} to aliases so the published link keeps working",
    )


def url_warnings(shown: str, manifest: dict[str, tuple[str, int]], public_releases) -> list[ContentError]:
    """A warning for each published address that the releases of this build no longer serve."""
    return [warning_for(shown, broken) for broken in broken_addresses(manifest, public_releases)]


def updated_manifest(manifest: dict[str, tuple[str, int]], public_releases) -> dict[str, str]:
    """The manifest after a publication: every public release's address; gone ones stay recorded."""
    entries = {number: url for number, (url, _) in manifest.items()}
    entries.update({release.number: release.url for release in public_releases})
    return entries


def write_manifest(path: str, entries: dict[str, str], numbering: Numbering) -> None:
    """Write the manifest sorted by year and number (codes by name), one release a line."""
    lines = [f'"{number}": {entries[number]}\n' for number in sorted(entries, key=numbering.reference_order)]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(HEADER + "".join(lines))
