"""One writer per library: an advisory lock on a file in the library home.

``fcntl.flock`` locks belong to the open file, so the kernel drops them when
the holder dies (even by SIGKILL): a lock left by a killed ``add`` can never
block the next one. The holder's pid is written in the file so a waiting
process can say who holds it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from index.errors import LibraryBusyError


class WriteLock:
    """Exclusive write access to one library home."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def holder(self) -> int | None:
        try:
            text = self.path.read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def try_acquire(self) -> bool:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return True

    def acquire(
        self,
        *,
        timeout: float | None = None,
        on_wait: Callable[[int | None], None] | None = None,
    ) -> None:
        """Take the lock, waiting up to ``timeout`` seconds (forever if None)."""
        if self.try_acquire():
            return
        if on_wait is not None:
            on_wait(self.holder())
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.try_acquire():
            if deadline is not None and time.monotonic() >= deadline:
                holder = self.holder()
                who = f" (pid {holder})" if holder else ""
                raise LibraryBusyError(
                    f"the library is busy: another newsreader process{who} is writing to it"
                )
            time.sleep(0.2)

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> WriteLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.release()
