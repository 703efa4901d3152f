"""A real nginx (Debian's package, with its brotli_static module) on 127.0.0.1, for the web-server tests.

Runs in the foreground as a child of the test (``daemon off``), with its pid
file, logs and temporary folders inside the test's folder, and the
configuration that ``invoke web-config`` wrote included in ``http { }``.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shutil
import socket
import subprocess
from pathlib import Path

import pytest

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
MIME_TYPES = Path("/etc/nginx/mime.types")
CONNECT_ATTEMPTS = 500

# Test folders are private to the user running the tests: the workers run as that user too.
MAIN_CONFIG = """\
{user}
load_module {module};
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log;
events {{ worker_connections 64; }}
http {{
    include {mime_types};
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site_config};
}}
"""


def require_nginx() -> None:
    if not Path(NGINX).exists() or not BROTLI_MODULE.exists():
        pytest.skip("needs Debian's nginx and libnginx-mod-http-brotli-static (.ci/run installs them)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_nginx(folder: Path, site_config: Path, port: int):
    """nginx serving ``site_config`` (which listens on ``port``) until the block ends."""
    require_nginx()
    folder.mkdir(parents=True, exist_ok=True)
    main = folder / "nginx.conf"
    main.write_text(
        MAIN_CONFIG.format(
            user="user root;" if os.geteuid() == 0 else "",
            module=BROTLI_MODULE,
            folder=folder,
            mime_types=MIME_TYPES,
            site_config=site_config,
        ),
        encoding="utf-8",
    )
    test = subprocess.run([NGINX, "-t", "-q", "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main)],
                          capture_output=True, text=True)
    assert test.returncode == 0, test.stderr
    server = subprocess.Popen([NGINX, "-p", str(folder), "-e", str(folder / "error.log"), "-c", str(main)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        for _ in range(CONNECT_ATTEMPTS):
            assert server.poll() is None, server.stderr.read().decode()
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
                break
            with contextlib.suppress(subprocess.TimeoutExpired):
                server.wait(0.02)
        yield port
    finally:
        server.terminate()
        server.wait()


def get(port: int, path: str, **headers: str) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One GET without following redirects: status, headers, body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()
