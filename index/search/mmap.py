"""Zero-copy reads of memory-mapped index files (a fix to Whoosh's ``BufferFile``).

Whoosh maps each compound segment file and opens the files inside it as
``BufferFile(memoryview)``, whose ``__init__`` wraps the view in
``io.BytesIO(buf)``: a full *copy* of every term and posting file the moment a
searcher opens. At 100,000 articles that was 1.2 GB of RSS and half a second
before the first search; without mmap (plain file reads) the copies go away
but every term look-up becomes a few seek+read system calls, and related items
took twice the CPU. :class:`MemoryFile` gives ``BufferFile`` the file interface
it needs (read, readline, seek, tell) straight over the view, copying only the
bytes each read returns.

Installed once, from ``index.search.storage``; Whoosh's own tests of this class only
rely on that interface.
"""

from __future__ import annotations

import io
from typing import Any

from whoosh.filedb import structfile

_LINE_CHUNK = 256


class MemoryFile:
    """A read-only file over a buffer (bytes, mmap slice, memoryview), without copying it."""

    __slots__ = ("_pos", "_size", "_view")

    def __init__(self, buffer: Any) -> None:
        self._view = memoryview(buffer)
        self._size = len(self._view)
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._size if size is None or size < 0 else min(self._size, start + size)
        self._pos = end
        return self._view[start:end].tobytes()

    def readline(self, size: int | None = -1) -> bytes:
        limit = self._size if size is None or size < 0 else min(self._size, self._pos + size)
        start = end = self._pos
        while end < limit:
            chunk = self._view[end : min(limit, end + _LINE_CHUNK)].tobytes()
            found = chunk.find(b"\n")
            if found >= 0:
                end += found + 1
                break
            end += len(chunk)
        self._pos = end
        return self._view[start:end].tobytes()

    def __iter__(self) -> MemoryFile:
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence == io.SEEK_CUR:
            offset += self._pos
        elif whence == io.SEEK_END:
            offset += self._size
        self._pos = max(0, offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view = memoryview(b"")
        self._size = self._pos = 0

    def write(self, data: bytes) -> int:
        raise io.UnsupportedOperation("index files are opened read-only")


def _buffer_file_init(
    self: structfile.BufferFile, buf: Any, name: str | None = None, onclose: Any = None
) -> None:
    self._buf = buf
    self._name = name
    self.file = MemoryFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


def install() -> None:
    """Make Whoosh's BufferFile read its buffer in place (idempotent)."""
    structfile.BufferFile.__init__ = _buffer_file_init
