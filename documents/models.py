"""The intranet's Wagtail document model, its versions and its trash."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import DocumentQuerySet as WagtailDocumentQuerySet
from wagtail.search import index


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    TEXT = "texte", "Texte"
    SPREADSHEET = "tableur", "Tableur"
    PRESENTATION = "presentation", "Présentation"
    IMAGE = "image", "Image"
    OTHER = "autre", "Autre"


class ExtractionStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    DONE = "extrait", "Extrait"
    FAILED = "echec", "Échec"
    UNSUPPORTED = "non_pris_en_charge", "Non pris en charge"


class DocumentQuerySet(WagtailDocumentQuerySet):
    def active(self):
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)


class IntranetDocument(AbstractDocument):
    """Wagtail's document plus what an intranet library needs. The file fields of
    ``AbstractDocument`` always hold the current version; earlier files live in
    ``DocumentVersion`` and are never overwritten."""

    # Longer than Wagtail's 100 characters: sanitised names keep up to 120 bytes.
    file = models.FileField("Fichier", upload_to="documents", max_length=255)
    description = models.TextField("Description", blank=True)
    detected_type = models.CharField("Type détecté", max_length=120, blank=True)
    kind = models.CharField("Type", max_length=20, choices=FileKind.choices, default=FileKind.OTHER)
    page_count = models.PositiveIntegerField("Nombre de pages", null=True, blank=True)
    extracted_text = models.TextField("Texte extrait", blank=True)
    extraction_status = models.CharField(
        "Extraction", max_length=20, choices=ExtractionStatus.choices, default=ExtractionStatus.PENDING
    )
    extraction_error = models.CharField("Raison de l'échec", max_length=500, blank=True)
    extracted_at = models.DateTimeField(null=True, blank=True)
    preview = models.ImageField("Aperçu", upload_to="previews", blank=True)
    shared_with_partners = models.BooleanField(
        "Partagé avec les partenaires",
        default=False,
        help_text="Les partenaires abonnés le recevront dans leur lettre d'information.",
    )
    updated_at = models.DateTimeField("Modifié le", auto_now=True)
    deleted_at = models.DateTimeField("Mis à la corbeille le", null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DocumentQuerySet.as_manager()

    admin_form_fields = (
        "title", "file", "collection", "description", "tags", "shared_with_partners",
    )  # fmt: skip

    search_fields = AbstractDocument.search_fields + [
        index.SearchField("description"),
        index.SearchField("extracted_text"),
        index.FilterField("kind"),
        index.FilterField("deleted_at"),
        index.FilterField("uploaded_by_user"),
        index.FilterField("created_at"),
    ]

    class Meta(AbstractDocument.Meta):
        verbose_name = "Document"
        verbose_name_plural = "Documents"
        permissions = [("choose_document", "Can choose document")]
        # The library reads the first rows of a collection's active documents in one of
        # three orders; partial indexes let PostgreSQL stop after a page instead of sorting all.
        indexes = [
            models.Index(
                "collection",
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="doc_library_date_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["collection", "title", "id"],
                name="doc_library_title_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(
                "collection",
                models.F("file_size").desc(),
                "id",
                name="doc_library_size_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            # The facets (types, years, uploaders, tag counts) and filtered counts read every active
            # document of a collection: from this narrow index (index-only scan) rather than from
            # the wide rows, whose extracted text makes a sequential scan read hundreds of MB.
            models.Index(
                fields=["collection", "kind", "created_at"],
                include=["id", "uploaded_by_user"],
                name="doc_library_facets_idx",
                condition=models.Q(deleted_at__isnull=True),
            ),
            models.Index(fields=["deleted_at"], name="doc_trash_idx", condition=models.Q(deleted_at__isnull=False)),
            models.Index(fields=["collection", "file_hash"], name="doc_hash_idx"),
            models.Index(fields=["extraction_status"], name="doc_extraction_idx"),
        ]

    @property
    def content_type(self):
        return content_type_for(self.filename)

    @property
    def content_disposition(self):
        # Wagtail's serve view expects exactly "inline" for inline files.
        disposition = content_disposition_for(self.filename)
        return "inline" if disposition.startswith("inline") else disposition

    @property
    def is_trashed(self):
        return self.deleted_at is not None

    def move_to_trash(self, user):
        self.deleted_at = timezone.now()
        self.deleted_by = user
        self.save(update_fields=["deleted_at", "deleted_by", "updated_at"])

    def restore_from_trash(self):
        self.deleted_at = None
        self.deleted_by = None
        self.save(update_fields=["deleted_at", "deleted_by", "updated_at"])


# Only these are ever shown in the browser; everything else (HTML, SVG, scripts,
# office files) is a download.
SAFE_INLINE_TYPES = {"application/pdf", "text/plain", "image/png", "image/jpeg", "image/gif", "image/webp"}


def content_type_for(filename):
    import mimetypes

    return mimetypes.guess_type(filename)[0] or "application/octet-stream"


def content_disposition_for(filename, inline_allowed=True):
    from urllib.parse import quote

    inline = inline_allowed and content_type_for(filename) in SAFE_INLINE_TYPES
    disposition = "inline" if inline else "attachment"
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "_").replace("?", "_")
    return f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def version_upload_to(instance, filename):
    return f"documents/versions/{instance.document_id}/{filename}"


class DocumentVersion(models.Model):
    """One file ever uploaded for a document, numbered from 1."""

    document = models.ForeignKey(IntranetDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("Version")
    file = models.FileField("Fichier", upload_to=version_upload_to, max_length=255)
    filename = models.CharField("Nom du fichier", max_length=255)
    file_size = models.PositiveBigIntegerField("Taille", null=True)
    file_hash = models.CharField(max_length=64, blank=True, db_index=True)
    detected_type = models.CharField(max_length=120, blank=True)
    comment = models.CharField("Commentaire", max_length=500, blank=True)
    created_at = models.DateTimeField("Déposée le", default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="unique_document_version")]
        verbose_name = "Version"

    def __str__(self):
        return f"{self.document} — v{self.number}"
