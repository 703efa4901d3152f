"""How an office numbers its releases (``NEWSROOM["numbering"]``): the one module that knows the schemes.

- ``"serial/year"`` (the default): ``422/2017``, a serial counted anew each year.
- ``"year-serial"``: ``2021-012``, the year first, the serial with at least three digits.
- ``"none"``: releases have no number; a permanent id, written once into the
  front matter (``invoke new`` and ``invoke import`` write it), names each one:
  ``tag:<tag authority>,<tag date>:pm-<code>``.

``Numbering.identify`` turns a release's checked values into its ``Identity``:
the number (or none), the key that names its files, the reference the
published-URL manifest uses, its permanent id, and the year and ``release_no``
its address is made of. Every other module asks these values, never the scheme.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from ..errors import FieldError, short_repr
from ..settings import NUMBERING_SCHEMES, newsroom

SERIAL_YEAR, YEAR_SERIAL, UNNUMBERED = NUMBERING_SCHEMES
# The code after 'pm-' in the id of a release without a number: lower-case letters and digits.
CODE_PATTERN = re.compile(r"[a-z0-9]{4,20}")
EXAMPLE_CODE = "k3f9x2mq"
# What ``fresh_id`` draws from: no 0/o, 1/l/i, so a code read aloud or retyped stays the same.
CODE_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
CODE_LENGTH = 8


@dataclass(frozen=True, order=True)
class ReleaseNumber:
    """'422/2017': a serial, counted anew each year. Sorts by year, then serial."""

    year: int
    serial: int

    PATTERN: ClassVar[re.Pattern] = re.compile(r"^([1-9][0-9]{0,5})/([0-9]{4})$")
    FORM: ClassVar[str] = "N/YYYY"
    EXAMPLE: ClassVar[str] = "422/2017"

    @classmethod
    def parse(cls, text: str) -> ReleaseNumber | None:
        """The number written as 'N/YYYY', or None."""
        match = cls.PATTERN.match(text.strip())
        return cls(int(match[2]), int(match[1])) if match else None

    def __str__(self) -> str:
        return f"{self.serial}/{self.year}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    @property
    def key(self) -> str:
        """'2017-422': a name for files and cache entries of this release."""
        return f"{self.year}-{self.serial}"


class YearSerialNumber(ReleaseNumber):
    """'2021-012': the year, then the serial with at least three digits (the Senate departments' form).

    One spelling per number: '2021-12' and '2021-0012' are not accepted, so
    the duplicate check, the manifest and a search for the number agree.
    """

    PATTERN = re.compile(r"^([0-9]{4})-([0-9]{3,6})$")
    FORM = "YYYY-NNN"
    EXAMPLE = "2021-012"

    @classmethod
    def parse(cls, text: str) -> YearSerialNumber | None:
        match = cls.PATTERN.match(text.strip())
        number = cls(int(match[1]), int(match[2])) if match else None
        return number if number and number.serial and str(number) == text.strip() else None

    def __str__(self) -> str:
        return f"{self.year}-{self.serial:03d}"


NUMBER_KINDS: dict[str, type[ReleaseNumber] | None] = {
    SERIAL_YEAR: ReleaseNumber,
    YEAR_SERIAL: YearSerialNumber,
    UNNUMBERED: None,
}


def tag_uri(settings: dict, specific: str) -> str:
    """'tag:presse.example.org,2025:<specific>': a permanent id under the office's tag authority."""
    options = newsroom(settings).feeds
    return f"tag:{options.tag_authority},{options.tag_date}:{specific}"


@dataclass(frozen=True)
class Identity:
    """What names one release, derived from its number or, without one, its written id."""

    number: ReleaseNumber | None
    key: str  # files and caches: "2017-422", "2021-12", "k3f9x2mq"
    reference: str  # the published-URL manifest and messages: "422/2017", "2021-012", "k3f9x2mq"
    permanent_id: str
    address_year: int  # ARTICLE_URL's {release_year}
    address_no: int | str  # ARTICLE_URL's {release_no}: the serial, or the id's code
    serial: int  # the number's serial; 0 without numbers (the order of releases of one minute)


@dataclass(frozen=True)
class Numbering:
    """The site's scheme and the prefix of the ids it writes for releases without numbers."""

    scheme: str
    id_prefix: str  # "tag:presse.example.org,2025:pm-"

    @classmethod
    def of(cls, settings: dict) -> Numbering:
        return cls(newsroom(settings).numbering, tag_uri(settings, "pm-"))

    @property
    def kind(self) -> type[ReleaseNumber] | None:
        return NUMBER_KINDS[self.scheme]

    @property
    def naming_field(self) -> str:
        """The front-matter field every release must have: its number, or its id where there are none."""
        return "number" if self.kind else "id"

    @property
    def missing_message(self) -> str:
        """What to say when a release lacks its ``naming_field``."""
        if self.kind:
            return "is required but missing"
        return (f"is required but missing: this site's releases have no numbers, so each has a permanent id; "
                f"write id: '{self.id_example}' (invoke new writes one)")

    @property
    def id_example(self) -> str:
        return self.id_prefix + EXAMPLE_CODE

    def read_number(self, value: object) -> ReleaseNumber:
        """The ``number`` field's value as this scheme's number; FieldError saying what to write instead."""
        if self.kind is None:
            raise FieldError("this site has no release numbers (NEWSROOM['numbering'] is 'none'); remove the line, "
                             "the id names the release")
        number = self.kind.parse(value) if isinstance(value, str) else None
        if number is None:
            raise FieldError(f"{short_repr(value)} is not a release number; write '{self.kind.FORM}' such as "
                             f"'{self.kind.EXAMPLE}'")
        return number

    def id_problem(self, value: str) -> str | None:
        """Without numbers the id names the release, so it must have the site's form; numbered sites take any URI."""
        if self.kind or (value.startswith(self.id_prefix) and CODE_PATTERN.fullmatch(value.removeprefix(self.id_prefix))):
            return None
        return (f"{value!r} is not an id of this site's releases (they have no numbers, so the id names them); "
                f"write '{self.id_example}': 'pm-' and 4 to 20 lower-case letters or digits (invoke new writes one)")

    def fresh_id(self, taken: set[str]) -> str:
        """A new id for a release without a number, none of ``taken``."""
        import secrets  # here: only ``invoke new`` and ``invoke import`` make ids

        while True:
            value = self.id_prefix + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if value not in taken:
                return value

    def new_naming(self, year: int, written: Callable[[str], list[str]]) -> dict[str, str]:
        """The field that names a new release of ``year``: the next free number, or a fresh id.

        ``written(field)``: that field's text in every release file there is.
        """
        if self.kind is None:
            return {"id": self.fresh_id(set(written("id")))}
        taken = [number.serial for number in map(self.kind.parse, written("number")) if number and number.year == year]
        return {"number": str(self.kind(year, max(taken, default=0) + 1))}

    def reference_order(self, reference: str) -> tuple | None:
        """How the manifest sorts references (by year, then serial; codes by name); None if it is not one."""
        if self.kind:
            number = self.kind.parse(reference)
            return (number.year, number.serial) if number and str(number) == reference else None
        return (0, reference) if CODE_PATTERN.fullmatch(reference) else None

    @property
    def reference_example(self) -> str:
        return self.kind.EXAMPLE if self.kind else EXAMPLE_CODE

    @property
    def reference_what(self) -> str:
        return "release numbers" if self.kind else "the codes of release ids (after 'pm-')"

    @property
    def reference_one(self) -> str:
        if self.kind:
            return f"a release number such as '{self.kind.EXAMPLE}'"
        return f"the code of a release id (after 'pm-') such as '{self.reference_example}'"

    def identify(self, values: dict) -> Identity:
        """The identity of a release from its checked values (``number`` as (serial, year), ``id``, ``date``)."""
        if self.kind:
            serial, year = values["number"]
            number = self.kind(year, serial)
            written = values.get("id") or f"{self.id_prefix}{serial}-{year}"
            return Identity(number, number.key, str(number), written, year, serial, serial)
        code = values["id"].removeprefix(self.id_prefix)
        return Identity(None, code, code, values["id"], values["date"].year, code, 0)
