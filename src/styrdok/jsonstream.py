"""Reading an export a record at a time: memory holds one record, not the file.

:class:`ExportReader` walks the top level of an export (``{"format": …, "version": …,
"persons": [ … ], …}``) itself and hands each record of a section to the standard
library's JSON scanner, so a record is parsed exactly as :func:`json.loads` would parse
it. Any layout is read: the one-record-a-line file ``styrdok export`` writes, a file
pretty-printed with ``indent=2``, or all on one line. The bytes are hashed as they are
read (the SHA-256 names the file in the audit log) and decoded as UTF-8 incrementally.

Errors read as :func:`styrdok.exchange.read_json`'s do: ``not valid JSON: Expecting value at
line 12 column 3`` with the line and column in the whole file.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from collections.abc import Iterator
from typing import IO, Any, NoReturn

from styrdok.errors import InvalidValue

#: How much of the file is read (and hashed) at a time.
READ_CHUNK = 1 << 20

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

# A parse that fails this near the end of what has been read may only lack the rest.
_TAIL = 8


class ExportReader:
    """The records of one export, section by section, read from ``source`` once.

    Iterate :meth:`sections`; each section's records must be consumed before the next
    section is read. :attr:`sha256` is known once the file has been read to its end.
    """

    def __init__(self, source: IO[str] | IO[bytes]) -> None:
        self._source = source
        self._digest = hashlib.sha256()
        self._decoder = codecs.getincrementaldecoder("utf-8")()
        self._bytes_read = 0
        self._buf = ""
        self._pos = 0
        self._eof = False
        # Where the text before self._buf ended: lines passed, and the column on the last.
        self._line = 0
        self._column = 0
        self.header: dict[str, Any] = {}
        """``format`` and ``version`` as the file has them."""

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of the bytes read; of a text stream, of its UTF-8 encoding."""
        return self._digest.hexdigest()

    # --- reading -------------------------------------------------------------------------

    def _more(self, at_least: int = 0) -> bool:
        """Read on, dropping the text already parsed; False at the end of the file."""
        if self._eof:
            return False
        self._drop_parsed()
        wanted = max(READ_CHUNK, at_least)
        parts = []
        got = 0
        while got < wanted:
            chunk = self._source.read(READ_CHUNK)
            if not chunk:
                self._eof = True
                if self._bytes_read:  # a character cut off at the end is refused here
                    parts.append(self._decode(b"", final=True))
                break
            if isinstance(chunk, bytes):
                self._digest.update(chunk)
                parts.append(self._decode(chunk, final=False))
                self._bytes_read += len(chunk)
            else:
                self._digest.update(chunk.encode("utf-8", "surrogatepass"))
                parts.append(chunk)
            got += len(chunk)
        if parts:
            self._buf += "".join(parts)
        return got > 0

    def _decode(self, chunk: bytes, *, final: bool) -> str:
        try:
            return self._decoder.decode(chunk, final)
        except UnicodeDecodeError as exc:
            pending = len(self._decoder.getstate()[0])
            start = self._bytes_read - pending + exc.start
            raise InvalidValue(f"not UTF-8 text: {exc.reason} at byte {start}") from None

    def _drop_parsed(self) -> None:
        buf, pos = self._buf, self._pos
        if not pos:
            return
        lines = buf.count("\n", 0, pos)
        if lines:
            self._line += lines
            self._column = pos - buf.rfind("\n", 0, pos) - 1
        else:
            self._column += pos
        self._buf, self._pos = buf[pos:], 0

    def _invalid(self, message: str, pos: int) -> InvalidValue:
        """``not valid JSON: …`` naming the line and column of ``pos`` in the whole file."""
        buf = self._buf
        line = self._line + buf.count("\n", 0, pos) + 1
        last = buf.rfind("\n", 0, pos)
        column = self._column + pos + 1 if last == -1 else pos - last
        return InvalidValue(f"not valid JSON: {message} at line {line} column {column}")

    def _peek(self) -> str:
        """The next character that is not white space ('' at the end of the file)."""
        while True:
            self._pos = _WHITESPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more():
                return ""

    def _expect(self, char: str, message: str) -> None:
        if self._peek() != char:
            raise self._invalid(message, self._pos)
        self._pos += 1

    def _value(self) -> Any:
        """The JSON value at the cursor, read as far as it reaches."""
        self._peek()
        while True:
            start = self._pos
            try:
                value, end = _DECODER.raw_decode(self._buf, start)
            except json.JSONDecodeError as exc:
                # Read on (doubling what is held, so a long record is parsed a few times,
                # not once per chunk) while the value may only lack the rest of the file.
                if self._cut_short(exc) and self._more(len(self._buf) - start):
                    continue
                raise self._invalid(exc.msg, exc.pos) from None
            except RecursionError:
                raise InvalidValue("not a styrdok export: the JSON is nested too deeply") from None
            # A number or a literal at the end of what was read may go on in the next chunk.
            if end == len(self._buf) and self._more():
                continue
            self._pos = end
            return value

    def _cut_short(self, exc: json.JSONDecodeError) -> bool:
        """Whether the parse may have failed only because the rest is not read yet."""
        return exc.pos >= len(self._buf) - _TAIL or exc.msg.startswith("Unterminated string")

    # --- the export's layout -------------------------------------------------------------

    def sections(self) -> Iterator[tuple[str, Iterator[tuple[int, Any]]]]:
        """``(name, records)`` for each section in the file's order; ``records`` yields
        ``(index, plain data)``. The header is checked as it is met; a key that is neither
        a known section nor ``format``/``version`` is refused."""
        from styrdok.exchange import FORMAT, SECTIONS

        names = {section.name for section in SECTIONS}
        if self._peek() != "{":
            self._not_an_object()
        self._pos += 1
        seen: set[str] = set()
        if self._peek() == "}":
            self._pos += 1
        else:
            while True:
                if self._peek() != '"':
                    raise self._invalid(
                        "Expecting property name enclosed in double quotes", self._pos
                    )
                key = self._value()
                self._expect(":", "Expecting ':' delimiter")
                if key in seen:
                    raise InvalidValue(f"{key!r} appears twice in the export")
                seen.add(key)
                if key in ("format", "version"):
                    self.header[key] = self._value()
                    self._check_header(final=False)
                elif key in names:
                    char = self._peek()
                    if char == "":
                        raise self._invalid("Expecting value", self._pos)
                    if char != "[":
                        raise InvalidValue(f"${key} must be a list")
                    self._pos += 1
                    records = self._records()
                    yield key, records
                    for _ in records:  # what the caller left unread
                        pass
                elif "format" not in self.header:
                    raise InvalidValue(f'not a styrdok export (expected "format": "{FORMAT}")')
                else:
                    raise InvalidValue(f"unknown section {key!r} in the export")
                if self._peek() == "}":
                    self._pos += 1
                    break
                self._expect(",", "Expecting ',' delimiter")
        if self._peek() != "":
            raise self._invalid("Extra data", self._pos)
        self._check_header(final=True)

    def _records(self) -> Iterator[tuple[int, Any]]:
        if self._peek() == "]":
            self._pos += 1
            return
        index = 0
        while True:
            yield index, self._value()
            index += 1
            char = self._peek()
            self._pos += 1
            if char == "]":
                return
            if char != ",":
                raise self._invalid("Expecting ',' delimiter", self._pos - 1)

    def _check_header(self, *, final: bool) -> None:
        from styrdok.exchange import FORMAT, FORMAT_VERSION

        format_, version = self.header.get("format"), self.header.get("version")
        if ("format" in self.header or final) and format_ != FORMAT:
            raise InvalidValue(f'not a styrdok export (expected "format": "{FORMAT}")')
        if ("version" in self.header or final) and version != FORMAT_VERSION:
            raise InvalidValue(
                f"unsupported export version {version!r}; "
                f"this styrdok reads version {FORMAT_VERSION}"
            )

    def _not_an_object(self) -> NoReturn:
        """A file that does not start with ``{``: not JSON, or JSON but not an export.
        Only what has been read is parsed; a long list is not read to its end to say so."""
        try:
            _DECODER.raw_decode(self._buf, self._pos)
        except json.JSONDecodeError as exc:
            if self._eof or not self._cut_short(exc):
                raise self._invalid(exc.msg, exc.pos) from None
        except RecursionError:
            raise InvalidValue("not a styrdok export: the JSON is nested too deeply") from None
        from styrdok.exchange import FORMAT

        raise InvalidValue(f'not a styrdok export (expected "format": "{FORMAT}")')
