"""Checks an upload must pass before it becomes a document: allowed extension,
content that matches it (sniffed with libmagic, never trusted from the name),
a readable file name, and archive-bomb limits for zipped office formats."""

import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass

import magic

from .. import conf
from ..models import FileKind

SNIFF_BYTES = 256 * 1024

EXECUTABLE_MIMES = {
    "application/x-executable", "application/x-dosexec", "application/x-msdownload", "application/x-sharedlib",
    "application/x-pie-executable", "application/x-mach-binary", "application/x-elf",
    "application/vnd.microsoft.portable-executable",
    "text/x-shellscript", "application/x-shellscript", "application/java-archive", "application/x-msi",
}  # fmt: skip
ZIP = {"application/zip", "application/x-zip-compressed"}
OLE = {"application/x-ole-storage", "application/cdfv2", "application/vnd.ms-office"}

# extension -> (kind, sniffed types that may carry it). "text/*" accepts any text type.
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ALLOWED = {
    "pdf": (FileKind.PDF, {"application/pdf"}),
    "txt": (FileKind.TEXT, {"text/*"}),
    "md": (FileKind.TEXT, {"text/*"}),
    "csv": (FileKind.SPREADSHEET, {"text/*", "application/csv"}),
    "html": (FileKind.TEXT, {"text/html", "text/xml", "text/plain"}),
    "htm": (FileKind.TEXT, {"text/html", "text/xml", "text/plain"}),
    "rtf": (FileKind.TEXT, {"text/rtf", "application/rtf"}),
    "doc": (FileKind.TEXT, OLE | {"application/msword"}),
    "docx": (FileKind.TEXT, ZIP | {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}),
    "odt": (FileKind.TEXT, ZIP | {"application/vnd.oasis.opendocument.text"}),
    "xls": (FileKind.SPREADSHEET, OLE | {"application/vnd.ms-excel"}),
    "xlsx": (FileKind.SPREADSHEET, ZIP | {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
    "ods": (FileKind.SPREADSHEET, ZIP | {"application/vnd.oasis.opendocument.spreadsheet"}),
    "ppt": (FileKind.PRESENTATION, OLE | {"application/vnd.ms-powerpoint"}),
    "pptx": (
        FileKind.PRESENTATION,
        ZIP | {PPTX},
    ),
    "odp": (FileKind.PRESENTATION, ZIP | {"application/vnd.oasis.opendocument.presentation"}),
    "png": (FileKind.IMAGE, {"image/png"}),
    "jpg": (FileKind.IMAGE, {"image/jpeg"}),
    "jpeg": (FileKind.IMAGE, {"image/jpeg"}),
    "gif": (FileKind.IMAGE, {"image/gif"}),
    "webp": (FileKind.IMAGE, {"image/webp"}),
}
ZIPPED_OFFICE = {"docx", "xlsx", "pptx", "odt", "ods", "odp"}

LABELS = {
    "text/html": "une page HTML",
    "application/pdf": "un PDF",
    "application/zip": "une archive ZIP",
    "image/svg+xml": "une image SVG",
    "text/plain": "du texte",
    "application/octet-stream": "des données binaires inconnues",
}


class UploadRefused(Exception):
    """An upload that cannot become a document; ``message`` is for the member, in French."""

    def __init__(self, message, duplicate=None):
        super().__init__(message)
        self.message = message
        self.duplicate = duplicate


@dataclass
class Checked:
    filename: str
    extension: str
    kind: str
    detected_type: str


def sanitize_filename(name, max_bytes=120):
    """A file name safe on every disk and still readable: no folders, no control
    characters, NFC Unicode kept, at most ``max_bytes`` UTF-8 bytes with the extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in name)
    name = re.sub(r'[<>:"|?*]', "_", name)
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    stem, ext = os.path.splitext(name)
    ext = ext.lower()[:10]
    stem = stem.strip() or "document"
    budget = max_bytes - len(ext.encode())
    encoded = stem.encode()
    if len(encoded) > budget:
        stem = encoded[:budget].decode("utf-8", "ignore").rstrip()
    return f"{stem}{ext}"


def sniff(head):
    return magic.from_buffer(head, mime=True).lower()


def _accepts(allowed, mime):
    return mime in allowed or ("text/*" in allowed and mime.startswith("text/"))


def describe(mime):
    return LABELS.get(mime, mime)


def check_upload(uploaded_file):
    """Validate ``uploaded_file`` (a Django UploadedFile) or raise UploadRefused."""
    filename = sanitize_filename(uploaded_file.name)
    extension = os.path.splitext(filename)[1].lstrip(".").lower()
    if extension not in ALLOWED:
        allowed = ", ".join(sorted(ALLOWED))
        raise UploadRefused(
            f"« {filename} » : le type de fichier .{extension or '?'} n'est pas accepté (types acceptés : {allowed})."
        )
    size = uploaded_file.size or 0
    if size == 0:
        raise UploadRefused(f"« {filename} » est vide (0 octet) : rien à déposer.")
    limit = conf.get("DOCUMENT_MAX_UPLOAD_SIZE")
    if size > limit:
        raise UploadRefused(too_large_message(filename))
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    uploaded_file.seek(0)
    mime = sniff(head)
    kind, allowed = ALLOWED[extension]
    if mime in EXECUTABLE_MIMES:
        raise UploadRefused(f"« {filename} » est un programme exécutable : ce type de contenu est refusé.")
    if not _accepts(allowed, mime):
        raise UploadRefused(
            f"« {filename} » n'est pas un vrai fichier .{extension} : son contenu est {describe(mime)}. "
            "Vérifiez le fichier ou enregistrez-le au bon format."
        )
    if extension in ZIPPED_OFFICE and not zipfile.is_zipfile(uploaded_file):
        raise UploadRefused(f"« {filename} » est endommagé : ce n'est pas un document .{extension} lisible.")
    uploaded_file.seek(0)
    return Checked(filename=filename, extension=extension, kind=kind, detected_type=mime)


def too_large_message(filename=None):
    limit_mb = conf.get("DOCUMENT_MAX_UPLOAD_SIZE") / (1024 * 1024)
    who = f"« {filename} »" if filename else "Le fichier"
    return f"{who} dépasse la taille maximale autorisée ({limit_mb:g} Mo)."


class ArchiveRejected(Exception):
    pass


def check_archive(path):
    """Refuse zipped office files that would expand into too much (zip bombs), before any parser opens them."""
    max_entries = conf.get("DOCUMENT_ARCHIVE_MAX_ENTRIES")
    max_total = conf.get("DOCUMENT_ARCHIVE_MAX_UNCOMPRESSED")
    max_ratio = conf.get("DOCUMENT_ARCHIVE_MAX_RATIO")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise ArchiveRejected("archive endommagée, illisible") from exc
    if len(entries) > max_entries:
        raise ArchiveRejected(f"archive suspecte : {len(entries)} éléments (maximum {max_entries})")
    total = sum(entry.file_size for entry in entries)
    if total > max_total:
        raise ArchiveRejected(f"archive suspecte : {total // (1024 * 1024)} Mo une fois décompressée")
    for entry in entries:
        if entry.file_size > 1024 * 1024 and entry.file_size > max_ratio * max(entry.compress_size, 1):
            raise ArchiveRejected(f"archive suspecte : taux de compression anormal ({entry.filename})")
