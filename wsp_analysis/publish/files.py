"""One lock and one atomic swap, for everything the package replaces: report folders and data files.

- `lock(path)`: an exclusive lock held through a lock file (filelock: flock on POSIX, LockFileEx on
  Windows; the operating system releases it when the holder dies, so a killed run never leaves it
  held). The lock file is never followed through a symbolic link.
- `swap_in(staging, final)`: publish a complete folder at `final`. On Linux the two folders are
  exchanged in one call (renameat2 with RENAME_EXCHANGE), so a reader finds the old complete folder or
  the new one, never nothing. Elsewhere (or where the file system refuses the exchange) the old folder
  is first renamed aside to `.<name>.old-<pid>`, and `recover` puts it back if a run died in between.
- `recover(final)`: what a killed run left beside `final`, put right under the lock before the next run
  of the same period: the old report restored when `final` is missing, leftover staging and old
  folders removed. Only names this module makes are touched.
- `write_file(path, data)`: replace one file through a temporary file beside it and a rename.
"""
from __future__ import annotations

import contextlib
import ctypes
import errno
import logging
import os
import re
import shutil
import stat
import sys
import tempfile
from pathlib import Path

import filelock

from wsp_analysis.errors import UsageError

log = logging.getLogger("wsp_analysis")

_AT_FDCWD, _RENAME_EXCHANGE = -100, 2  # from <fcntl.h> and <linux/fs.h>
_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV}


def checkpoint(step: str) -> None:
    """Marks a step of a run or a swap ("staged", "executed", "written", "exchanged", "moved-aside",
    "moved-in"). Does nothing; the crash tests replace it to kill the process at a named step."""


def refuse_link(path: Path, what: str) -> None:
    """UsageError when `path` is a symbolic link (or, for a file, anything but a regular file): the
    package never writes through a link, and never removes one it did not make."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise UsageError(f"{path}: the {what} is a symbolic link; it is never followed. Remove the link "
                         "(not what it points to) and run again")
    if what.endswith("file") and not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{path}: the {what} is not a regular file; remove it and run again")


@contextlib.contextmanager
def lock(path: Path, what: str = "lock file"):
    """Hold an exclusive lock on `path` (created if missing, kept afterwards); a second holder waits,
    logging one line while it does. Raises UsageError when `path` is a symbolic link or not a file,
    OSError when it cannot be created (a read-only folder)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    refuse_link(path, what)
    # filelock >= 3.20.1 also opens with O_NOFOLLOW, so a link planted after the check above fails too.
    held = filelock.FileLock(str(path), is_singleton=False)
    try:
        held.acquire(timeout=0)
    except filelock.Timeout:
        log.info("waiting: another run holds %s", path)
        held.acquire()
    try:
        yield
    finally:
        held.release()


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one system call (Linux renameat2 with RENAME_EXCHANGE). False, with
    nothing changed, where the platform, C library or file system does not support it."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2  # glibc 2.28+, musl 1.2.4+
    except (AttributeError, OSError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in _UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err), str(b))


def staging_dir(final: Path) -> Path:
    """A new, empty, readable folder `.<name>.staging-XXXXXXXX` beside `final`, to build a report in."""
    staging = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; a published report is readable like any folder
    return staging


def _remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


def swap_in(staging: Path, final: Path) -> None:
    """Publish the complete folder `staging` at `final`, replacing what was there; `staging` is gone
    afterwards. A reader of `final` sees the old folder or the new one: atomically on Linux; elsewhere
    `final` is missing for the moment between two renames, and `recover` repairs a run killed there.
    Raises UsageError when `final` is a link or a file (never replaced), OSError when a rename fails (the
    old folder is back in place)."""
    refuse_link(final, "report folder")
    if os.path.lexists(final) and not final.is_dir():
        raise UsageError(f"{final}: is a file, not a report folder; remove it and run again")
    if not final.exists():
        os.rename(staging, final)
        checkpoint("moved-in")
        return
    if exchange(staging, final):
        checkpoint("exchanged")
        _remove(staging)  # the old report, now at the staging path
        return
    backup = final.with_name(f".{final.name}.old-{os.getpid()}")
    os.rename(final, backup)
    checkpoint("moved-aside")
    try:
        os.rename(staging, final)
    except OSError:
        os.rename(backup, final)
        raise
    checkpoint("moved-in")
    _remove(backup)


def _leftovers(final: Path, kind: str) -> list[Path]:
    """Folders beside `final` named as swap_in and staging_dir name them, made by this account; links
    and anything else with a similar name are left alone."""
    pattern = re.compile(re.escape(f".{final.name}.") + (r"old-\d+" if kind == "old" else r"staging-[a-z0-9_]{8}"))
    found = []
    for p in final.parent.iterdir() if final.parent.is_dir() else []:
        if not pattern.fullmatch(p.name):
            continue
        st = os.lstat(p)
        if stat.S_ISDIR(st.st_mode) and (not hasattr(os, "getuid") or st.st_uid == os.getuid()):
            found.append(p)
    return sorted(found, key=lambda p: os.lstat(p).st_mtime)


def recover(final: Path) -> list[str]:
    """Put right what a killed run left beside `final` (call it holding the period's lock): when `final`
    is missing, the newest `.<name>.old-<pid>` (the previous complete report, renamed aside) goes back;
    every other old folder and every `.<name>.staging-*` folder is removed. Returns one line per action,
    also logged."""
    done = []
    olds = _leftovers(final, "old")
    if olds and not os.path.lexists(final):
        os.rename(olds[-1], final)
        done.append(f"restored {final} from {olds.pop().name}, left by a run that stopped mid-swap")
    for p in olds + _leftovers(final, "staging"):
        _remove(p)
        done.append(f"removed {p}, left by a run that stopped")
    for line in done:
        log.info("%s", line)
    return done


def write_file(path: Path, data: bytes) -> None:
    """Replace the file `path` with `data` through a temporary file beside it and a rename, so a reader
    finds the old bytes or the new ones, never half; keeps `path`'s permissions. Raises OSError."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
