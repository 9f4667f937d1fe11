"""The type of a file from its first bytes, never from its name.

A small, explicit table rather than libmagic: the workbench must classify evidence identically
on every machine, and only a few dozen types matter for what happens next (media extraction,
disk-image expansion).
"""

from __future__ import annotations

DISK_IMAGE_TYPES = frozenset(
    {
        "application/x-ewf",
        "application/x-fat-image",
        "application/x-exfat-image",
        "application/x-ntfs-image",
        "application/x-ext-image",
        "application/x-mbr-disk-image",
        "application/x-gpt-disk-image",
    }
)

_EXTENSIONS = {
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/png": {".png"},
    "image/gif": {".gif"},
    "image/tiff": {".tif", ".tiff", ".dng", ".arw", ".nef", ".cr2", ".orf", ".rw2", ".pef"},
    "image/heic": {".heic", ".heif", ".hif"},
    "image/avif": {".avif"},
    "image/jxl": {".jxl"},
    "image/webp": {".webp"},
    "image/bmp": {".bmp"},
    "video/mp4": {".mp4", ".m4v", ".lrv", ".mov", ".3gp", ".insv"},
    "video/quicktime": {".mov", ".qt", ".mp4"},
    "video/x-matroska": {".mkv", ".webm", ".mka"},
    "video/x-msvideo": {".avi"},
    "application/x-subrip": {".srt"},
    "application/pdf": {".pdf"},
    "application/zip": {".zip", ".pwbcase", ".docx", ".xlsx", ".kmz", ".apk", ".jar"},
    "application/x-msdownload": {".exe", ".dll", ".scr", ".com", ".bat", ".cmd", ".msi"},
    "text/plain": {".txt", ".log", ".csv", ".srt", ".md", ".json", ".xml", ".kml"},
}

_ISO_BRANDS_HEIC = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}
_ISO_BRANDS_AVIF = {b"avif", b"avis"}
_ISO_BRANDS_QT = {b"qt  "}


def sniff(head: bytes, size: int | None = None) -> str:
    """Return a MIME type for content beginning with `head`.

    Args:
        head: at least the first 4 KiB of the content (fewer when the file is shorter).
        size: the full size, when known (an empty file is `application/x-empty`).

    Returns:
        A MIME type; `application/octet-stream` when nothing matched.
    """
    if size == 0 or not head:
        return "application/x-empty"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "image/tiff"
    if head.startswith(b"\xff\x0a") or head.startswith(b"\x00\x00\x00\x0cJXL \r\n\x87\n"):
        return "image/jxl"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "video/x-msvideo"
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"BM") and len(head) > 14 and head[6:10] == b"\x00\x00\x00\x00":
        return "image/bmp"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _ISO_BRANDS_HEIC:
            return "image/heic"
        if brand in _ISO_BRANDS_AVIF:
            return "image/avif"
        if brand in _ISO_BRANDS_QT:
            return "video/quicktime"
        return "video/mp4"
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return "video/quicktime"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/x-matroska"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "application/zip"
    if head.startswith(b"\x1f\x8b"):
        return "application/gzip"
    if head.startswith(b"7z\xbc\xaf\x27\x1c"):
        return "application/x-7z-compressed"
    if head.startswith(b"SQLite format 3\x00"):
        return "application/vnd.sqlite3"
    if head.startswith(b"EVF\x09\x0d\x0a\xff\x00") or head.startswith(b"EVF2\r\n\x81\x00"):
        return "application/x-ewf"
    disk = _sniff_disk(head)
    if disk:
        return disk
    if _looks_like_srt(head):
        return "application/x-subrip"
    if _looks_like_text(head):
        return "text/plain"
    return "application/octet-stream"


def _sniff_disk(head: bytes) -> str | None:
    if len(head) >= 512 and head[510:512] == b"\x55\xaa":
        oem = head[3:11]
        if oem == b"NTFS    ":
            return "application/x-ntfs-image"
        if oem == b"EXFAT   ":
            return "application/x-exfat-image"
        if head[54:59] == b"FAT12" or head[54:59] == b"FAT16" or head[82:87] == b"FAT32":
            return "application/x-fat-image"
        partitions = [head[446 + 16 * i : 462 + 16 * i] for i in range(4)]
        kinds = [p[4] for p in partitions]
        if 0xEE in kinds:
            return "application/x-gpt-disk-image"
        if any(k != 0 for k in kinds) and all(p[0] in (0x00, 0x80) for p in partitions):
            return "application/x-mbr-disk-image"
    if len(head) >= 1104 and head[1080:1082] == b"\x53\xef" and _ext_superblock(head):
        return "application/x-ext-image"
    return None


def _looks_like_srt(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf")[:2048]
    return b"-->" in text and text[:1].isdigit()


def _looks_like_text(head: bytes) -> bool:
    sample = head[:4096]
    if b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the end of the sample is still text.
        if exc.start < len(sample) - 4:
            return False
    return True


def extension_mismatch(name: str, mime: str) -> bool:
    """True when a file's extension names a different type than its content has."""
    dot = name.rfind(".")
    if dot <= 0:
        return False
    ext = name[dot:].lower()
    claimed = {m for m, exts in _EXTENSIONS.items() if ext in exts}
    if not claimed or mime in claimed:
        return False
    return not (mime == "text/plain" and "application/x-subrip" in claimed)


def is_disk_image(mime: str) -> bool:
    """True for the types that are opened as file systems after ingest."""
    return mime in DISK_IMAGE_TYPES


def _ext_superblock(head: bytes) -> bool:
    """The rest of an ext2/3/4 superblock (at 1024) agrees with its magic: a block size of
    1-64 KiB (`s_log_block_size` <= 6) and a revision of 0 or 1 (`s_rev_level`). The magic
    alone is two bytes: one random file in 65,536 has them at 1080 and was taken for a disk
    image (and expanded)."""
    log_block_size = int.from_bytes(head[1048:1052], "little")
    rev_level = int.from_bytes(head[1100:1104], "little")
    return log_block_size <= 6 and rev_level <= 1
