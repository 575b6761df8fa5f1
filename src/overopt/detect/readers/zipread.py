"""A small zip reader for Inspect `.eval` logs: reads the central directory itself and inflates stored, deflate
and zstd (method 93) entries one at a time. Python's `zipfile` cannot read zstd entries before 3.14, and
current inspect_ai writes them (possibly as several concatenated zstd frames)."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import BinaryIO

STORED, DEFLATED, ZSTD = 0, 8, 93
METHOD_NAMES = {0: "stored", 8: "deflate", 9: "deflate64", 12: "bzip2", 14: "lzma", 93: "zstd", 95: "xz", 99: "AES"}

EOCD_SIG = b"PK\x05\x06"
EOCD64_LOCATOR_SIG = b"PK\x06\x07"
EOCD64_SIG = b"PK\x06\x06"
CENTRAL_SIG = b"PK\x01\x02"
LOCAL_SIG = b"PK\x03\x04"


class ZipError(ValueError):
    """The archive or one of its entries cannot be read."""


@dataclass(slots=True)
class Entry:
    name: str
    method: int
    flags: int
    crc: int
    compressed_size: int
    size: int
    header_offset: int


def _eocd(fh: BinaryIO) -> tuple[int, int]:
    """(offset of the central directory, number of entries)."""
    fh.seek(0, 2)
    end = fh.tell()
    tail_len = min(end, 22 + 65535)
    fh.seek(end - tail_len)
    tail = fh.read(tail_len)
    pos = tail.rfind(EOCD_SIG)
    if pos < 0 or len(tail) - pos < 22:
        raise ZipError("not a zip archive (no end of central directory); the file may be cut short")
    (_, _disk, _cd_disk, _n_disk, n_total, _cd_size, cd_offset, _clen) = struct.unpack("<4sHHHHIIH", tail[pos:pos + 22])
    if n_total == 0xFFFF or cd_offset == 0xFFFFFFFF:  # zip64
        loc = tail.rfind(EOCD64_LOCATOR_SIG, 0, pos)
        if loc < 0:
            raise ZipError("zip64 archive without a zip64 locator")
        (_, _disk64, eocd64_offset, _ndisks) = struct.unpack("<4sIQI", tail[loc:loc + 20])
        fh.seek(eocd64_offset)
        rec = fh.read(56)
        if rec[:4] != EOCD64_SIG:
            raise ZipError("bad zip64 end of central directory")
        n_total, cd_offset = struct.unpack("<Q", rec[32:40])[0], struct.unpack("<Q", rec[48:56])[0]
    return cd_offset, n_total


def _zip64_extra(extra: bytes, size: int, csize: int, offset: int) -> tuple[int, int, int]:
    i = 0
    while i + 4 <= len(extra):
        tag, ln = struct.unpack("<HH", extra[i:i + 4])
        body = extra[i + 4:i + 4 + ln]
        if tag == 0x0001:
            vals = list(struct.unpack("<" + "Q" * (len(body) // 8), body[:len(body) // 8 * 8]))
            if size == 0xFFFFFFFF and vals:
                size = vals.pop(0)
            if csize == 0xFFFFFFFF and vals:
                csize = vals.pop(0)
            if offset == 0xFFFFFFFF and vals:
                offset = vals.pop(0)
            break
        i += 4 + ln
    return size, csize, offset


def entries(fh: BinaryIO) -> list[Entry]:
    """The archive's entries as its central directory lists them."""
    cd_offset, n = _eocd(fh)
    fh.seek(cd_offset)
    out = []
    for _ in range(n):
        head = fh.read(46)
        if len(head) < 46 or head[:4] != CENTRAL_SIG:
            raise ZipError("bad central directory entry")
        (_, _vmade, _vneed, flags, method, _t, _d, crc, csize, size, nlen, xlen, clen, _disk, _iattr, _eattr,
         offset) = struct.unpack("<4sHHHHHHIIIHHHHHII", head)
        name_b = fh.read(nlen)
        extra = fh.read(xlen)
        fh.seek(clen, 1)
        size, csize, offset = _zip64_extra(extra, size, csize, offset)
        name = name_b.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        out.append(Entry(name, method, flags, crc, csize, size, offset))
    return out


def read_entry(fh: BinaryIO, e: Entry, max_size: int = 1 << 32) -> bytes:
    """The entry's bytes, decompressed and checked against its CRC."""
    if e.flags & 0x1:
        raise ZipError(f"{e.name}: encrypted entry")
    if e.size > max_size:
        raise ZipError(f"{e.name}: entry of {e.size >> 20} MiB is too large")
    fh.seek(e.header_offset)
    local = fh.read(30)
    if len(local) < 30 or local[:4] != LOCAL_SIG:
        raise ZipError(f"{e.name}: bad local header")
    nlen, xlen = struct.unpack("<HH", local[26:30])
    fh.seek(nlen + xlen, 1)
    raw = fh.read(e.compressed_size)
    if len(raw) < e.compressed_size:
        raise ZipError(f"{e.name}: entry cut short")
    if e.method == STORED:
        data = raw
    elif e.method == DEFLATED:
        d = zlib.decompressobj(-15)
        data = d.decompress(raw, e.size + 1)
    elif e.method == ZSTD:
        data = _unzstd(raw, e.size)
    else:
        raise ZipError(f"{e.name}: unsupported compression method {e.method} "
                       f"({METHOD_NAMES.get(e.method, 'unknown')})")
    if len(data) != e.size:
        raise ZipError(f"{e.name}: decompressed to {len(data)} bytes, the directory says {e.size}")
    if zlib.crc32(data) != e.crc:
        raise ZipError(f"{e.name}: CRC mismatch (corrupt entry)")
    return data


def _unzstd(raw: bytes, size: int) -> bytes:
    try:
        import zstandard
    except ImportError:  # pragma: no cover - a declared dependency
        raise ZipError("zstd-compressed entry: install the 'zstandard' package") from None
    import io

    reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(raw), read_across_frames=True)
    chunks, got = [], 0
    try:
        while got <= size:
            chunk = reader.read(size + 1 - got)
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except zstandard.ZstdError as exc:
        raise ZipError(f"zstd data is corrupt ({exc})") from None
    return b"".join(chunks)
