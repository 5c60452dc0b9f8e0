"""Re-run text extraction and previews, in this process, with a progress bar."""

import sys

from django.core.management.base import BaseCommand, CommandError

from documents.models import ExtractionStatus, IntranetDocument


class Command(BaseCommand):
    help = (
        "Relance l'extraction du texte et des aperçus des documents. Sans option : les documents "
        "en attente. --failed : ceux en échec. --all : tous. Ou des identifiants précis."
    )

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", help="Identifiants de documents (facultatif).")
        parser.add_argument("--failed", action="store_true", help="Documents dont l'extraction a échoué.")
        parser.add_argument("--all", action="store_true", help="Tous les documents (hors corbeille).")

    def handle(self, *args, ids=(), failed=False, all=False, **options):  # noqa: A002
        from documents.services.pipeline import process_document

        if all and failed:
            raise CommandError("Choisissez --all ou --failed, pas les deux.")
        try:
            wanted = [int(value) for value in ids]
        except ValueError as exc:
            raise CommandError(f"Identifiant invalide : {exc}. Donnez des nombres entiers.") from exc
        documents = IntranetDocument.objects.active()
        if wanted:
            documents = documents.filter(pk__in=wanted)
            missing = set(wanted) - set(documents.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"Document(s) introuvable(s) ou à la corbeille : {sorted(missing)}")
        elif failed:
            documents = documents.filter(extraction_status=ExtractionStatus.FAILED)
        elif not all:
            documents = documents.filter(extraction_status=ExtractionStatus.PENDING)
        pks = list(documents.order_by("pk").values_list("pk", flat=True))
        total = len(pks)
        if total == 0:
            self.stdout.write("Aucun document à traiter.")
            return
        outcomes = {}
        for done, pk in enumerate(pks, start=1):
            document = IntranetDocument.objects.filter(pk=pk).first()
            if document is not None:
                status = process_document(document)
                outcomes[status] = outcomes.get(status, 0) + 1
            self._progress(done, total)
        self.stdout.write("")
        summary = ", ".join(f"{ExtractionStatus(k).label} : {v}" for k, v in sorted(outcomes.items()))
        self.stdout.write(self.style.SUCCESS(f"{total} document(s) traité(s) — {summary}"))

    def _progress(self, done, total, width=30):
        filled = int(width * done / total)
        bar = "#" * filled + "-" * (width - filled)
        self.stdout.write(f"\r[{bar}] {done}/{total}", ending="")
        if hasattr(self.stdout, "flush"):
            self.stdout.flush()
        elif sys.stdout:
            sys.stdout.flush()
