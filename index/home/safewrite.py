"""Failed index writes leave nothing behind, and a full disk is said plainly.

A Whoosh writer that fails (typically ``OSError: [Errno 28] No space left on
device`` while it spills its posting pool or writes the new segment) keeps its
temporary files, its half-written segment and a temporary table of contents on
disk: on a full disk those files keep the disk full. :func:`abandon` cancels
the writer and removes every file the last committed table of contents does
not name. :func:`storage_error` turns storage trouble (from Whoosh, SQLite or
the file system) into a one-line :class:`~index.errors.StorageError` that names
the real cause: a full disk, a read-only file system or a missing permission,
never "damaged" (``recover`` on a full disk would set a healthy library aside).
"""

from __future__ import annotations

import errno
import os
import re
import sqlite3
from contextlib import suppress
from pathlib import Path
from typing import Any

from whoosh.index import TOC, clean_files

from index.errors import StorageError
from index.paths import why_unwritable

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
CANNOT_WRITE_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
CANNOT_WRITE_SQLITE = ("readonly database", "unable to open database file", "disk I/O error")
"""What SQLite says when its folder cannot be written (read-only, full, no permission);
taken as storage trouble only when the folder itself says so (see ``why_unwritable``)."""


def is_disk_full(error: BaseException | None) -> bool:
    """True if ``error`` (or what caused it) is a full disk or an exceeded quota."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError) and error.errno in DISK_FULL_ERRNOS:
            return True
        if isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def storage_error(
    error: BaseException, where: str, folder: Path | None = None
) -> StorageError | None:
    """The one-line error for a failed write to ``where`` (in ``folder``), or None if it is
    not a storage fault.

    A full disk is said as such; so is a read-only file system or a folder
    without write permission, found from the error's own file name or from
    ``folder``: the cause is looked up on the folder, since SQLite reports all
    three as ``disk I/O error`` or ``readonly database``.
    """
    if is_disk_full(error):
        return StorageError(
            f"disk full while writing {where}; nothing from this batch was kept "
            "(free some space and run the command again)"
        )
    cause = _cannot_write(error, folder)
    if cause is None:
        return None
    return StorageError(f"cannot write {where}: {cause}; nothing was changed")


def _cannot_write(error: BaseException, folder: Path | None) -> str | None:
    """Why the write failed, if it failed because the storage cannot be written."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in CANNOT_WRITE_ERRNOS:
            name = current.filename
            place = Path(os.fsdecode(name)).parent if isinstance(name, str | bytes) else folder
            cause = why_unwritable(place) if place is not None else None
            return cause or f"{(current.strerror or str(current)).lower()} ({name or folder})"
        if (
            isinstance(current, sqlite3.OperationalError)
            and folder is not None
            and any(text in str(current) for text in CANNOT_WRITE_SQLITE)
        ):
            return why_unwritable(folder)
        current = current.__cause__ or current.__context__
    return None


def abandon(writer: Any) -> None:
    """Cancel a failed writer and delete the files it left; never raises.

    The uncommitted files are deleted first, while the writer still holds
    Whoosh's write lock, so no other writer's files can be taken for ours.
    """
    with suppress(Exception):
        clean_uncommitted(writer.storage, writer.indexname)
    with suppress(Exception):
        writer.cancel()
    with suppress(Exception):
        writer.pool.cleanup()
    with suppress(Exception):
        writer._tempstorage.destroy()
    lock = getattr(writer, "writelock", None)
    if lock is not None:
        with suppress(Exception):
            lock.release()
    writer.is_closed = True
    with suppress(Exception):  # closing the segment may have created files
        clean_uncommitted(writer.storage, writer.indexname)


def clean_uncommitted(storage: Any, indexname: str) -> None:
    """Delete segment files and temporary TOCs that the latest committed TOC does not name."""
    if not hasattr(storage, "folder"):
        return  # RamStorage: nothing outlives the process
    toc = TOC.read(storage, indexname)
    clean_files(storage, indexname, toc.generation, toc.segments)
    temporary = re.compile(rf"^_{re.escape(indexname)}_[0-9]+\.toc\..+$")
    for name in list(storage):
        if temporary.match(name):
            with suppress(OSError):
                storage.delete_file(name)
