"""First-page preview images (PDF via pypdfium2, images via Pillow), as small PNGs."""

import io

from PIL import Image

from .. import conf

IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}
Image.MAX_IMAGE_PIXELS = 64_000_000  # refuse decompression bombs


def _to_png(image):
    width = conf.get("DOCUMENT_PREVIEW_WIDTH")
    image = image.convert("RGB")
    image.thumbnail((width, width * 2))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def pdf_preview(path):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path)
    try:
        if len(pdf) == 0:
            return None
        page = pdf[0]
        width = page.get_width() or 1
        bitmap = page.render(scale=min(2.0, conf.get("DOCUMENT_PREVIEW_WIDTH") / width))
        return _to_png(bitmap.to_pil())
    finally:
        pdf.close()


def image_preview(path):
    with Image.open(path) as image:
        image.seek(0)
        return _to_png(image)


def make_preview(path, extension):
    """PNG bytes, or None when this type has no preview."""
    if extension == "pdf":
        return pdf_preview(path)
    if extension in IMAGE_EXTENSIONS:
        return image_preview(path)
    return None
