"""Decoding a survey file's bytes: UTF-8, Windows-1252 or UTF-16, one encoding throughout."""

from __future__ import annotations

import codecs
import re
from typing import Final, cast

from jointworking.errors import ResponseFileError

_MIXED: Final = (
    "the file mixes encodings, as when rows saved in another encoding are pasted in; save"
    " the whole file as CSV UTF-8"
)


def _byte_breaks(data: bytes, end: int) -> int:
    """Count the line ends (CRLF, LF or CR) in ``data[:end]``."""
    return data.count(b"\n", 0, end) + data.count(b"\r", 0, end) - data.count(b"\r\n", 0, end)


def _text_breaks(text: str) -> int:
    """Count the line ends (CRLF, LF or CR) in `text`."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _cut(data: bytes | str) -> int:
    """Return where the complete lines of `data` end: after its last line end, or 0.

    A carriage return at the very end is not taken as a line end: a line feed may follow
    it in the next block.
    """
    last = len(data) - 1
    if isinstance(data, str):
        return max(data.rfind("\n"), data.rfind("\r", 0, last)) + 1
    return max(data.rfind(b"\n"), data.rfind(b"\r", 0, last)) + 1


def _line_start(data: bytes, position: int, low: int = 0) -> int:
    """Return where the line holding byte `position` starts (not before `low`)."""
    at = max(data.rfind(b"\n", low, position), data.rfind(b"\r", low, position))
    return at + 1 if at >= 0 else low


_NON_ASCII: Final = re.compile(rb"[\x80-\xff]")
_MULTI_BYTE: Final = re.compile("[^\x00-\x7f\udc80-\udcff]")
"""A character beyond ASCII, in text decoded with ``surrogateescape``: valid UTF-8."""
_ESCAPED: Final = re.compile("[\udc80-\udcff]")
"""A byte that was not UTF-8, in text decoded with ``surrogateescape``."""
_TEXT_BREAK: Final = re.compile("[\r\n]")
_BREAK: Final = re.compile(rb"[\r\n]")


class _Decoder:
    """Decode a file's content, given whole or a block at a time, into text line by line.

    The encoding is found as the file is read. A text stream's text is taken as it is. A
    file that starts with UTF-16's byte order mark is UTF-16. Otherwise the file is
    UTF-8 if it starts with UTF-8's byte order mark, or if its first line holding
    anything but ASCII is valid UTF-8, and Windows-1252 if that line is not; every later
    line must agree. A line that is not valid UTF-8 in a UTF-8 file, or a line (not
    wholly ASCII) that is valid UTF-8 in a Windows-1252 file, means the file mixes
    encodings: an error naming that line, rather than "Café" read as "CafÃ©" on some
    lines.

    :meth:`feed` returns the text of the lines completed so far and keeps the unfinished
    line for the next call, so the text, and any error, are the same however the content
    is split into blocks, and the whole read and the chunked read agree. When the content
    cannot be decoded, `error` is set, the text returned ends with the line before the
    one at fault, and nothing more is returned.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.error: ResponseFileError | None = None
        self._mode: str | None = None  # "text", "utf-16" or "bytes", once the start is seen
        self._head: list[bytes] = []  # the first bytes, until a byte order mark can be seen
        self._rest: list[bytes | str] = []  # the unfinished line
        self._line = 1  # the line the unfinished line is on
        self._encoding: str | None = None  # bytes mode: "utf-8" or "cp1252" once known
        self._why = ""  # what decided the encoding, for messages
        self._codec = "utf-16-le"
        self._utf16: codecs.IncrementalDecoder | None = None
        self._fed = 0  # bytes of the file given to the UTF-16 decoder
        self._bom = False  # whether a byte order mark may start the UTF-16 text still

    def feed(self, block: bytes | str, *, final: bool = False) -> str:
        """Return the text of the lines that `block` completes (with `final`, all the rest)."""
        if self.error is not None:
            return ""
        if self._mode is None:
            if isinstance(block, str):
                self._mode = "text"
                block = block.removeprefix("\ufeff")
            else:
                head = block if not self._head else b"".join([*self._head, block])
                if len(head) < len(codecs.BOM_UTF8) and not final:
                    self._head.append(block)
                    return ""
                self._head.clear()
                block = self._start(head)
        if self._mode == "utf-16":
            return self._from_utf16(cast("bytes", block), final)
        return self._complete(block, final)

    def end(self) -> str:
        """Return the text of the last line (which may lack a line end)."""
        return self.feed("" if self._mode == "text" else b"", final=True)

    def _start(self, head: bytes) -> bytes:
        """See how the file starts; return its content after any byte order mark."""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self._mode = "utf-16"
            big = head.startswith(codecs.BOM_UTF16_BE)
            self._codec = "utf-16-be" if big else "utf-16-le"
            self._utf16 = codecs.getincrementaldecoder(self._codec)()
            self._fed = len(codecs.BOM_UTF16_LE)
            self._bom = True
            return head[len(codecs.BOM_UTF16_LE) :]
        self._mode = "bytes"
        if head.startswith(codecs.BOM_UTF8):
            self._encoding = "utf-8"
            self._why = "it starts with a UTF-8 byte order mark"
            return head[len(codecs.BOM_UTF8) :]
        return head

    def _fail(self, message: str, line: int) -> None:
        self.error = ResponseFileError(self.name, message, line=line)

    def _complete(self, block: bytes | str, final: bool) -> str:
        """Add `block` to the unfinished line; decode and return the lines completed."""
        if final:
            parts, self._rest = [*self._rest, block], []
        else:
            cut = _cut(block)
            if cut == 0:
                self._rest.append(block)
                return ""
            parts, self._rest = [*self._rest, block[:cut]], [block[cut:]]
        if isinstance(block, str):
            text = "".join(cast("list[str]", parts))
            if not final:
                self._line += _text_breaks(text)
            return text
        data = b"".join(cast("list[bytes]", parts))
        text = self._text_of(data)
        if not final and self.error is None:
            self._line += _byte_breaks(data, len(data))
        return text

    def _text_of(self, data: bytes) -> str:
        """Decode whole lines of UTF-8 or Windows-1252, deciding which on the first line."""
        if self._encoding == "cp1252":
            return self._windows(data, 0)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            start = _line_start(data, error.start)
            before = data[:start]
            line = self._line + _byte_breaks(data, start)
            byte = data[error.start]
            if self._encoding is None and before.isascii():
                self._encoding = "cp1252"
                self._why = (
                    f"line {line} is not UTF-8 (byte 0x{byte:02x}) and was read as Windows-1252"
                )
                return before.decode("ascii") + self._windows(data, start)
            if self._encoding is None:
                self._utf8_from(data)
            self._fail(f"not valid UTF-8 (byte 0x{byte:02x}), though {self._why}: {_MIXED}", line)
            return before.decode("utf-8")
        if self._encoding is None and not text.isascii():
            self._utf8_from(data)
        return text

    def _utf8_from(self, data: bytes) -> None:
        """Decide UTF-8, from the first line of `data` holding anything but ASCII."""
        first = _NON_ASCII.search(data)
        assert first is not None  # called on data that is not all ASCII
        line = self._line + _byte_breaks(data, _line_start(data, first.start()))
        character = data[first.start() : first.start() + 4].decode("utf-8", "ignore")[:1]
        self._encoding = "utf-8"
        self._why = f"line {line} is UTF-8 ({character!r})"

    def _windows(self, data: bytes, start: int) -> str:
        """Decode ``data[start:]`` as Windows-1252, refusing lines that are UTF-8 text."""
        try:
            text = data[start:].decode("cp1252")
            bad = None
        except UnicodeDecodeError as error:
            text, bad = "", start + error.start
        limit = len(data) if bad is None else self._line_end(data, bad)
        begin = self._utf8_line(data, start, limit)
        if begin is not None:
            end = self._line_end(data, begin, limit)
            text = data[begin:end].decode("utf-8")
            character = next(c for c in text if not c.isascii())
            line = self._line + _byte_breaks(data, begin)
            self._fail(f"UTF-8 text ({character!r}), though {self._why}: {_MIXED}", line)
            return data[start:begin].decode("cp1252")
        if bad is not None:
            begin = _line_start(data, bad, start)
            self._fail(
                f"not UTF-8 or Windows-1252 text: byte 0x{data[bad]:02x} cannot be decoded;"
                " save the file as CSV UTF-8",
                self._line + _byte_breaks(data, begin),
            )
            return data[start:begin].decode("cp1252")
        return text

    @staticmethod
    def _utf8_line(data: bytes, start: int, limit: int) -> int | None:
        """Return where the first line of ``data[start:limit]`` that is UTF-8 text starts.

        A line counts if it is valid UTF-8 and not all ASCII. Decoded as UTF-8 with
        ``surrogateescape``, each byte that is not UTF-8 becomes one lone surrogate, so
        when the text is as long as the bytes no character took several bytes: no line
        is UTF-8 text, the common case, found without looking at any line.
        """
        escaped = data[start:limit].decode("utf-8", "surrogateescape")
        if len(escaped) == limit - start:
            return None
        low = 0
        for found in _MULTI_BYTE.finditer(escaped):
            at = found.start()
            if at < low:
                continue
            begin = max(escaped.rfind("\n", low, at), escaped.rfind("\r", low, at)) + 1
            begin = max(begin, low)
            after = _TEXT_BREAK.search(escaped, at)
            end = len(escaped) if after is None else after.start()
            if _ESCAPED.search(escaped, begin, end) is None:
                return start + len(escaped[:begin].encode("utf-8", "surrogateescape"))
            low = end
        return None

    @staticmethod
    def _line_end(data: bytes, position: int, limit: int | None = None) -> int:
        """Return where the line holding byte `position` ends (its line end's first byte)."""
        end = len(data) if limit is None else limit
        found = _BREAK.search(data, position, end)
        return end if found is None else found.start()

    def _from_utf16(self, data: bytes, final: bool) -> str:
        """Decode UTF-16 and return the lines completed."""
        assert self._utf16 is not None  # set with the mode
        try:
            text = self._utf16.decode(data, final)
        except UnicodeDecodeError as error:
            buffered = len(error.object) - len(data)
            before = bytes(error.object[: error.start]).decode(self._codec, "replace")
            done = "".join(cast("list[str]", self._rest)) + before
            self._rest.clear()
            # A carriage return just before the bad bytes ends its line.
            end = max(done.rfind("\n"), done.rfind("\r")) + 1
            self._fail(
                f"not valid UTF-16 text ({error.reason} at byte"
                f" {self._fed - buffered + error.start})",
                self._line + _text_breaks(done),
            )
            return done[:end]
        self._fed += len(data)
        if self._bom and text:
            # A byte order mark after UTF-16's own, as a UTF-8 editor's mark re-encoded.
            text, self._bom = text.removeprefix("\ufeff"), False
        return self._complete(text, final)


def _decode(data: bytes | str, name: str) -> tuple[str, ResponseFileError | None]:
    """Decode a whole file: its text, and the error at the line that cannot be decoded.

    With an error, the text holds the lines before the one at fault, so that problems on
    earlier lines are reported first, as the chunked read reports them.
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), None
    decoder = _Decoder(name)
    text = decoder.feed(data, final=True)
    return text, decoder.error
