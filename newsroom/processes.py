"""Worker processes die with their build.

A build forks workers to read sources, draw cards and write pages. When the
build's own process is killed outright (``kill -9``, the OOM killer), nothing
of it runs to stop them: without help they would wait for work forever, or
go on writing into a staging folder the next build removes. Every worker
therefore asks the kernel, first thing, to kill it when its parent dies
(Linux ``prctl(PR_SET_PDEATHSIG)``) and then checks that the parent still
lives, since it may have died before the request was made. The build's
output lock is never held by a worker at all (see ``newsroom.site.output``).
"""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1


def _load_prctl():
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError, TypeError):
        return None  # not Linux: workers outlive a killed build, but hold no lock


_prctl = _load_prctl()


def die_with_parent(parent: int) -> None:
    """Pool initializer (``parent`` is ``os.getpid()`` of the forking build): end with the build.

    The workers must be forked by ``parent`` itself, so that it is their
    direct parent.
    """
    if _prctl is not None:
        _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
