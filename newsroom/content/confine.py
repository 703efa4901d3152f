"""Confinement: the site is built only from files inside the content folder.

Three ways lead out of it, and each is closed here:

* **Symbolic links** (git stores them). Pelican follows them everywhere: its
  static generator copies a linked file, or a whole linked folder tree, into
  the output. ``refused_links`` looks at every entry under the content
  folder once, when the build (or ``invoke check``) starts, and the build
  stops right there, before any stage has read a single file: a link to a
  file that stays inside the content folder keeps working (it publishes
  nothing a copy would not); a link that leads outside, a link to a folder
  (inside or out: followed, it can make Pelican walk a loop or read the same
  releases twice) and a link to nothing are errors.
* **Pelican's link forms** ``{filename}``, ``{static}``, ``{attach}`` (and the
  old ``|filename|`` spelling, which its link pattern still accepts). Pelican
  joins the written path to the linking file's folder without checking where
  it ends: ``{attach}../../../secret.txt`` copies a file from outside next to
  the release, ``{static}`` with ``../`` can even write beside the output
  folder. ``link_errors`` resolves every link of the sanitised HTML (what
  Pelican sees) in every way Pelican tries — as written, URL-decoded,
  HTML-unescaped, with a leading ``/`` from the content root — and each one
  that leaves the content folder is a ``path:line`` error. So is a
  ``{static}``/``{attach}`` link to a folder: Pelican copies the whole
  folder, a releases folder with its drafts and embargoed sources too.
* Whatever still reached Pelican's static generator from outside would be
  dropped by ``Build.keep_statics_inside`` before anything is copied.

``referenced_paths`` resolves the same links for the embargo check
(``newsroom.site.clock``), which so compares normalised paths, never spellings.
"""

from __future__ import annotations

import functools
import html
import os
import posixpath
import re
from types import SimpleNamespace
from urllib.parse import unquote, urlparse

from ..errors import ContentError, display_path, short_repr
from .frontmatter import Document

LINK_KINDS = frozenset({"filename", "static", "attach"})
LINK_EXAMPLE = "'{static}/images/lageplan.pdf'"


def leaves_content(target: str) -> bool:
    """True for a normalised content-relative path that points outside the content folder."""
    return target.startswith("/") or target == os.pardir or target.startswith(os.pardir + "/")


def link_problem(path: str, root: str) -> str | None:
    """Why the symbolic link ``path`` may not be read, or None if it may."""
    written = os.readlink(path)
    resolved = os.path.realpath(path)
    if os.path.commonpath([root, resolved]) != root:
        return f"is a link to {written!r}, outside the content folder; put a copy here instead of the link"
    if os.path.isdir(resolved):
        return f"is a link to the folder {written!r}; links to folders are not followed, put the folder itself here"
    if not os.path.exists(resolved):
        return f"is a link to {written!r}, which does not exist; remove the link"
    return None


def refused_links(content_path: str) -> list[ContentError]:
    """Every symbolic link under the content folder that the build must not follow.

    Walks without following links (each entry's type comes from the folder
    listing, so only the links themselves cost a system call).
    """
    root = os.path.realpath(content_path)
    errors = []
    pending = [content_path]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_symlink():
                    problem = link_problem(entry.path, root)
                    if problem:
                        errors.append(ContentError(display_path(entry.path), None, None, problem))
                elif entry.is_dir():
                    pending.append(entry.path)
    return sorted(errors, key=ContentError.sort_key)


@functools.lru_cache(maxsize=4)
def intrasite_link_pattern(setting: str) -> re.Pattern:
    """Pelican's own pattern for ``{filename}``-style links, so exactly what Pelican replaces is checked."""
    from pelican.contents import Content  # here: ``invoke check`` imports this module, mostly with no body to read

    return Content._get_intrasite_link_regex(SimpleNamespace(settings={"INTRASITE_LINK_REGEX": setting}))


