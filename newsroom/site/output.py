"""Last stage: build into a fresh directory beside the target and swap it in on success.

Guarantee: whatever happens to a build (bad content, a crash, ``kill -9``),
the target folder is either the complete previous site or the complete new
one; there is never a half-written site. Pelican writes into
``<output>.staging-*``; only when every stage has finished is that folder
exchanged with the target:

* on Linux with ``renameat2(RENAME_EXCHANGE)`` (glibc 2.28+, ext4, xfs,
  btrfs, tmpfs and most others) the exchange is one atomic system call: a
  web server serving the folder by name sees the old tree or the new one,
  never a gap;
* elsewhere two renames (target → ``<output>.retired``, staging →
  target) leave a gap of microseconds in which the target name does not
  exist. A crash inside that gap leaves the old site as ``.retired``, and
  the next build puts it back before it starts.

A file whose bytes are the same as in the previous site is not written again:
``StagedOutput.place`` hardlinks the previous file into the staging folder, so it
keeps its inode and modification time (rsync, web caches and backups see no
change) and the previous site is only ever read. A staged file may therefore
share its inode with the live one: files are never opened for writing in
place, ``place`` replaces them.

A failed build removes its staging folder on the way out; leftovers of
killed builds are removed when the next build starts. One build per output
folder runs at a time: a second one waits on a lock (``flock`` on the parent
folder, so that nothing is left beside the output) rather than delete the
first one's staging folder. The kernel releases the lock when the build's
process ends, even by ``kill -9``: no forked worker keeps its descriptor
(and workers die with their build, ``newsroom.processes``).

Faults of the machine rather than the project (a full disk or quota, no
permission, a read-only or busy file system) stop the build with one line,
``OutputFault``: what failed, the path, what to do. An output folder that is
a mount point (a container volume) cannot be renamed, so it is refused
before anything is done. Not covered: a power cut, since files are not fsync'ed.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import glob
import logging
import os
import shutil
import stat
import tempfile
import weakref

from ..errors import display_path

STAGING_MARK = ".staging-"
RETIRED_SUFFIX = ".retired"
# A previous site with more files than this is removed in the background.
BACKGROUND_DISCARD_FROM = 2000
MAX_INHERITED_FD = 65536
OUTPUT_MODE = 0o755
DRAFTS_MARK = ".newsroom-drafts-preview"
DRAFTS_MARK_TEXT = b"Drafts preview (invoke preview --drafts): holds drafts and embargoed releases; never publish it.\n"
AT_FDCWD = -100
RENAME_EXCHANGE = 2
# renameat2 errors that mean "not supported here" rather than "failed".
EXCHANGE_UNSUPPORTED = (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV)
OTHER_OUTPUT = "or build into another folder (pelican -o)"
# Errors of the machine rather than of the project, and what to do about each.
FAULT_ADVICE = {
    errno.ENOSPC: "the disk is full; free space on it and build again",
    errno.EDQUOT: "the disk quota is used up; free space or have the quota raised, and build again",
    errno.EFBIG: "the file is larger than the file system or the file size limit (ulimit -f) allows; raise the limit",
    errno.EACCES: f"let the user running the build write there, {OTHER_OUTPUT}",
    errno.EPERM: f"let the user running the build write there, {OTHER_OUTPUT}",
    errno.EROFS: f"the file system is read-only; mount it writable, {OTHER_OUTPUT}",
    errno.EBUSY: f"the path is in use (a mount point?); unmount it or end what uses it, {OTHER_OUTPUT}",
}

logger = logging.getLogger(__name__)


def _load_renameat2():
    try:
        return ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return None


_renameat2 = _load_renameat2()


def exchange(first: str, second: str) -> bool:
    """Atomically swap two existing paths; False where the system cannot."""
    if _renameat2 is None:
        return False
    result = _renameat2(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in EXCHANGE_UNSUPPORTED:
        return False
    raise OSError(code, os.strerror(code), first, None, second)


def describe(error: OSError) -> str:
    """What failed and on which path, from an OSError: ``No space left on device [ENOSPC]: '/srv/…/index.html'``."""
    text = f"{error.strerror or error} [{errno.errorcode.get(error.errno, error.errno)}]"
    if error.filename is not None:
        text += f": {os.fsdecode(error.filename)!r}"
    if error.filename2 is not None:
        text += f" → {os.fsdecode(error.filename2)!r}"
    return text


def is_fault(error: BaseException) -> bool:
    """Whether ``error`` is a failure of the machine (disk, permissions, mounts) that ``FAULT_ADVICE`` explains."""
    return isinstance(error, OSError) and error.errno in FAULT_ADVICE


class OutputFault(SystemExit):
    """The build could not write (disk full, no permission, read-only or busy): one line, exit status 1.

    A ``SystemExit`` for the reason ``ContentErrors`` is one: Pelican's
    command line prints a traceback for any ``Exception``, and an operator
    needs what failed, where, and what to do, not a stack.
    """

    def __init__(self, message: str):
        super().__init__(f"Build failed: {message}")

    @classmethod
    def from_error(cls, error: OSError) -> OutputFault:
        return cls(f"{describe(error)}; {FAULT_ADVICE[error.errno]}. The published site was not changed.")


class SwallowedWriteFaults(logging.Filter):
    """Raise the write failures Pelican only logs, so that they stop the build.

    Pelican copies static files (the releases' images) with
    ``pelican.utils.copy_file``, which logs a failed copy as a warning and
    carries on: a full disk would publish a site with images cut off. This
    filter, on Pelican's ``pelican.utils`` logger, raises the logged OSError
    again when it is a fault; other records pass. (With ``pelican --quiet``
    the warning is never formed and the filter does not run.)
    """

    def filter(self, record: logging.LogRecord) -> bool:
        for value in record.args if isinstance(record.args, tuple) else ():
            if is_fault(value):
                raise value
        return True


def discard(path: str) -> None:
    """Remove a leftover folder, file or symlink (never following the link).

    Asks first: on a read-only file system, removing what is not there fails
    with EROFS rather than ENOENT. Only the build holding the lock removes.
    """
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        os.unlink(path)


def file_count_above(path: str, limit: int) -> bool:
    """Whether the tree at ``path`` holds more than ``limit`` files (stops counting there)."""
    count = 0
    for _, _, files in os.walk(path):
        count += len(files)
        if count > limit:
            return True
    return False


def discard_retired(path: str) -> None:
    """Remove the previous site; a large one in a detached process, so the build need not wait.

    Freeing a file's blocks is slow where the file system trims on delete
    (ext4 mounted with ``discard``: about 2 ms a file), and an archive site
    has tens of thousands of files. The new site is already in place, so
    nothing depends on when the old one is gone; a removal that dies halfway
    is finished by the next build, which discards every ``.staging-*`` leftover.
    """
    if not file_count_above(path, BACKGROUND_DISCARD_FROM):
        discard(path)
        return
    child = os.fork()
    if child == 0:
        try:
            if os.fork() == 0:  # the grandchild is nobody's child: it never becomes a zombie
                os.setsid()
                quiet = os.open(os.devnull, os.O_RDWR)
                for stream in (0, 1, 2):
                    os.dup2(quiet, stream)
                os.closerange(3, MAX_INHERITED_FD)  # the output lock, and pipes a caller waits on
                discard(path)
        finally:
            os._exit(0)
    os.waitpid(child, 0)


def same_bytes(path: str, data: bytes) -> bool:
    """Whether ``path`` is a regular file (not a link) holding exactly ``data``."""
    try:
        status = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return False
    if not stat.S_ISREG(status.st_mode) or status.st_size != len(data):
        return False
    with open(path, "rb") as handle:
        return handle.read() == data


def replace_with_link(previous: str, path: str) -> bool:
    """Hardlink ``previous`` at ``path``; False where the file system cannot (another device, no links)."""
    if os.path.lexists(path):
        os.unlink(path)
    try:
        os.link(previous, path, follow_symlinks=False)
    except OSError:
        return False
    return True


def replace_with_bytes(path: str, data: bytes) -> None:
    """Write ``data`` as a new file at ``path``; an existing file (maybe a link to the live site) is replaced, never changed."""
    if os.path.lexists(path):
        os.unlink(path)
    with open(path, "xb") as handle:
        handle.write(data)


class StagedOutput:
    """Redirects Pelican's output into a staging directory for one build."""

    # A flock lasts while any process keeps its open file, and a forked worker
    # inherits it: one that outlived a killed build would block every later
    # build. No forked child of a build keeps a lock's descriptor.
    holding_locks: weakref.WeakSet[StagedOutput] = weakref.WeakSet()

    def __init__(self) -> None:
        self.target: str | None = None
        self.staging: str | None = None
        self.made_folders: set[str] = set()  # of the staging folder, by ``link_previous``
        self.lock_fd: int | None = None

    @classmethod
    def forget_locks_in_child(cls) -> None:
        for output in list(cls.holding_locks):
            output._unlock()

    def _staging_leftovers(self) -> list[str]:
        parent, name = os.path.split(self.target)
        return sorted(glob.glob(os.path.join(parent, glob.escape(name) + STAGING_MARK + "*")))

    def _lock(self, parent: str) -> None:
        self._unlock()
        self.lock_fd = os.open(parent, os.O_RDONLY)
        self.holding_locks.add(self)
        try:
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            logger.warning("Another build is writing to %s; waiting for it to finish", self.target)
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX)

    def _unlock(self) -> None:
        """Close the lock's descriptor (never ``LOCK_UN``: a forked child shares the open file, and would unlock the build)."""
        if self.lock_fd is not None:
            os.close(self.lock_fd)
            self.lock_fd = None

    @contextlib.contextmanager
    def failing_cleanly(self):
        """Around the whole build: a failed build leaves no staging folder, a fault of the machine no traceback."""
        try:
            yield
        except BaseException as error:
            self.abandon()
            if is_fault(error):
                raise OutputFault.from_error(error) from None
            raise

    def start(self, pelican) -> None:
        self.target = os.path.abspath(pelican.output_path)
        if os.path.ismount(self.target):
            raise OutputFault(
                f"the output folder {display_path(self.target)!r} is a mount point, which the build cannot swap "
                "for the new site; mount the folder above it instead, or build into a folder inside it "
                f"(pelican -o {display_path(self.target)}/site) and serve that"
            )
        parent, name = os.path.split(self.target)
        os.makedirs(parent, exist_ok=True)
        self._lock(parent)
        retired = self.target + RETIRED_SUFFIX
        if os.path.lexists(retired) and not os.path.lexists(self.target):
            # The fallback swap was interrupted between its two renames;
            # .retired is only ever deleted while the target exists, so it is whole.
            os.rename(retired, self.target)
        for leftover in [retired, *self._staging_leftovers()]:
            discard(leftover)
        self.staging = tempfile.mkdtemp(prefix=name + STAGING_MARK, dir=parent)
        os.chmod(self.staging, OUTPUT_MODE)
        pelican.output_path = self.staging

    def previous(self, path: str) -> str | None:
        """The file at ``path``'s place in the live site, for a path inside the staging folder."""
        if not self.staging or not self.target:
            return None
        inside = self.staging + os.sep
        if path.startswith(inside) and os.path.normpath(path) == path:  # every page's path: no relpath needed
            return os.path.join(self.target, path[len(inside):])
        relative = os.path.relpath(os.path.abspath(path), self.staging)
        if relative.startswith(os.pardir + os.sep) or relative in (os.curdir, os.pardir):
            return None
        return os.path.join(self.target, relative)

    def place(self, path: str, data: bytes) -> None:
        """Write ``data`` at ``path`` in the staging folder, or link the live site's file when it has the same bytes."""
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            previous = self.previous(path)
            if previous and same_bytes(previous, data) and replace_with_link(previous, path):
                return
            replace_with_bytes(path, data)
        except OSError as error:
            if error.filename is None:  # a failed write names no file
                error.filename = path
            raise

    def link_previous(self, path: str) -> bool:
        """Hardlink the live site's file at ``path``'s place into the staging folder; False if it has none."""
        previous = self.previous(path)
        try:
            if not previous or not stat.S_ISREG(os.lstat(previous).st_mode):
                return False
        except OSError:
            return False
        folder = os.path.dirname(path)
        if folder not in self.made_folders:  # each folder once (numbered list pages share theirs)
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as error:
                if error.filename is None:
                    error.filename = path
                raise
            self.made_folders.add(folder)
        return replace_with_link(previous, path)

    def abandon(self) -> None:
        """Drop the staging directory of a failed build."""
        if self.staging:
            discard(self.staging)
        self.staging = None
        self._unlock()

    def swap_in(self, staging: str) -> str | None:
        """Put ``staging`` in the target's place; the folder now holding the previous site, if any is left."""
        if not os.path.lexists(self.target):
            os.rename(staging, self.target)
            return None
        if exchange(staging, self.target):
            return staging  # the exchange left the previous site there
        retired = self.target + RETIRED_SUFFIX
        discard(retired)
        os.rename(self.target, retired)
        try:
            os.rename(staging, self.target)
        except OSError:
            os.rename(retired, self.target)  # the previous site back before the failure is reported
            raise
        discard(retired)
        return None

    def publish(self, pelican) -> None:
        """Swap the finished staging directory in place of the target."""
        if not self.staging:
            return
        previous_site = self.swap_in(self.staging)
        self.staging = None
        pelican.output_path = self.target
        self._unlock()  # before any removal process is forked
        if previous_site:
            discard_retired(previous_site)


    def mark_drafts_preview(self, site: str) -> None:
        """Mark the output of a drafts preview, so that ``invoke publish`` refuses it."""
        self.place(os.path.join(site, DRAFTS_MARK), DRAFTS_MARK_TEXT)


os.register_at_fork(after_in_child=StagedOutput.forget_locks_in_child)
