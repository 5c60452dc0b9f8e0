"""The bad-input corpus, generated on the fly (nothing binary is committed)."""

import io
import zipfile


def pdf_bytes(pages=1, text="Schéma d'aménagement et de gestion des eaux Vilaine"):
    """A small valid PDF; every page shares one content stream so 5,000 pages stay cheap."""
    safe = text.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + safe + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        None,  # pages tree, filled below
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    first_page = len(objects) + 1
    kids = b" ".join(b"%d 0 R" % (first_page + i) for i in range(pages))
    objects[1] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages
    page = (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
    )
    objects.extend([page] * pages)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def encrypted_pdf_bytes():
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf_bytes())).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner-secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf_bytes():
    data = pdf_bytes(pages=3)
    return data[: len(data) // 3]


def docx_bytes(text="Compte rendu du comité technique Eau"):
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def docx_bomb_bytes(expanded_mb=40):
    """A .docx whose main part inflates ~1000x: refused before any XML parser runs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        source = zipfile.ZipFile(io.BytesIO(docx_bytes()))
        for item in source.infolist():
            if item.filename != "word/document.xml":
                archive.writestr(item, source.read(item))
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (expanded_mb * 1024 * 1024))
    return out.getvalue()


def xlsx_bytes():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.append(["Commune", "Population"])
    workbook.active.append(["Redon", 9000])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def pptx_bytes():
    from pptx import Presentation

    presentation = Presentation()
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Filière hydrogène MHOOVE"
    out = io.BytesIO()
    presentation.save(out)
    return out.getvalue()


def odt_bytes():
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    document = OpenDocumentText()
    document.text.addElement(P(text="Charte de l'Habiter en milieu rural"))
    out = io.BytesIO()
    document.write(out)
    return out.getvalue()


def png_bytes():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 79, 138)).save(out, format="PNG")
    return out.getvalue()


HTML = b"<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(1)</script><p>Bonjour</p></body></html>"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\x00" * 200
PE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 44
    + b"\x80\x00\x00\x00"
    + b"\x00" * 64
    + b"PE\x00\x00"
    + b"\x00" * 200
)
# Starts as a PDF (libmagic says PDF) but carries HTML and script: stored as a PDF, never rendered as HTML.
POLYGLOT_PDF_HTML = pdf_bytes()[:-6] + HTML + b"\n%%EOF\n"
# Starts as HTML but contains a PDF: refused as a .pdf.
POLYGLOT_HTML_PDF = HTML + pdf_bytes()