def intrasite_links(html_text: str, settings: dict):
    """(match, kind, value) of every ``{filename}``, ``{static}`` and ``{attach}`` link in the HTML."""
    for match in intrasite_link_pattern(settings["INTRASITE_LINK_REGEX"]).finditer(html_text or ""):
        if match.group("what") in LINK_KINDS:
            yield match, match.group("what"), match.group("value")


def link_targets(value: str, relative_dir: str) -> set[str]:
    """Every normalised content-relative path Pelican may resolve a link to.

    Pelican looks the link up as written, URL-decoded and HTML-unescaped
    (``contents.py`` ``_link_replacer``), and copies ``{static}``/``{attach}``
    files found by the written path with only ``%20`` decoded
    (``get_static_links``). A path starting with ``/`` counts from the content
    root; Pelican strips one slash and joins the rest, so ``//x`` is absolute.
    """
    path = urlparse(value).path
    spellings = {path, unquote(path), urlparse(html.unescape(value)).path, path.replace("%20", " ")}
    targets = set()
    for spelling in spellings:
        if spelling.startswith("/"):
            rest = spelling[1:]
            targets.add(rest if rest.startswith("/") else posixpath.normpath(rest or "."))
        else:
            targets.add(posixpath.normpath(posixpath.join(relative_dir, spelling)))
    return targets


def content_relative_dir(full_path: str, content_path: str) -> str:
    """The folder of a source, relative to the content folder, as Pelican's ``relative_dir`` gives it."""
    relative = os.path.relpath(os.path.abspath(full_path), os.path.abspath(content_path))
    return posixpath.dirname(relative.replace(os.sep, "/"))


def link_errors(document: Document, html_text: str, relative_dir: str, settings: dict) -> list[ContentError]:
    """A ``path:line`` error for each link of the body that leads outside the content folder."""
    errors = []
    cursor = 0
    for match, kind, value in intrasite_links(html_text, settings):
        targets = link_targets(value, relative_dir)
        if any(leaves_content(target) for target in targets):
            problem = "leads outside the content folder; link only to files inside it"
        elif kind != "filename" and any(os.path.isdir(os.path.join(settings["PATH"], target)) for target in targets):
            problem = "names a folder, which Pelican would publish whole (drafts and embargoed releases too); link to one file"
        else:
            continue
        written = match.group("path")
        line, cursor = body_line(document, (written, html.unescape(written), value, posixpath.basename(value)), cursor)
        errors.append(
            ContentError(document.path, line, None, f"the link {short_repr(written)} {problem}, such as {LINK_EXAMPLE}")
        )
    return errors


def body_line(document: Document, needles, cursor: int) -> tuple[int | None, int]:
    """The file line where the first of ``needles`` appears in the body (searched from ``cursor`` first)."""
    for needle in needles:
        if not needle:
            continue
        found = document.body.find(needle, cursor)
        if found < 0:
            found = document.body.find(needle)
        if found >= 0:
            return document.body_line + document.body.count("\n", 0, found), found + 1
    return None, cursor


# nh3 writes every attribute as ` name="value"`; the leading space keeps the search fast.
PLAIN_LINK = re.compile(r' (?:href|src)="([^"]*)"')


def referenced_paths(html_text: str, relative_dir: str, settings: dict) -> set[str]:
    """Content-relative paths a page's HTML refers to: its Pelican links, and its plain site links.

    A plain link (``/images/plan.png``, or ``../../images/plan.png`` relative
    to the page's address) names a static file by its path under the site
    root, which is its path under the content folder.
    """
    paths = set()
    for _match, _kind, value in intrasite_links(html_text, settings):
        paths |= link_targets(value, relative_dir)
    for value in PLAIN_LINK.findall(html_text or ""):
        url = urlparse(html.unescape(value))
        if url.scheme or url.netloc or value.startswith(("{", "|")):
            continue
        path = posixpath.normpath(unquote(url.path).lstrip("/") or ".")
        while path.startswith(os.pardir + "/"):
            path = path[len(os.pardir) + 1 :]
        paths.add(path)
    return paths
