"""`invoke web-config` against a real nginx, and the precompressed files it serves.

The site is the fixture site with an alias, a recorded address that moved
and one whose release was deleted (and, for the vanished list pages, a site
built again after deleting releases); nginx runs with exactly the
configuration the task wrote, and every assertion goes over HTTP.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from nginxserver import free_port, get, running_nginx
from PIL import Image

import newsroom.outputs.compress
import newsroom.site.inputs
from newsroom.outputs.compress import MARK, TEXT_SUFFIXES, compression
from newsroom.site.renderkeys import KEYS_FILE
from newsroom.tools.webconfig import CONTENT_SECURITY_POLICY, WebConfigError, numbered_pages_regex

from helpers import FIXTURE_SITE, ROOT, build, run_task, tree_digest

BAEUME = "/pressemitteilungen/2024/422-neue-baeume-fuer-die-schillerstrasse-den-marktplatz/"
SPRECHSTUNDE = "/pressemitteilungen/2024/17-sprechstunde-im-rathaus/"
ALIAS = "/pressemitteilungen/2024/422-baeume/"
MOVED = "/pressemitteilungen/2024/17-offene-sprechstunde/"
GONE = "/pressemitteilungen/2024/5-wochenmarkt-zieht-um/"
SHORT = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"


def prepare_content(content: Path) -> None:
    """The fixture site with an alias, a release image, an image in the folder that no release uses,
    and a manifest that records a moved and a deleted release."""
    shutil.copytree(FIXTURE_SITE, content)
    (content / "images").mkdir()
    gradient = Image.linear_gradient("L").resize((1600, 1000))
    Image.merge("RGB", (gradient, gradient.rotate(180), gradient)).save(content / "images" / "baeume.jpg", quality=90)
    Image.new("RGB", (640, 400), "seagreen").save(content / "images" / "lageplan.png")
    release = content / "releases" / "2024" / "baeume.md"
    head, body = release.read_text(encoding="utf-8").split("\n---\n", 1)
    release.write_text(
        f"{head}\naliases: [{ALIAS}]\nimage: images/baeume.jpg\nimage_alt: Junge Linden in der Schillerstraße\n---\n{body}",
        encoding="utf-8",
    )
    (content / "data" / "published-urls.yml").write_text(
        f'"5/2024": {GONE}\n"17/2024": {MOVED}\n"422/2024": {BAEUME}\n', encoding="utf-8"
    )


def invoke(*args: str) -> subprocess.CompletedProcess:
    executable = Path(sys.executable).with_name("invoke")
    return subprocess.run([str(executable), *args], capture_output=True, text=True, cwd=ROOT)


@pytest.fixture(scope="module")
def prepared_site(tmp_path_factory):
    """(content, output) of the prepared site, built once for the tests that only read or serve it."""
    folder = tmp_path_factory.mktemp("prepared")
    content, output = folder / "content", folder / "output"
    prepare_content(content)
    build(content, output)
    return content, output


@pytest.fixture(scope="module")
def served(tmp_path_factory, prepared_site):
    """(port, output folder) of the prepared site served by nginx."""
    folder = tmp_path_factory.mktemp("webserver")
    content, output = prepared_site
    port = free_port()
    config = folder / "presse.conf"
    result = invoke("web-config", "--root", str(output), "--listen", f"127.0.0.1:{port}", "--output", str(config),
                    "--content", str(content))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"Written: {config}" in result.stdout
    with running_nginx(folder / "nginx", config, port):
        yield port, output


def first_file(output: Path, pattern: str) -> str:
    return "/" + str(sorted(output.glob(pattern))[0].relative_to(output))


def assert_security_headers(headers) -> None:
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "'wasm-unsafe-eval'" in CONTENT_SECURITY_POLICY
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"]
    assert headers["Strict-Transport-Security"] is None  # plain HTTP: no HSTS


def test_a_release_page_with_security_headers_and_short_caching(served):
    port, output = served
    status, headers, body = get(port, BAEUME)
    assert status == 200
    assert body == (output / BAEUME.strip("/") / "index.html").read_bytes()
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["Cache-Control"] == SHORT
    assert_security_headers(headers)


@pytest.mark.parametrize(
    "path, content_type",
    [
        ("/feeds/all.atom.xml", "application/atom+xml; charset=utf-8"),
        ("/feeds/all.rss.xml", "application/rss+xml; charset=utf-8"),
        ("/feeds/feed.xsl", "application/xml; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
    ],
)
def test_feeds_and_sitemaps_have_their_types_and_short_caching(served, path, content_type):
    port, output = served
    status, headers, body = get(port, path)
    assert (status, headers["Content-Type"], headers["Cache-Control"]) == (200, content_type, SHORT)
    assert body == (output / path.lstrip("/")).read_bytes()
    assert_security_headers(headers)


@pytest.mark.parametrize(
    "pattern, content_type",
    [
        ("theme/css/site.*.css", "text/css; charset=utf-8"),
        ("karten/*.jpg", "image/jpeg"),
        ("bilder/baeume-*.webp", "image/webp"),
        ("bilder/baeume-*.jpg", "image/jpeg"),
    ],
)
def test_fingerprinted_files_are_cached_for_ever(served, pattern, content_type):
    port, output = served
    path = first_file(output, pattern)
    status, headers, _ = get(port, path)
    assert (status, headers["Content-Type"], headers["Cache-Control"]) == (200, content_type, IMMUTABLE)
    assert_security_headers(headers)


def test_an_image_at_its_own_address_is_not_immutable(served):
    """A clean copy keeps the name the editor gave it: the next file of that name must reach readers."""
    port, output = served
    status, headers, body = get(port, "/images/lageplan.png")
    assert (status, headers["Content-Type"], headers["Cache-Control"]) == (200, "image/png", SHORT)
    assert body == (output / "images" / "lageplan.png").read_bytes()


def test_the_search_worker_gets_the_policy_and_pagefinds_chunks_stay_as_they_are(served):
    port, output = served
    status, headers, _ = get(port, first_file(output, "pagefind/*/pagefind-worker.js"))
    assert (status, headers["Content-Type"]) == (200, "application/javascript; charset=utf-8")
    assert_security_headers(headers)
    wasm = first_file(output, "pagefind/*/wasm.de.pagefind")
    status, headers, body = get(port, wasm, **{"Accept-Encoding": "br, gzip"})
    assert (status, headers["Content-Type"], headers["Content-Encoding"]) == (200, "application/octet-stream", None)
    assert body == (output / wasm.lstrip("/")).read_bytes()  # Pagefind's own gzip, decompressed by its script


@pytest.mark.parametrize("encoding, decompress", [("br", brotli.decompress), ("gzip", gzip.decompress)])
@pytest.mark.parametrize("path, file", [("/", "index.html"), ("/feeds/all.atom.xml", "feeds/all.atom.xml")])
def test_precompressed_files_by_accept_encoding(served, encoding, decompress, path, file):
    port, output = served
    status, headers, body = get(port, path, **{"Accept-Encoding": encoding})
    assert (status, headers["Content-Encoding"]) == (200, encoding)
    assert "Accept-Encoding" in headers["Vary"]
    assert decompress(body) == (output / file).read_bytes()


def test_without_accept_encoding_the_plain_file(served):
    port, output = served
    status, headers, body = get(port, "/")
    assert (status, headers["Content-Encoding"], body) == (200, None, (output / "index.html").read_bytes())


@pytest.mark.parametrize("old", [ALIAS, ALIAS + "index.html"])
def test_an_alias_is_a_real_redirect(served, old):
    port, _ = served
    status, headers, _ = get(port, old)
    assert (status, headers["Location"]) == (301, BAEUME)
    assert_security_headers(headers)


def test_a_recorded_address_that_moved_redirects_to_the_release(served):
    port, _ = served
    status, headers, _ = get(port, MOVED)
    assert (status, headers["Location"]) == (301, SPRECHSTUNDE)


def test_a_deleted_release_is_gone(served):
    port, output = served
    status, headers, body = get(port, GONE)
    assert status == 410
    assert body == (output / "404.html").read_bytes()
    assert_security_headers(headers)


def test_an_unknown_address_gets_the_404_page(served):
    port, output = served
    status, headers, body = get(port, "/pressemitteilungen/2024/999-gibt-es-nicht/")
    assert (status, headers["Content-Type"]) == (404, "text/html; charset=utf-8")
    assert body == (output / "404.html").read_bytes()
    assert_security_headers(headers)


def test_the_render_keys_are_not_served(served):
    """The keys the pages were rendered with are the build's (newsroom/site/renderkeys.py), not the readers'."""
    port, output = served
    assert (output / KEYS_FILE).is_file()
    status, _, body = get(port, "/" + KEYS_FILE)
    assert status == 404
    assert body == (output / "404.html").read_bytes()


# Lists that shrank: their vanished numbered pages

LATER_RELEASES = [
    ("stadtfest.md", "Stadtfest auf dem Marktplatz", "2024-06-01 10:00", "201/2024"),
    ("laternen.md", "Neue Laternen in der Lindenallee", "2024-07-01 10:00", "230/2024"),
    ("spielplatz.md", "Spielplatz am Weiher wieder offen", "2024-08-01 10:00", "260/2024"),
]


@pytest.fixture(scope="module")
def shrunk(tmp_path_factory):
    """(port, output) of a site built with one release a page, then built again with two releases deleted."""
    folder = tmp_path_factory.mktemp("shrunk")
    content, output = folder / "content", folder / "output"
    prepare_content(content)
    for name, title, date, number in LATER_RELEASES:
        (content / "releases" / "2024" / name).write_text(
            f'---\ntitle: {title}\ndate: {date}\nnumber: "{number}"\ndepartment: bauen\n---\n{title}: das Bezirksamt '
            "informiert.\n",
            encoding="utf-8",
        )
    build(content, output, DEFAULT_PAGINATION=1)
    assert (output / "seite" / "4" / "index.html").is_file()
    for name, *_ in LATER_RELEASES[1:]:
        (content / "releases" / "2024" / name).unlink()
    build(content, output, DEFAULT_PAGINATION=1)
    assert not (output / "seite" / "3").exists()
    port = free_port()
    config = folder / "presse.conf"
    result = run_task("web-config", "--root", str(output), "--listen", f"127.0.0.1:{port}", "--output", str(config),
                      "--content", str(content))
    assert result.returncode == 0, result.stderr
    with running_nginx(folder / "nginx", config, port):
        yield port, output


@pytest.mark.parametrize(
    "vanished, root",
    [
        ("/seite/3/", "/"),
        ("/seite/4/index.html", "/"),
        ("/pressemitteilungen/2024/seite/3/", "/pressemitteilungen/2024/"),
        ("/ressorts/bauen/seite/17/", "/ressorts/bauen/"),
    ],
)
def test_a_vanished_list_page_redirects_to_its_list(shrunk, vanished, root):
    port, _ = shrunk
    status, headers, _ = get(port, vanished)
    assert (status, headers["Location"]) == (301, root)
    assert_security_headers(headers)


@pytest.mark.parametrize("path", ["/seite/1/", "/seite/2/index.html", "/pressemitteilungen/2024/seite/1/"])
def test_an_existing_list_page_is_served_as_it_is(shrunk, path):
    port, output = shrunk
    file = output / path.lstrip("/").removesuffix("index.html") / "index.html"
    status, headers, body = get(port, path)
    assert (status, headers["Location"], body) == (200, None, file.read_bytes())
    status, headers, body = get(port, path, **{"Accept-Encoding": "br"})
    assert (status, headers["Content-Encoding"], brotli.decompress(body)) == (200, "br", file.read_bytes())


@pytest.mark.parametrize("path", ["/themen/gibt-es-nicht/seite/3/", "/seite/x/", "/impressum/seite/"])
def test_a_numbered_page_of_no_list_is_not_found(shrunk, path):
    port, output = shrunk
    status, _, body = get(port, path)
    assert (status, body) == (404, (output / "404.html").read_bytes())


def test_list_pages_of_another_form_are_refused():
    settings = {"PAGINATION_PATTERNS": [(1, "{base_name}/seite-{number}.html", "{base_name}/seite-{number}.html")]}
    with pytest.raises(WebConfigError, match="needs the form '{base_name}/seite/{number}/'"):
        numbered_pages_regex(settings)


def test_an_https_listener_gets_hsts_and_the_certificate(tmp_path, prepared_site):
    """Over TLS with a certificate made for the test: HSTS is sent."""
    if not shutil.which("openssl"):
        pytest.skip("needs openssl to make a test certificate")
    content, output = prepared_site
    certificate, key = tmp_path / "presse.pem", tmp_path / "presse.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-days", "1",
                    "-keyout", str(key), "-out", str(certificate)], check=True, capture_output=True)
    port = free_port()
    config = tmp_path / "presse.conf"
    result = run_task("web-config", "--root", str(output), "--listen", f"127.0.0.1:{port} ssl", "--output", str(config),
                      "--certificate", str(certificate), "--key", str(key), "--content", str(content))
    assert result.returncode == 0, result.stderr
    import http.client
    import ssl

    with running_nginx(tmp_path / "nginx", config, port):
        connection = http.client.HTTPSConnection("127.0.0.1", port, context=ssl._create_unverified_context(), timeout=10)
        connection.request("GET", BAEUME)
        response = connection.getresponse()
        assert (response.status, response.headers["Strict-Transport-Security"]) == (200, "max-age=31536000")
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        connection.close()


def test_an_https_listener_without_certificate_is_refused(tmp_path):
    content = tmp_path / "content"
    prepare_content(content)
    result = invoke("web-config", "--root", "/srv/presse/current", "--listen", "443 ssl", "--content", str(content))
    assert result.returncode == 1
    assert "web-config: an HTTPS listener ('ssl') needs --certificate and --key" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "root, listen, message",
    [
        ("srv/presse", "8080", "--root 'srv/presse' must be an absolute path on the web server"),
        ("/srv/presse", "8080; include /etc/passwd", "--listen '8080; include /etc/passwd' must be an nginx listen address"),
    ],
)
def test_bad_arguments_are_refused(tmp_path, root, listen, message):
    content = tmp_path / "content"
    prepare_content(content)
    result = run_task("web-config", "--root", root, "--listen", listen, "--content", str(content))
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr


# Precompressed files (newsroom/outputs/compress.py)

def test_every_text_file_has_a_gz_and_a_br_and_nothing_else_does(prepared_site):
    _, output = prepared_site
    files = [path for path in output.rglob("*") if path.is_file()]
    texts = [path for path in files if path.name.endswith(TEXT_SUFFIXES)]
    assert {".html", ".xml", ".css", ".js", ".json", ".svg", ".xsl", ".txt"} <= {path.suffix for path in texts}
    for path in texts:
        assert gzip.decompress(Path(f"{path}.gz").read_bytes()) == path.read_bytes()
        assert brotli.decompress(Path(f"{path}.br").read_bytes()) == path.read_bytes()
    compressed_originals = {Path(str(path)[:-3]) for path in files if path.suffix in (".gz", ".br")}
    assert compressed_originals == set(texts)
    assert any(path.suffix in (".jpg", ".png") for path in files)
    assert any(path.name.endswith((".pf_fragment", ".pagefind")) for path in files)


def precompressed_digest(output: Path) -> dict[str, str]:
    """Digests of the .gz and .br files."""
    return {path: digest for path, digest in tree_digest(output).items() if path.endswith((".gz", ".br"))}


def test_precompressed_files_are_the_same_on_every_build(tmp_path, prepared_site):
    content, first = prepared_site
    second = tmp_path / "second"
    build(content, second)
    compressed = precompressed_digest(first)
    assert len(compressed) > 20
    assert compressed == precompressed_digest(second)
    header = (first / "index.html.gz").read_bytes()[:10]
    assert header[3] == 0 and header[4:8] == b"\0\0\0\0"  # no file name, mtime 0


def test_only_changed_files_are_compressed_again(tmp_path):
    content, output = tmp_path / "content", tmp_path / "output"
    prepare_content(content)
    build(content, output)
    unchanged = output / "impressum" / "index.html.br"
    changed = output / BAEUME.strip("/") / "index.html.br"
    before = {path: os.stat(path).st_ino for path in (unchanged, changed)}
    release = content / "releases" / "2024" / "baeume.md"
    release.write_text(release.read_text(encoding="utf-8") + "\nDie Pflanzung beginnt am Montag.\n", encoding="utf-8")
    build(content, output)
    assert os.stat(unchanged).st_ino == before[unchanged]  # the live file, linked: not written again
    assert os.stat(changed).st_ino != before[changed]
    assert "Die Pflanzung beginnt am Montag." in brotli.decompress(changed.read_bytes()).decode("utf-8")


def test_a_changed_compression_compresses_every_file_again(tmp_path, monkeypatch):
    """Live .br files made at another quality are not reused: the rebuild gives the bytes of a clean build."""
    content = tmp_path / "content"
    prepare_content(content)
    monkeypatch.setattr(newsroom.outputs.compress, "BROTLI_QUALITY", 1)
    # Another compression comes with other code or another library; the build's inputs say so.
    monkeypatch.setattr(newsroom.site.inputs, "packages_text", lambda: "brotli=0.0")
    build(content, tmp_path / "output")
    monkeypatch.undo()
    build(content, tmp_path / "output")
    build(content, tmp_path / "clean")
    rebuilt, clean = tree_digest(tmp_path / "output"), tree_digest(tmp_path / "clean")
    compressed = [path for path in clean if path.endswith(".br")]
    assert compressed
    assert {path: rebuilt[path] for path in compressed} == {path: clean[path] for path in compressed}
    assert (tmp_path / "output" / MARK).read_text(encoding="utf-8") == compression()
