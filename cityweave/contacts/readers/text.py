"""Bytes to text: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), Windows-1252 or
Latin-1 as the fallback; line endings (CRLF, CR) become LF."""

from __future__ import annotations

import codecs

from .records import ReadError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _line_of(data: bytes, position: int, newline: bytes = b"\n") -> int:
    """The 1-based line holding byte `position` of `data`."""
    return data.count(newline, 0, position) + 1


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM: mostly NUL bytes on one side of each pair (ASCII text). Codec or None."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) // 2
    if odd_nuls > 0.8 * half and even_nuls == 0:
        return "utf-16-le"
    if even_nuls > 0.8 * half and odd_nuls == 0:
        return "utf-16-be"
    return None


def decode(data: bytes) -> str:
    """Decode a text file's bytes and normalise its line endings to LF.

    A BOM decides (UTF-8, UTF-16 LE/BE, UTF-32); otherwise UTF-8, then BOM-less UTF-16 of mostly
    ASCII text, then Windows-1252, then Latin-1 (which reads any byte). The BOM is dropped.
    Raises ReadError naming the line when a file that declares UTF-16/32 by its BOM is broken.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom) :]
            try:
                text = body.decode(codec)
            except UnicodeDecodeError as error:
                unit = "\n".encode(codec)
                raise ReadError(
                    f"the file starts as {codec.upper()} but is not valid {codec.upper()} "
                    f"({error.reason})",
                    line=_line_of(body, error.start, unit),
                ) from None
            return normalise_newlines(text)
    try:
        return normalise_newlines(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    utf16 = _looks_utf16(data)
    if utf16:
        try:
            return normalise_newlines(data.decode(utf16))
        except UnicodeDecodeError:
            pass
    try:
        return normalise_newlines(data.decode("cp1252"))
    except UnicodeDecodeError:
        return normalise_newlines(data.decode("latin-1"))


def normalise_newlines(text: str) -> str:
    """CRLF and lone CR become LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
