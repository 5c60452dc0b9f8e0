"""Text extraction with maintained parsers, bounded in pages and characters.

``extract(path, extension)`` returns ``(text, page_count)`` or raises
``ExtractionFailed`` (with a French reason) / ``Unsupported``."""

import zipfile

from .. import conf
from .guards import ZIPPED_OFFICE, ArchiveRejected, check_archive


class ExtractionFailed(Exception):
    pass


class Unsupported(Exception):
    pass


class _Collector:
    """Accumulates text up to the character limit, then signals to stop."""

    def __init__(self):
        self.limit = conf.get("DOCUMENT_EXTRACT_MAX_CHARS")
        self.parts = []
        self.size = 0

    @property
    def full(self):
        return self.size >= self.limit

    def add(self, text):
        if not text or self.full:
            return
        text = text[: self.limit - self.size]
        self.parts.append(text)
        self.size += len(text)

    def text(self):
        return "\n".join(self.parts).replace("\x00", "").strip()


def extract_pdf(path):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message:
            raise ExtractionFailed("PDF chiffré (protégé par mot de passe)") from exc
        raise ExtractionFailed("PDF endommagé ou illisible") from exc
    try:
        pages = len(pdf)
        out = _Collector()
        for index in range(min(pages, conf.get("DOCUMENT_EXTRACT_MAX_PAGES"))):
            page = pdf[index]
            textpage = page.get_textpage()
            out.add(textpage.get_text_range())
            textpage.close()
            page.close()
            if out.full:
                break
        return out.text(), pages
    finally:
        pdf.close()


def extract_docx(path):
    import docx

    document = docx.Document(path)
    out = _Collector()
    for paragraph in document.paragraphs:
        out.add(paragraph.text)
        if out.full:
            break
    for table in document.tables:
        for row in table.rows:
            out.add(" | ".join(cell.text for cell in row.cells))
            if out.full:
                return out.text(), None
    return out.text(), None


def extract_odf(path):
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    document = load(path)
    out = _Collector()
    for element in document.getElementsByType(H) + document.getElementsByType(P):
        out.add(teletype.extractText(element))
        if out.full:
            break
    return out.text(), None


def extract_xlsx(path):
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    out = _Collector()
    try:
        for sheet in workbook.worksheets:
            out.add(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells = [str(value) for value in row if value is not None]
                if cells:
                    out.add(" ".join(cells))
                if out.full:
                    return out.text(), len(workbook.worksheets)
        return out.text(), len(workbook.worksheets)
    finally:
        workbook.close()


def extract_pptx(path):
    from pptx import Presentation

    presentation = Presentation(path)
    out = _Collector()
    slides = presentation.slides
    for slide in slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                out.add(shape.text_frame.text)
        if out.full:
            break
    return out.text(), len(slides) or None


def _read_capped(path):
    limit = conf.get("DOCUMENT_EXTRACT_MAX_CHARS") * 4
    with open(path, "rb") as handle:
        return handle.read(limit)


def extract_plain(path):
    from charset_normalizer import from_bytes

    data = _read_capped(path)
    # Detecting on a sample keeps big files fast; the whole capped text is then decoded.
    best = from_bytes(data[: 512 * 1024]).best()
    if best is None:
        raise ExtractionFailed("encodage des caractères non reconnu")
    out = _Collector()
    out.add(data.decode(best.encoding, errors="replace"))
    return out.text(), None


def extract_html(path):
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_read_capped(path), "lxml")
    for element in soup(["script", "style", "noscript", "template"]):
        element.decompose()
    out = _Collector()
    out.add(soup.get_text(" ", strip=True))
    return out.text(), None


EXTRACTORS = {
    "pdf": extract_pdf,
    "docx": extract_docx,
    "odt": extract_odf,
    "ods": extract_odf,
    "odp": extract_odf,
    "xlsx": extract_xlsx,
    "pptx": extract_pptx,
    "txt": extract_plain,
    "csv": extract_plain,
    "md": extract_plain,
    "html": extract_html,
    "htm": extract_html,
}


def extract(path, extension):
    extractor = EXTRACTORS.get(extension)
    if extractor is None:
        raise Unsupported(f"extraction non prise en charge pour .{extension}")
    if extension in ZIPPED_OFFICE:
        try:
            check_archive(path)
        except ArchiveRejected as exc:
            raise ExtractionFailed(str(exc)) from exc
    try:
        return extractor(path)
    except (ExtractionFailed, Unsupported):
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, AttributeError, IndexError, EOFError) as exc:
        raise ExtractionFailed(f"fichier endommagé ou illisible ({type(exc).__name__})") from exc
    except Exception as exc:  # noqa: BLE001 - parsers raise their own error types
        if isinstance(exc, (OSError, MemoryError)):
            raise
        raise ExtractionFailed(f"fichier illisible ({type(exc).__name__})") from exc
