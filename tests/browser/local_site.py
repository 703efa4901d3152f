"""Serve a built site from 127.0.0.1 with a real nginx and the configuration ``invoke web-config`` writes.

So the browser sees what a reader of the public server sees: the Content-Security-Policy
and the other security headers, the types, the precompressed bodies, the site's 404 page
with status 404. The configuration is made from the content the site was built from, by
the same functions the task calls (``check_content``, then ``web_config``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from nginxserver import free_port, require_nginx, running_nginx

from newsroom.tools.check import check_content
from newsroom.tools.webconfig import web_config

from helpers import SETTINGS


@contextmanager
def serve(content: Path, output: Path, folder: Path) -> Iterator[str]:
    """nginx serving ``output`` (built from ``content``) on a free port; yields the base URL without a trailing slash.

    ``folder`` takes the configuration, nginx's pid file, logs and temporary files.
    """
    require_nginx()
    check = check_content(str(SETTINGS), str(content))
    assert not check.errors, "\n".join(map(str, check.errors))
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "presse.conf"
    config.write_text(web_config(check, str(output), f"127.0.0.1:{port}"), encoding="utf-8")
    with running_nginx(folder / "nginx", config, port):
        yield f"http://127.0.0.1:{port}"
