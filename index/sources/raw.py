"""Bytes from disk, safely: size limits, gzip, binary detection and text decoding.

Every reader starts here so that the same rules (and the same one-line reasons)
apply to every format: a FIFO is never opened, a gzip bomb is cut off, a 20 MB
file is read in well under a second, and a stray Latin-1 byte never loses an
article.
"""

from __future__ import annotations

import codecs
import stat
import zlib
from pathlib import Path

from index.errors import SourceError

MIB = 1024 * 1024
MAX_FILE_BYTES = 32 * MIB
"""Files larger than this (on disk, or once decompressed) are refused."""

SNIFF_BYTES = 64 * 1024
"""How much of a file charset detection and the binary check look at."""

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_WIDE_ENCODINGS = ("utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
_ASCII = bytes(range(128))
_NOT_CONTROL = bytes(byte for byte in range(256) if byte >= 32 or byte in (9, 10, 12, 13, 27))


def too_large_reason(size: int) -> str:
    """The reason given for a file over the size limit."""
    return f"too large ({size / MIB:.0f} MiB > {MAX_FILE_BYTES // MIB} MiB)"


def check_regular_file(path: Path) -> int:
    """Return the file's size; raise SourceError if it is missing, special or too large."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise SourceError(str(path), "no such file or directory") from None
    except PermissionError:
        raise SourceError(str(path), "permission denied") from None
    except OSError as error:
        raise SourceError(str(path), f"cannot read ({error.strerror or error})") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(str(path), "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise SourceError(str(path), too_large_reason(info.st_size))
    return info.st_size


def read_bytes(path: Path) -> bytes:
    """The file's bytes, gunzipped when it ends in ``.gz``; never more than the limit."""
    size = check_regular_file(path)
    if size == 0:
        raise SourceError(str(path), "empty file")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except PermissionError:
        raise SourceError(str(path), "permission denied") from None
    except OSError as error:
        raise SourceError(str(path), f"cannot read ({error.strerror or error})") from None
    if path.suffix.lower() == ".gz":
        data = _gunzip(path, data)
    if not data.strip():
        raise SourceError(str(path), "empty file")
    return data


def _gunzip(path: Path, data: bytes) -> bytes:
    """Decompress gzip data, refusing corrupt streams and anything over the limit."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, MAX_FILE_BYTES + 1)
    except zlib.error:
        raise SourceError(str(path), "not a valid gzip file") from None
    if len(out) > MAX_FILE_BYTES:
        raise SourceError(str(path), f"too large when decompressed (> {MAX_FILE_BYTES // MIB} MiB)")
    if not decompressor.eof:
        raise SourceError(str(path), "truncated gzip file")
    return out


def bom_encoding(data: bytes) -> str | None:
    """The encoding named by a byte-order mark at the start of ``data``, if any."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def wide_encoding(sample: bytes) -> str | None:
    """UTF-16/32 without a BOM: the encoding under which ``sample`` reads as text."""
    nuls = sample.count(b"\x00")
    if nuls < len(sample) // 8:
        return None  # text in UTF-16/32 (Latin script, markup) is full of NUL bytes
    odd = sample[1::2].count(b"\x00")
    if not (odd > nuls * 0.9 or odd < nuls * 0.1 or nuls > len(sample) // 2):
        return None  # NULs of wide text fall on one side of each code unit
    for encoding in _WIDE_ENCODINGS:
        width = 4 if "32" in encoding else 2
        chunk = sample[: len(sample) - len(sample) % width]
        try:
            text = chunk.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text and _printable_ratio(text) > 0.95:
            return encoding
    return None


def _printable_ratio(text: str) -> float:
    """Share of characters that are printable or ordinary whitespace."""
    good = sum(1 for char in text if char.isprintable() or char in "\n\r\t\f")
    return good / len(text)


def is_binary(data: bytes) -> bool:
    """True when ``data`` is not text: more than a stray NUL byte (outside UTF-16/32), or
    mostly control bytes."""
    sample = data[:SNIFF_BYTES]
    if bom_encoding(sample) or wide_encoding(sample):
        return False
    controls = len(sample.translate(None, _NOT_CONTROL))
    nuls = sample.count(b"\x00")
    if nuls:
        # A stray NUL or two in otherwise clean text is noise (removed later); one in a
        # file's first bytes (a magic number) or among other control bytes is binary.
        return (
            b"\x00" in sample[:16]
            or nuls > max(2, len(sample) // 1000)
            or controls - nuls > len(sample) * 0.01
        )
    return controls > len(sample) * 0.1


def decode(data: bytes, path: Path) -> str:
    """Bytes to text: BOM, then UTF-8, then detected charset, then Latin-1.

    Raises SourceError for binary data. A file that is UTF-8 but for a stray byte
    or two (the BBC corpus has one) is decoded by detection or as Latin-1 rather
    than lost.
    """
    if is_binary(data):
        raise SourceError(str(path), "binary file, not text")
    encoding = bom_encoding(data) or wide_encoding(data[:SNIFF_BYTES])
    if encoding:
        text = data.decode(encoding, errors="replace")
        return text[1:] if text.startswith("\ufeff") else text
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    return data.decode(_detect_charset(data), errors="replace")


def _detect_charset(data: bytes) -> str:
    """Best-guess charset for non-UTF-8 text (cp1252 when unsure).

    Mostly-ASCII text with a few high bytes is Western European: detectors guess
    wildly there (a lone 0xA3 "£" in English reads as Shift-JIS to them), so only
    text with many high bytes is handed to charset detection.
    """
    sample = data[:SNIFF_BYTES]
    high = len(sample.translate(None, _ASCII))
    if high < len(sample) * 0.1 or high < FEW_HIGH_BYTES:
        return "cp1252"
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(sample).best()
    except Exception:  # detection is a nicety; any failure falls back below
        best = None
    if best is None or not best.encoding or best.encoding.startswith("utf"):
        return "cp1252"
    if best.encoding.replace("-", "_") in LATIN_NEIGHBOURS and high < MANY_HIGH_BYTES:
        return "cp1252"  # a few accents tell Western from Central European poorly
    return _widen_latin(best.encoding)


FEW_HIGH_BYTES = 16
"""Below this many non-ASCII bytes a text is taken as Western European (cp1252): detectors
read "cr\\xe8me" as Central European or Arabic."""
MANY_HIGH_BYTES = 400
"""Below this many, a detector's choice of another Latin code page is not trusted."""
LATIN_NEIGHBOURS = frozenset(
    {
        "cp1250", "cp1257", "cp1254", "cp1258", "iso8859_2", "iso8859_3", "iso8859_4",
        "iso8859_9", "iso8859_10", "iso8859_13", "iso8859_14", "iso8859_15", "iso8859_16",
        "latin_1", "mac_latin2", "mac_roman", "cp850", "cp852", "cp437",
    }
)  # fmt: skip


def _widen_latin(encoding: str) -> str:
    """Prefer cp1252 over latin-1: same printable range plus curly quotes and dashes."""
    return "cp1252" if encoding.replace("_", "-") in ("latin-1", "iso8859-1", "ascii") else encoding
