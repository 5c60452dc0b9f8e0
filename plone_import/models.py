"""What the Plone import remembers: one row per Plone object, keyed by its UID."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class PloneObject(models.Model):
    """A Plone object already imported, and the intranet object it became.

    ``checksum`` covers the exported JSON and the file bytes, so a re-run of the
    same export recognises every item as unchanged."""

    uid = models.CharField("UID Plone", max_length=64, unique=True)
    content_type = models.CharField("Type Plone", max_length=100)
    plone_path = models.CharField("Chemin Plone", max_length=1000)
    modified = models.CharField("Modifié dans Plone", max_length=64, blank=True)
    checksum = models.CharField(max_length=64)
    target_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    imported_at = models.DateTimeField("Importé le", auto_now=True)

    class Meta:
        verbose_name = "Objet Plone importé"
        verbose_name_plural = "Objets Plone importés"
        indexes = [models.Index(fields=["plone_path"])]

    def __str__(self):
        return f"{self.content_type} {self.plone_path}"
