"""Format detection from content, and the one entry point that parses a whole file."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable

from uprflow.importing import fields, ohchr, tabular, uhri, upr_info
from uprflow.importing.model import ImportFileError, ParsedFile, SourceFormat

_XLSX_MAGIC = b"PK\x03\x04"
_GZIP_MAGIC = b"\x1f\x8b"
#: The largest file a gzip (or the members of an XLSX) may expand to.
MAX_UNCOMPRESSED_BYTES = tabular.MAX_UNCOMPRESSED_BYTES
#: The most rows a file may hold unless the caller says otherwise.
MAX_ROWS = tabular.MAX_ROWS

#: Progress callback: (rows done, rows in the file).
Progress = Callable[[int, int], None]


def detect(data: bytes) -> SourceFormat:
    """The format of a file, from its content (not its name)."""
    if data.startswith(_XLSX_MAGIC):
        header, _ = tabular.xlsx_table(data)
        if ohchr.looks_like(header):
            return SourceFormat.OHCHR_XLSX
        if upr_info.looks_like(header):
            return SourceFormat.UPR_INFO_XLSX
        raise ImportFileError(_unknown(header))
    text = tabular.decode(data)
    if uhri.looks_like(text):
        return SourceFormat.UHRI_JSON
    header, _ = tabular.csv_table(text.split("\n", 1)[0])
    if ohchr.looks_like(header):
        return SourceFormat.OHCHR_CSV
    if upr_info.looks_like(header):
        return SourceFormat.UPR_INFO_CSV
    raise ImportFileError(_unknown(header))


def gunzip(data: bytes, name: str) -> tuple[bytes, str]:
    """The content and name of a gzip-compressed file (``x.csv.gz`` -> ``x.csv``), else as is.

    Why bounded: a small hostile gzip can expand to gigabytes; decompression stops at
    :data:`MAX_UNCOMPRESSED_BYTES` instead of exhausting memory.
    """
    if not data.startswith(_GZIP_MAGIC):
        return data, name
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_UNCOMPRESSED_BYTES + 1)
    except zlib.error as exc:
        raise ImportFileError(f"{name}: not a valid gzip file ({exc})") from None
    if len(out) > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            f"{name}: expands to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB"
        )
    if not inflater.eof:
        raise ImportFileError(f"{name}: truncated gzip file")
    return out, name[:-3] if name.lower().endswith(".gz") else name


def _unknown(header: list[str]) -> str:
    return (
        f"unknown format (header {', '.join(header[:12])!s}); expected a UPR Info export "
        f"({','.join(upr_info.COLUMNS[:4])},...), an OHCHR thematic list "
        f"({','.join(ohchr.COLUMNS[:4])},...) as CSV or XLSX, or a UHRI JSON export"
    )


def parse_bytes(
    data: bytes,
    name: str,
    *,
    cycle: str | None = None,
    progress: Progress | None = None,
    max_rows: int = MAX_ROWS,
) -> ParsedFile:
    """Parse and validate every row of a file; :class:`ImportFileError` on the first bad one.

    A gzip-compressed file is read as its content (same format detection, same digest).
    More than ``max_rows`` rows, or an archive expanding beyond
    :data:`MAX_UNCOMPRESSED_BYTES`, is refused naming the limit.
    """
    data, name = gunzip(data, name)
    try:
        wanted = fields.parse_cycle_id(cycle) if cycle else None
    except ValueError as exc:
        raise ImportFileError(f"--cycle: {exc}") from None
    fmt = detect(data)
    sha = hashlib.sha256(data).hexdigest()
    done = 0
    total = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress is not None and (done % 500 == 0 or done == total):
            progress(done, total)

    if fmt is SourceFormat.UHRI_JSON:
        objects = uhri.load(tabular.decode(data))
        if len(objects) > max_rows:
            raise tabular.too_many_rows(max_rows)
        total = len(objects)
        rows = uhri.parse(objects, cycle=wanted, tick=tick)
        source = uhri.SOURCE
    else:
        if fmt in (SourceFormat.OHCHR_XLSX, SourceFormat.UPR_INFO_XLSX):
            header, table = tabular.xlsx_table(data, max_rows)
        else:
            header, table = tabular.csv_table(tabular.decode(data), max_rows)
        total = len(table)
        if fmt in (SourceFormat.OHCHR_CSV, SourceFormat.OHCHR_XLSX):
            rows = ohchr.parse(header, table, file_name=name, cycle=wanted, tick=tick)
            source = ohchr.SOURCE
        else:
            rows = upr_info.parse(header, table, file_name=name, cycle=wanted, tick=tick)
            source = upr_info.SOURCE
    if not rows:
        raise ImportFileError("the file holds no recommendations")
    if progress is not None:
        progress(total, total)
    return ParsedFile(fmt, source, sha, tuple(rows), name=name)
