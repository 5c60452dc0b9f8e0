import sys

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from plone_import.importer import Importer
from plone_import.reader import ExportError, open_export
from plone_import.report import Report
from plone_import.side import import_local_roles, import_members, import_redirects, note_relations
from plone_import.tree import apply_ordering
from workgroups.models import WorkingGroupPage


class Command(BaseCommand):
    help = (
        "Importe un export Plone (collective.exportimport ou plone.exportimport) : dossiers, pages, "
        "actualités, événements, liens, fichiers et images, membres, rôles locaux et redirections. "
        "Peut être relancé : ce qui n'a pas changé n'est pas modifié."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="Dossier d'export ou fichier JSON unique")
        parser.add_argument("--dry-run", action="store_true", help="Tout simuler puis tout annuler")
        parser.add_argument(
            "--map", action="append", default=[], metavar="CHEMIN_PLONE=SLUG",
            help="Dossier Plone correspondant à un groupe de travail (répétable), ex. /eau=eau",
        )  # fmt: skip
        parser.add_argument("--default-group", metavar="SLUG", help="Groupe des contenus hors des dossiers mappés")
        parser.add_argument("--blob-home", metavar="DOSSIER", help="Racine des blobs pour les exports par blob_path")

    def _group(self, slug, option):
        group = WorkingGroupPage.objects.filter(slug=slug).first()
        if group is None:
            raise CommandError(f"Groupe de travail inconnu pour {option} : « {slug} ».")
        return group

    def handle(self, *args, path, dry_run, map, default_group, blob_home, **options):
        mapping = {}
        for entry in map:
            plone_path, sep, slug = entry.partition("=")
            if not sep or not plone_path.strip() or not slug.strip():
                raise CommandError(f"--map attend CHEMIN_PLONE=SLUG, reçu « {entry} ».")
            mapping[plone_path.strip()] = self._group(slug.strip(), "--map")
        default = self._group(default_group, "--default-group") if default_group else None
        try:
            export = open_export(path, blob_home)
            total = export.count_and_validate()
            # Side files are read up front too, so a malformed one stops before any change.
            export.members(), export.local_roles(), export.redirects(), export.relations()
            export.ordering(), export.default_pages()
        except ExportError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Export {export.format} : {total} élément(s) de contenu.")

        report = Report()
        written = []
        with transaction.atomic():
            importer = Importer(export, mapping, default, report)
            # Users first, so that creators become owners and uploaders.
            group_members = import_members(export, report)
            progress = tqdm(total=total, unit="élément", file=sys.stderr, disable=None, desc="Import Plone")
            try:
                for item in export.iter_items():
                    importer.import_item(item)
                    if dry_run:
                        written.extend(importer._written)
                        importer._written = []
                    progress.update()
            finally:
                progress.close()
            importer.fix_pending_links()
            apply_ordering(export, importer.mapping, report)
            import_local_roles(export, importer, group_members, report)
            import_redirects(export, report)
            note_relations(export, report)
            report.notes.append(
                "Dossiers hors des chemins mappés : importés comme pages de contenu (home.ContentPage)."
            )
            if dry_run:
                transaction.set_rollback(True)
        if dry_run:
            for name in written:
                default_storage.delete(name)
            self.stdout.write("Simulation (--dry-run) : aucune modification enregistrée.")

        for line in report.lines():
            self.stdout.write(line)
        if report.failed:
            raise CommandError(f"{report.failed} élément(s) en échec, voir le rapport ci-dessus.")
        self.stdout.write(self.style.SUCCESS("Import terminé."))
