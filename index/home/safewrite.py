"""Failed index writes leave nothing behind, and a full disk is said plainly.

A Whoosh writer that fails (typically ``OSError: [Errno 28] No space left on
device`` while it spills its posting pool or writes the new segment) keeps its
temporary files, its half-written segment and a temporary table of contents on
disk: on a full disk those files keep the disk full. :func:`abandon` cancels
the writer and removes every file the last committed table of contents does
not name. :func:`storage_error` turns a full disk (from Whoosh or SQLite) into
a one-line :class:`~index.errors.StorageError`.
"""

from __future__ import annotations

import errno
import re
import sqlite3
from contextlib import suppress
from typing import Any

from whoosh.index import TOC, clean_files

from index.errors import StorageError

DISK_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})


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


def storage_error(error: BaseException, where: str) -> StorageError | None:
    """The one-line error for a failed write to ``where``, or None if it is not a storage fault."""
    if is_disk_full(error):
        return StorageError(
            f"disk full while writing {where}; nothing from this batch was kept "
            "(free some space and run the command again)"
        )
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
