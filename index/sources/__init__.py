"""Source files -> Articles: find the files to read, then read each with its format's reader.

``discover`` walks files and folders and says up front which files it skips and
why; ``read_path`` reads one file into its articles or raises a
:class:`~index.errors.SourceError` with a one-line reason, never anything else.
One module per format: ``text``, ``markdown``, ``html``, ``jsonfile``, ``feed``;
what they share is in ``common`` (dates, titles, ids) and ``raw`` (bytes, limits,
decoding).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from index.errors import SourceError
from index.models import Article
from index.sources import feed, html, jsonfile, markdown, text
from index.sources.raw import check_regular_file
from index.text import is_utf8, visible

__all__ = ["SUPPORTED_SUFFIXES", "discover", "format_suffix", "read_path"]

Reader = Callable[[Path], list[Article]]

_READERS: dict[str, Reader] = {
    **dict.fromkeys(text.SUFFIXES, text.read),
    **dict.fromkeys(markdown.SUFFIXES, markdown.read),
    **dict.fromkeys(html.SUFFIXES, html.read),
    **dict.fromkeys(jsonfile.SUFFIXES, jsonfile.read),
    **dict.fromkeys(feed.SUFFIXES, feed.read),
}

SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_READERS)
"""Lower-case suffixes read as articles; each may also be gzipped (``page.html.gz``)."""

NOT_ARTICLES = ("readme", "license", "licence", "changelog", "copying", "contributing", "authors",
                "notice", "code_of_conduct", "manifest")  # fmt: skip
"""File names (before the first dot, any case) that a folder walk skips as not articles."""


def format_suffix(path: Path) -> str:
    """The suffix that decides the reader: ``.html`` for both ``a.html`` and ``a.html.gz``."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def discover(paths: Iterable[str | Path]) -> Iterator[Path | SourceError]:
    """Each file to read under ``paths``, in sorted order, and a SourceError per skipped file.

    Folders are walked recursively; hidden files and folders inside them are
    ignored silently, and so are folder symlinks that loop. A file named on its
    own is always tried if its type is supported, even a README. Never raises
    for a bad path: missing, special or oversized files come back as SourceErrors.
    """
    for given in paths:
        path = Path(given)
        if not is_utf8(str(path)):
            yield _not_utf8(path)
            continue
        try:
            is_dir = path.is_dir()
        except OSError as error:
            yield SourceError(str(path), f"cannot open ({error.strerror or error})")
            continue
        if is_dir:
            yield from _walk(path, set())
        else:
            yield _check_file(path, in_folder=False)


def _walk(top: Path, visited: set[tuple[int, int]]) -> Iterator[Path | SourceError]:
    """Files under ``top`` depth-first in name order, never entering a folder twice.

    Iterative (a folder tree thousands of levels deep is walked, not a RecursionError),
    and folders are told apart by device and inode, one ``stat`` each, so the cost
    grows with the number of folders, not with their depth.
    """
    stack: list[Iterator[os.DirEntry[str]]] = []
    pending: list[Path] = [top]
    while pending or stack:
        if pending:
            folder = pending.pop()
            try:
                info = os.stat(folder)
            except OSError as error:
                yield SourceError(str(folder), f"cannot open folder ({error.strerror or error})")
                continue
            key = (info.st_dev, info.st_ino)
            if key in visited:
                continue
            visited.add(key)
            try:
                entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
            except OSError as error:
                yield SourceError(str(folder), f"cannot list folder ({error.strerror or error})")
                continue
            stack.append(iter(entries))
            continue
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if not is_utf8(entry.name):  # a folder once, not each file under it
            yield _not_utf8(path)
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            pending.append(path)
        else:
            yield _check_file(path, in_folder=True)


NOT_UTF8 = "name is not UTF-8 (rename it to add it)"


def _not_utf8(path: Path) -> SourceError:
    """The skip for a name the store and the index cannot hold (SQLite and Whoosh take
    UTF-8 only), shown with each foreign byte as ``\\xNN``."""
    return SourceError(visible(str(path)), NOT_UTF8)


def _check_file(path: Path, *, in_folder: bool) -> Path | SourceError:
    """``path`` if it is worth reading, else a SourceError saying why not."""
    try:
        check_regular_file(path)
    except SourceError as error:
        return error
    suffix = format_suffix(path)
    if in_folder and path.name.split(".", 1)[0].lower() in NOT_ARTICLES:
        return SourceError(str(path), "not an article (project or licence file)")
    if suffix not in SUPPORTED_SUFFIXES:
        kind = f"({suffix})" if suffix else "(no file extension)"
        return SourceError(str(path), f"unsupported file type {kind}")
    return path


def read_path(path: Path) -> list[Article]:
    """Read one file into its Articles (a feed or JSON Lines file gives many).

    Raises SourceError (file and one-line reason) when nothing usable can be read;
    no other exception escapes, whatever the file holds.
    """
    try:
        resolved = Path(path).resolve()
    except (OSError, RuntimeError) as error:
        raise SourceError(str(path), f"cannot resolve path ({error})") from None
    check_regular_file(resolved)
    reader = _READERS.get(format_suffix(resolved))
    if reader is None:
        raise SourceError(str(resolved), f"unsupported file type ({format_suffix(resolved)})")
    try:
        articles = reader(resolved)
    except SourceError:
        raise
    except RecursionError:
        raise SourceError(str(resolved), "unreadable (nested too deeply)") from None
    except Exception as error:  # the promise: a named reason, never a traceback
        raise SourceError(str(resolved), f"unreadable ({type(error).__name__}: {error})") from error
    if not articles:
        raise SourceError(str(resolved), "no article text found")
    return articles
