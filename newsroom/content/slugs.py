"""URL slugs with German transliteration (ä→ae, ö→oe, ü→ue, ß→ss).

Pelican's slugify runs Unidecode first, which turns 'ü' into 'u'; German
readers expect 'ue', so the umlauts are replaced before Pelican's rules run.
The text is composed (NFC) first: a decomposed 'ü' (u + U+0308, as macOS
writes it) would otherwise slip past the replacement and become 'u'.
All steps are linear in the length of the text.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

GERMAN_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss", "ẞ": "SS"}
)
SLUG_RULES = (
    (r"[^\w\s-]", ""),
    (r"(?u)\A\s*", ""),
    (r"(?u)\s*\Z", ""),
    (r"[-\s_]+", "-"),
    (r"^-+|-+$", ""),
)


@lru_cache(maxsize=4096)
def german_slug(text: str, max_length: int | None = None) -> str:
    """'Straßenfest im Bürgerpark' → 'strassenfest-im-buergerpark', cut after a whole word.

    Remembered: topics and departments are slugged again for every release that names them.
    """
    from pelican.utils import slugify  # here: ``invoke check`` imports this module, mostly with nothing to slug

    composed = unicodedata.normalize("NFC", text)
    slug = slugify(composed.translate(GERMAN_TRANSLITERATION), regex_subs=SLUG_RULES)
    if max_length and len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:max_length]
    return slug


def is_slug(text: str) -> bool:
    """True for lower-case ASCII words joined by single hyphens."""
    parts = text.split("-")
    return all(part and part.isascii() and part.isalnum() and part == part.lower() for part in parts)
