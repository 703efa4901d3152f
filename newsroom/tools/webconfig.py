"""``invoke web-config``: the nginx configuration for the built site.

One file to put inside nginx's ``http { }`` (Debian: ``/etc/nginx/sites-enabled/``):
three ``map`` blocks and a ``server`` block. It sends

* the Content-Security-Policy every page is checked against
  (``tests/test_csp.py``; ``'wasm-unsafe-eval'`` for Pagefind's WebAssembly,
  never ``'unsafe-inline'``), ``X-Content-Type-Options``,
  ``Referrer-Policy``, ``Permissions-Policy``, and HSTS on an HTTPS listener;
* ``Cache-Control`` for a year, immutable, for the fingerprinted theme files,
  the cards and the release images' derivatives (their names change with
  their bytes), five minutes for everything else (pages, feeds, sitemaps, the
  search index, the clean copies of images a body links to, which keep their
  address);
* the precompressed ``.br`` and ``.gz`` files (``compress.py``) by the
  reader's ``Accept-Encoding`` (``brotli_static``: Debian's
  ``libnginx-mod-http-brotli-static``; ``gzip_static``);
* Atom and RSS as ``application/atom+xml`` / ``application/rss+xml`` in
  UTF-8 (their files end in ``.xml``), the feeds' XSL stylesheet as XML,
  Pagefind's own compressed chunks as plain bytes;
* the site's 404 page with status 404, a 301 from every alias and from every
  recorded address whose release moved (URL manifest) to the release, and
  410 Gone for recorded addresses whose release no longer exists;
* a 301 from a numbered list page that does not exist (``…/seite/7/``, a
  list that shrank, or Pelican's numbering from before) to the list's own
  address, when that exists: decided by the files served, not by the build,
  so the site's bytes depend on its content alone (``pagination.py``).

The addresses come from the content, read like ``invoke check`` does: the
configuration belongs to a state of the content, so it is written again
(and nginx reloaded) after a publication that adds an alias or deletes a
release. The HTML redirect pages of aliases stay in the site for servers
without it; a vanished list page has none (such a server answers 404).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import jinja2

from ..outputs.manifest import broken_addresses
from ..outputs.redirects import alias_save_as
from ..settings import newsroom
from ..site.renderkeys import KEYS_FILE

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), browsing-topics=()",
}
HSTS = "max-age=31536000"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
# By the file's full suffix: nginx knows .xml only as text/xml.
TYPES_BY_SUFFIX = {
    r"\.atom\.xml$": ("application/atom+xml", "xml"),
    r"\.rss\.xml$": ("application/rss+xml", "xml"),
    r"\.xsl$": ("application/xml", "xsl"),
    r"\.wasm$": ("application/wasm", "wasm"),
}
# Pagefind compresses these itself and decompresses them in the browser.
PAGEFIND_CHUNKS = r"\.(?:pagefind|pf_fragment|pf_index|pf_meta|pf_filter)$"
UTF8_TYPES = ("text/css", "text/plain", "text/xml", "application/javascript", "application/json", "application/xml",
              "image/svg+xml", "application/atom+xml", "application/rss+xml")
MAP_ENTRY_OVERHEAD = 32
MAP_HASH_MAX_SIZE = 2048  # nginx's default
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# PAGINATION_PATTERNS' addresses the web server redirects: "{base_name}/seite/{number}/".
LIST_PAGE_FORM = re.compile(r"\{base_name\}/((?:[A-Za-z0-9_-]+/)+)\{number\}/")

class WebConfigError(Exception):
    """The configuration cannot be written as asked: the message says what to pass instead."""


def nginx_string(value: str) -> str:
    """A double-quoted nginx string; refuses what cannot be one safely."""
    if CONTROL.search(value) or "$" in value:
        raise WebConfigError(f"{value!r} cannot be written into the nginx configuration (control characters or '$')")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


ENVIRONMENT = jinja2.Environment(trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
ENVIRONMENT.filters["q"] = nginx_string
TEMPLATE = ENVIRONMENT.from_string(
    """\
# nginx configuration of {{ site_name|replace("\n", " ") }}, written by `invoke web-config`.
# Put it inside http { } (Debian: /etc/nginx/sites-enabled/); needs the brotli_static
# module (Debian: libnginx-mod-http-brotli-static). Written from the content: run
# `invoke web-config` again and reload nginx after publishing a new alias or deleting a release.

# Sized for the longest address and the number of addresses below (nginx's
# defaults hold 64-byte keys); remove these two lines if nginx.conf sets them.
map_hash_bucket_size {{ bucket_size }};
map_hash_max_size {{ max_size }};

# Aliases and moved addresses: 301 to the release.
# volatile: the 410's error page (/404.html) must not reuse this request's first answer.
map $uri $newsroom_moved_to {
    volatile;
    default "";
{% for old, new in moved %}
    {{ old|q }} {{ new|q }};
{% endfor %}
}

# Published addresses whose release no longer exists: 410 Gone.
map $uri $newsroom_gone {
    volatile;
    default 0;
{% for address in gone %}
    {{ address|q }} 1;
{% endfor %}
}

map $uri $newsroom_cache_control {
    default {{ short|q }};
{% for folder in immutable %}
    {{ ("~^/" ~ folder ~ "/")|q }} {{ long|q }};
{% endfor %}
}

