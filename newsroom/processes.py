"""Worker processes die with their build, and share its memory.

A build forks workers to read sources, draw cards and write pages. When the
build's own process is killed outright (``kill -9``, the OOM killer), nothing
of it runs to stop them: without help they would wait for work forever, or
go on writing into a staging folder the next build removes. Every worker
therefore asks the kernel, first thing, to kill it when its parent dies
(Linux ``prctl(PR_SET_PDEATHSIG)``) and then checks that the parent still
lives, since it may have died before the request was made. The build's
output lock is never held by a worker at all (see ``newsroom.site.output``).

A forked worker shares its parent's memory until one of them writes to a
page. The garbage collector writes into the header of every object it walks,
so one full collection in a worker copies and walks the build's whole heap
(some 3 GB at 100,000 releases). Stages therefore fork through
``forked_pool`` and ``forked_executor`` (page writing, with processes of its
own, through ``shared_heap``), which freeze the heap first, as Python's
documentation of ``gc.freeze`` advises.
"""

from __future__ import annotations

import ctypes
import gc
import os
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager

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


@contextmanager
def shared_heap() -> Iterator[None]:
    """Around a stage that forks workers: the objects made so far are walked by no collection, here or in a worker.

    At the end they go back to the oldest generation, so a process that
    builds again and again (the live preview) still frees them.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def forked_pool(workers: int, initializer: Callable[[int], None] = die_with_parent):
    """A ``multiprocessing`` pool of workers forked from this process, sharing its frozen heap.

    ``initializer`` gets this process's id, as ``die_with_parent`` does.
    """
    import multiprocessing  # here: the pre-commit hook imports this module and mostly reads a file or none

    with shared_heap(), multiprocessing.get_context("fork").Pool(
        workers, initializer=initializer, initargs=(os.getpid(),)
    ) as pool:
        yield pool


@contextmanager
def forked_executor(workers: int):
    """A ``concurrent.futures`` pool of workers forked from this process that die with it, sharing its frozen heap."""
    import concurrent.futures
    import multiprocessing

    with shared_heap(), concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent, initargs=(os.getpid(),)
    ) as pool:
        yield pool
