"""List pagination that stays put: numbered pages count from the oldest release.

Pelican numbers a list's pages from the newest release, so one new release
moves every release of every list one place and changes every page (and its
"Seite 3 von 15"). Here a list of N releases shown p to a page is split from
the other end: ``…/seite/1/`` holds the p oldest, ``…/seite/k/`` the k-th block
of p from the oldest, and only full blocks get a number. The list's own
address (its root) holds the rest, the newest, newest first like every page.

The root keeps at least half a page: K = (N − ⌈p/2⌉) // p numbered pages,
so it shows between ⌈p/2⌉ and p + ⌈p/2⌉ − 1 releases (5 to 14 for p = 10) —
never nearly empty, never much longer than a page, a page on average. An
added release changes only the roots of its lists until a root would reach
p + ⌈p/2⌉; then its p oldest become the next numbered page (and the page
below it gains a link to it). A numbered page changes only when a release it
shows changes, or the existence of its neighbours: deleting, withdrawing or
back-dating releases shifts the blocks above that place, and pages may vanish
at the top (the web server redirects their addresses to the list's own,
``newsroom/tools/webconfig.py``).

A page knows its releases and links to its neighbours, the root and the
oldest page, never the total: ``ListPage`` is what a template gets
(``articles_page``). ``PAGINATED_TEMPLATES`` and ``DEFAULT_PAGINATION`` say
which lists are split and by how much (a falsy size: all on the root);
``PAGINATION_PATTERNS`` (Pelican's rules, by ``min_page``) name the numbered
pages only, the root being the list's own address. ``DEFAULT_ORPHANS`` does
not apply: the root is never short.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

INDEX_FILES = ("index.html", "index.htm")


class PaginationError(ValueError):
    """PAGINATION_PATTERNS cannot name the numbered pages of a list."""


@dataclass(frozen=True)
class PageLink:
    """Where a page of a list is: ``number`` None for the root."""

    number: int | None
    url: str
    save_as: str


@dataclass(frozen=True)
class ListPage:
    """One page of a list: its releases (newest first) and its neighbours; the oldest comes first in time."""

    number: int | None  # None: the root, the list's own address with the newest releases
    object_list: list
    url: str
    save_as: str
    older: PageLink | None  # the page with the releases just before these (rel="prev")
    newer: PageLink | None  # the page with the releases just after these (rel="next")
    oldest: PageLink | None  # …/seite/1/, if the list has numbered pages
    newest: PageLink  # the root
    total: int | None = None  # how many releases the whole list has: on the root only, so numbered pages stay put


def per_page(settings: dict, template_name: str | None) -> int | None:
    """How many releases a page of the template's lists shows: None if they are not split, 0 if all are on the root."""
    if template_name not in settings["PAGINATED_TEMPLATES"]:
        return None
    return settings["PAGINATED_TEMPLATES"][template_name] or settings["DEFAULT_PAGINATION"] or 0


def numbered_count(count: int, size: int) -> int:
    """How many full blocks of ``size`` below a root of at least half a page a list of ``count`` has."""
    if size <= 0:
        return 0
    return max(0, (count - (size + 1) // 2) // size)


def numbered_link(settings: dict, name: str, url: str, number: int) -> PageLink:
    """The address of numbered page ``number`` of the list at ``name`` (save_as) / ``url``, by PAGINATION_PATTERNS."""
    rules = [rule for rule in settings["PAGINATION_PATTERNS"] if 0 < rule[0] <= number]
    if not rules:
        raise PaginationError(f"PAGINATION_PATTERNS has no rule for page {number} (a rule with min_page 1 names them all)")
    _, url_pattern, save_as_pattern = max(rules, key=lambda rule: rule[0])
    directory, file_name = os.path.split(name)
    stem, extension = os.path.splitext(name)
    fields = {
        "save_as": name,
        "url": url,
        "name": stem,
        "base_name": directory if file_name in INDEX_FILES else stem,
        "extension": extension,
        "number": number,
    }
    link = PageLink(number, url_pattern.format(**fields).removeprefix("/"), save_as_pattern.format(**fields).removeprefix("/"))
    if link.save_as == name:
        raise PaginationError(
            f"PAGINATION_PATTERNS puts page {number} of {name} at the list's own address, which shows the newest "
            "releases; name the numbered pages only, e.g. (1, '{base_name}/seite/{number}/', "
            "'{base_name}/seite/{number}/index.html')"
        )
    return link


def paginate(settings: dict, name: str, url: str, items: list, size: int) -> list[ListPage]:
    """The pages of a list (``items`` newest first): the root, then the numbered pages from the newest to the oldest."""
    total = numbered_count(len(items), size)
    root = PageLink(None, url, name)
    links = [root] + [numbered_link(settings, name, url, number) for number in range(total, 0, -1)]
    oldest = links[-1] if total else None
    pages = []
    for position, link in enumerate(links):
        number = link.number
        if number is None:
            shown = items[: len(items) - total * size]
        else:
            end = len(items) - (number - 1) * size
            shown = items[end - size : end]
        pages.append(
            ListPage(
                number=number,
                object_list=shown,
                url=link.url,
                save_as=link.save_as,
                older=links[position + 1] if position + 1 < len(links) else None,
                newer=links[position - 1] if position else None,
                oldest=oldest,
                newest=root,
                total=len(items) if number is None else None,
            )
        )
    return pages

