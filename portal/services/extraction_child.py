"""Reading the text of one file, in a child process that the parent limits in time and memory.

`python -m portal.services.extraction_child PATH TYPE MAX_CHARS` prints one JSON object:
`{"text": ..., "pages": n or null, "active": [...], "note": ...}`. A file that makes a reader
loop or swell is ended by the limits (portal/services/extraction.py); nothing here trusts it.
Only the readers are imported: not Flask, not the database.
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _pdf(path: str, limit: int) -> dict[str, Any]:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

    reader = PdfReader(path, strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return {"text": "", "pages": None, "active": [], "note": "encrypted",
                "failed": True}
    active: set[str] = set()
    root = reader.trailer.get("/Root")
    root = root.get_object() if root is not None else None
    if isinstance(root, DictionaryObject):
        active.update(key for key in ("/OpenAction", "/AA") if key in root)
        names = root.get("/Names")
        names = names.get_object() if names is not None else None
        if isinstance(names, DictionaryObject):
            for key in ("/JavaScript", "/EmbeddedFiles"):
                if key in names:
                    active.add(key)
        form = root.get("/AcroForm")
        form = form.get_object() if form is not None else None
        if isinstance(form, DictionaryObject) and "/XFA" in form:
            active.add("/XFA")
    parts: list[str] = []
    size = 0
    for page in reader.pages:
        if "/AA" in page:
            active.add("/AA")
        if size < limit:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
    return {"text": "\n\n".join(parts)[:limit], "pages": len(reader.pages),
            "active": sorted(active), "note": ""}


def _docx(path: str, limit: int) -> dict[str, Any]:
    import docx

    document = docx.Document(path)
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
            if sum(map(len, parts)) > limit:
                break
    return {"text": "\n".join(parts)[:limit], "pages": None, "active": [], "note": ""}


def _xlsx(path: str, limit: int) -> dict[str, Any]:
    from openpyxl import load_workbook

    # A file object: openpyxl refuses a path without an .xlsx ending (ours are SHA-256 names).
    handle = open(path, "rb")  # noqa: SIM115 - closed below with the workbook
    book = load_workbook(handle, read_only=True, data_only=True)
    parts: list[str] = []
    size = 0
    for sheet in book.worksheets:
        parts.append(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            line = "\t".join(str(v) for v in row if v is not None)
            if line:
                parts.append(line)
                size += len(line)
            if size > limit:
                break
    book.close()
    handle.close()
    return {"text": "\n".join(parts)[:limit], "pages": None, "active": [], "note": ""}


def _odt(path: str, limit: int) -> dict[str, Any]:
    from odf import teletype, text
    from odf.opendocument import load

    document = load(path)
    parts = [teletype.extractText(element)
             for kind in (text.H, text.P) for element in document.getElementsByType(kind)]
    return {"text": "\n".join(parts)[:limit], "pages": None, "active": [], "note": ""}


def _txt(path: str, limit: int) -> dict[str, Any]:
    with open(path, "rb") as f:
        data = f.read()
    try:
        decoded = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        decoded = data.decode("cp1252", "replace")
    return {"text": decoded[:limit], "pages": None, "active": [], "note": ""}


READERS = {"pdf": _pdf, "docx": _docx, "xlsx": _xlsx, "odt": _odt, "txt": _txt}


def main(argv: list[str]) -> int:
    path, kind, limit = argv[1], argv[2], int(argv[3])
    try:
        result = READERS[kind](path, limit)
    except MemoryError:
        result = {"text": "", "pages": None, "active": [], "note": "memory", "failed": True}
    except Exception as exc:  # noqa: BLE001 - any reader error is a failed extraction
        sys.stderr.write(f"{type(exc).__name__}: {exc}\n")
        result = {"text": "", "pages": None, "active": [], "failed": True, "note": "unreadable"}
    result["text"] = result["text"].replace("\x00", "")
    sys.stdout.write(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
