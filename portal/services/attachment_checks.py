"""Checking an uploaded file before anything of it is stored.

The type comes from the content: `filetype` reads the magic bytes of PDF, PNG, JPEG and of
everything we refuse (programs, archives, other formats); a ZIP is opened as an archive and must
be a DOCX, XLSX or ODT within limits (entries, total expanded size, compression ratio, no path
outside the archive, no macros) so that a zip bomb or a macro document is refused; text must be
UTF-8 (or Windows-1252) without control characters. A PDF with active content (JavaScript,
launch or open actions, embedded files) is accepted but held for a moderator.

Everything here is pure: bytes in, a verdict out. No request, no session, no file written.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import filetype
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from portal.models import FileState, FileType

# Limits of an office file read as an archive (a real 10 MB DOCX is far inside them).
ZIP_MAX_ENTRIES = 2000
ZIP_MAX_TOTAL = 200 * 1024 * 1024
ZIP_MAX_RATIO = 150
ZIP_RATIO_FLOOR = 1024 * 1024  # entries smaller than this expanded are not ratio-checked

PDF_ACTIVE = ("/JavaScript", "/JS", "/Launch", "/OpenAction", "/EmbeddedFiles", "/AA",
              "/RichMedia", "/XFA", "/SubmitForm", "/ImportData")
_PDF_NAME = re.compile(rb"/[A-Za-z0-9#]+")
_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_UNSAFE_NAME = re.compile(r"[^\w.\- ()]+", re.UNICODE)

OFFICE_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":
        FileType.DOCX,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": FileType.XLSX,
}
_MACRO_CONTENT = ("macroenabled", "vbaproject", "vbaprojectsignature", "activex")


class FileRefused(ValueError):
    """A file the portal does not take; `message` says why, translated."""

    def __init__(self, message: LazyString) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    name: str
    file_type: FileType
    sha256: str
    state: FileState
    held_markers: str = ""

    @property
    def size(self) -> int:
        return len(self.data)


def safe_name(raw: str, file_type: FileType) -> str:
    """The submitter's file name as harmless metadata: no folders, no control characters, no
    odd symbols, at most 150 characters, ending in the extension of the detected type."""
    base = unicodedata.normalize("NFC", raw.replace("\\", "/"))
    base = os.path.basename(base)
    base = _CONTROL.sub("", "".join(c for c in base if unicodedata.category(c)[0] != "C"))
    base = _UNSAFE_NAME.sub("-", base).strip(" .-")
    stem, dot, ext = base.rpartition(".")
    if dot and ext.lower() in {t.extension for t in FileType} | {"jpeg", "text"}:
        base = stem.strip(" .-")
    base = base[:140] or "file"
    return f"{base}.{file_type.extension}"


def pdf_active_content(data: bytes) -> list[str]:
    """The active-content names a PDF uses (names with #xx escapes decoded)."""
    found = set()
    for match in _PDF_NAME.finditer(data):
        name = _HEX.sub(lambda m: bytes([int(m.group(1), 16)]), match.group(0))
        text = name.decode("latin-1")
        if text in PDF_ACTIVE:
            found.add(text)
    return sorted(found)


def _pdf_encrypted(data: bytes) -> bool:
    return any(_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), m.group(0)) == b"/Encrypt"
               for m in _PDF_NAME.finditer(data[-65536:] + data[:65536]))


def _office_type(data: bytes) -> FileType:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileRefused(_l("This file is damaged: it cannot be opened.")) from exc
    if len(entries) > ZIP_MAX_ENTRIES:
        raise FileRefused(_l("This document holds too many parts to be checked safely."))
    total = 0
    for entry in entries:
        name = entry.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") \
                or ":" in name:
            raise FileRefused(_l("This document holds parts with unsafe names."))
        if entry.flag_bits & 0x1:
            raise FileRefused(_l("This document is password-protected. Please send a copy "
                                 "without a password."))
        total += entry.file_size
        if total > ZIP_MAX_TOTAL or (
            entry.file_size > ZIP_RATIO_FLOOR
            and entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1)
        ):
            raise FileRefused(_l("This document expands to far more than its size (a "
                                 "“zip bomb”): it cannot be accepted."))
    names = {e.filename.lower(): e for e in entries}
    if any(n.rsplit("/", 1)[-1] in ("vbaproject.bin", "vbaprojectsignature.bin")
           or n.startswith(("basic/", "scripts/")) for n in names):
        raise FileRefused(_l("Documents with macros are not accepted. Please save it without "
                             "macros (for example as .docx or .xlsx) and try again."))
    try:
        if "[content_types].xml" in names:
            content = archive.read(names["[content_types].xml"]).decode("utf-8", "replace")
            if any(marker in content.lower() for marker in _MACRO_CONTENT):
                raise FileRefused(_l("Documents with macros are not accepted. Please save it "
                                     "without macros (for example as .docx or .xlsx) and try "
                                     "again."))
            for main, kind in OFFICE_MAIN_TYPES.items():
                if main in content:
                    return kind
        elif "mimetype" in names:
            mimetype = archive.read(names["mimetype"])[:100].strip()
            if mimetype == b"application/vnd.oasis.opendocument.text":
                return FileType.ODT
    except (zipfile.BadZipFile, ValueError, OSError, RuntimeError) as exc:
        raise FileRefused(_l("This file is damaged: it cannot be opened.")) from exc
    raise FileRefused(_TYPE_REFUSED)


_TYPE_REFUSED = _l("This type of file is not accepted. Send PDF, Word (DOCX), Excel (XLSX), "
                   "OpenDocument (ODT), plain text, PNG or JPEG files.")


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not _CONTROL.search(text)
    return False


def detect(data: bytes) -> FileType:
    """The type of a file from its content, or FileRefused."""
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    kind = filetype.guess(data[:8192])
    if kind is not None:
        if kind.extension == "pdf":
            return FileType.PDF
        if kind.extension == "png":
            return FileType.PNG
        if kind.extension == "jpg":
            return FileType.JPEG
        if kind.extension in ("exe", "elf", "msi", "dmg", "swf", "crx", "wasm", "deb", "rpm"):
            raise FileRefused(_l("Programs are not accepted, whatever the file's name."))
        raise FileRefused(_TYPE_REFUSED)
    # PDF readers accept the header anywhere in the first kilobyte.
    if b"%PDF-" in data[:1024]:
        return FileType.PDF
    if _is_text(data):
        return FileType.TXT
    raise FileRefused(_TYPE_REFUSED)


def check(data: bytes, name: str, max_bytes: int) -> CheckedFile:
    """Accept (maybe holding) or refuse one uploaded file."""
    if not data:
        raise FileRefused(_l("This file is empty."))
    if len(data) > max_bytes:
        raise FileRefused(_l("This file is larger than %(size)s MB.",
                             size=max_bytes // (1024 * 1024)))
    file_type = detect(data)
    state, markers = FileState.STORED, ""
    if file_type is FileType.PDF:
        if _pdf_encrypted(data):
            raise FileRefused(_l("This PDF is encrypted or password-protected. Please send a "
                                 "copy without protection."))
        active = pdf_active_content(data)
        if active:
            state, markers = FileState.HELD, " ".join(active)
    return CheckedFile(data=data, name=safe_name(name, file_type), file_type=file_type,
                       sha256=hashlib.sha256(data).hexdigest(), state=state,
                       held_markers=markers)