server {
    listen {{ listen }};
    server_name {{ server_name }};
    root {{ root|q }};
    index index.html;
{% if tls %}
    ssl_certificate {{ certificate|q }};
    ssl_certificate_key {{ key|q }};
{% endif %}
    server_tokens off;
    # Redirects keep the reader's scheme and host.
    absolute_redirect off;

    charset utf-8;
    charset_types {{ utf8_types|join(" ") }};
    gzip_static on;
    brotli_static on;
    gzip_vary on;

{% for name, value in headers %}
    add_header {{ name }} {{ value|q }} always;
{% endfor %}
    add_header Cache-Control $newsroom_cache_control always;

    error_page 404 410 /404.html;
    if ($newsroom_gone) {
        return 410;
    }
    if ($newsroom_moved_to) {
        return 301 $newsroom_moved_to;
    }

    location / {
        try_files $uri $uri/ =404;
    }
    # A numbered list page that does not exist: 301 to the list, if there is one.
    location ~ {{ numbered_pages }} {
        try_files $uri $uri/ @newsroom_list;
    }
    location @newsroom_list {
        if (-f $document_root${newsroom_list}index.html) {
            return 301 $newsroom_list;
        }
        return 404;
    }
{% for pattern, (type, suffix) in types %}
    location ~ {{ pattern }} {
        types { {{ type }} {{ suffix }}; }
    }
{% endfor %}
    # The keys the pages were rendered with belong to the build, not to readers.
    location = /{{ keys_file }} {
        return 404;
    }
    location ~ {{ chunks }} {
        types { }
        default_type application/octet-stream;
    }
}
""",
)



def numbered_pages_regex(settings: dict) -> str:
    """The nginx location regex of every list's numbered pages, capturing the list's address as $newsroom_list."""
    folders = []
    for _, url, _ in settings["PAGINATION_PATTERNS"]:
        form = LIST_PAGE_FORM.fullmatch(url)
        if form is None:
            raise WebConfigError(
                f"PAGINATION_PATTERNS names a page {url!r}; the redirect of vanished list pages needs the form "
                "'{base_name}/seite/{number}/'"
            )
        folders.append(form.group(1))
    alternatives = "|".join(sorted(set(folders)))
    return f"^(?<newsroom_list>/(?:.*/)?)(?:{alternatives})[0-9]+/(?:index\\.html)?$"


@dataclass
class Addresses:
    """What nginx answers itself instead of serving a file."""

    moved: dict[str, str]  # old address (as nginx's $uri: decoded) -> release URL
    gone: list[str]


def site_addresses(check) -> Addresses:
    """Redirects and gone addresses from ``check_content``'s result (its ``links``)."""
    links = check.links
    public = [release for release in links.releases if release.public]
    moved: dict[str, str] = {}
    for release in sorted(public, key=lambda item: item.url):
        for alias, _ in release.aliases:
            moved[alias] = release.url
            moved["/" + alias_save_as(alias)] = release.url
    gone = []
    known_numbers = {release.number for release in links.releases}
    for broken in broken_addresses(links.manifest, public):
        address = unquote(broken.recorded)
        if broken.release is not None:
            moved[address] = broken.release.url
        elif broken.number not in known_numbers:  # a draft or an embargoed release gets its address back later
            gone.append(address)
    return Addresses(moved, gone)


def hash_bucket_size(longest_key: int) -> int:
    """The smallest power of two that holds the longest key with nginx's per-entry overhead, at least 64."""
    size = 64
    while size < longest_key + MAP_ENTRY_OVERHEAD:
        size *= 2
    return size


def is_https(listen: str) -> bool:
    return "ssl" in listen.split()[1:]


def web_config(check, root: str, listen: str, server_name: str = "", certificate: str = "", key: str = "") -> str:
    """The nginx configuration for the site built from ``check``'s content, served from ``root``."""
    if not root.startswith("/"):
        raise WebConfigError(f"--root {root!r} must be an absolute path on the web server, e.g. /srv/presse/current")
    if not listen.strip() or ";" in listen or "{" in listen:
        raise WebConfigError(f"--listen {listen!r} must be an nginx listen address such as '127.0.0.1:8080' or '443 ssl'")
    tls = is_https(listen)
    if tls and not (certificate and key):
        raise WebConfigError("an HTTPS listener ('ssl') needs --certificate and --key (the PEM files on the web server)")
    settings = check.settings
    options = newsroom(settings)
    addresses = site_addresses(check)
    headers = list(SECURITY_HEADERS.items()) + ([("Strict-Transport-Security", HSTS)] if tls else [])
    immutable = sorted({settings.get("THEME_STATIC_DIR", "theme"), options.cards.output_dir, options.images.output_dir})
    keys = [*addresses.moved, *addresses.gone]
    return TEMPLATE.render(
        bucket_size=hash_bucket_size(max(map(len, keys), default=0)),
        max_size=max(MAP_HASH_MAX_SIZE, 2 * len(keys)),
        site_name=settings["SITENAME"],
        moved=sorted(addresses.moved.items()),
        gone=sorted(addresses.gone),
        short=SHORT,
        long=IMMUTABLE,
        immutable=immutable,
        listen=listen.strip(),
        server_name=server_name or urlsplit(options.public_url).hostname or "_",
        root=root.rstrip("/") or "/",
        tls=tls,
        certificate=certificate,
        key=key,
        utf8_types=UTF8_TYPES,
        headers=headers,
        types=list(TYPES_BY_SUFFIX.items()),
        chunks=PAGEFIND_CHUNKS,
        keys_file=KEYS_FILE,
        numbered_pages=numbered_pages_regex(settings),
    )
