"""Small real files of every kind the comment form takes or refuses, made with the libraries."""

from __future__ import annotations

import io
import zipfile

from docx import Document
from odf.opendocument import OpenDocumentText
from odf.text import P
from openpyxl import Workbook
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/word/document.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '</Types>'
)


def pdf(*pages: str) -> bytes:
    """A PDF with one page of (real, extractable) text per argument."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=letter)
    for text in pages:
        y = 720
        for line in text.split("\n"):
            c.drawString(72, y, line)
            y -= 16
        c.showPage()
    c.save()
    return out.getvalue()


def scanned_pdf(pages: int = 2) -> bytes:
    """Pages that carry only drawings (as a scan carries only images): no text layer."""
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=letter)
    for i in range(pages):
        c.rect(72, 72 + i * 10, 400, 500, fill=1)
        c.showPage()
    c.save()
    return out.getvalue()


def pdf_with_javascript(text: str = "Position paper") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(text))))
    writer.add_open_action(JavaScript("app.alert('hello');"))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf("Secret"))))
    writer.encrypt("owner-and-user-password")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def docx(*paragraphs: str) -> bytes:
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _rezip(data: bytes, extra: dict[str, bytes], replace: dict[str, bytes] | None = None,
           compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as target:
        for item in source.infolist():
            body = (replace or {}).get(item.filename, source.read(item))
            target.writestr(item.filename, body)
        for name, body in extra.items():
            target.writestr(name, body)
    return out.getvalue()


def docx_with_macros() -> bytes:
    """What Word saves as .docm, renamed .docx: a VBA project and the macro content type."""
    data = docx("Dear committee")
    types = zipfile.ZipFile(io.BytesIO(data)).read("[Content_Types].xml").replace(
        b"document.main+xml", b"document.macroEnabled.main+xml")
    return _rezip(data, {"word/vbaProject.bin": b"\xd0\xcf\x11\xe0 fake vba"},
                  {"[Content_Types].xml": types})


def zip_bomb_docx() -> bytes:
    """A DOCX with a part that expands a thousandfold (20 MB of zeros in a few kilobytes)."""
    return _rezip(docx("Short letter"), {"word/media/padding.bin": b"\0" * (20 * 1024 * 1024)})


def traversal_docx() -> bytes:
    return _rezip(docx("Hello"), {"../../etc/cron.d/evil": b"* * * * * root true"})


def xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def odt(*paragraphs: str) -> bytes:
    document = OpenDocumentText()
    for text in paragraphs:
        document.text.addElement(P(text=text))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def image(fmt: str = "PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


# The first bytes of a Windows program (an "MZ" header and a PE signature).
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + \
    b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00L\x01" + b"\x00" * 200
