from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les médias dans le dossier DEST (neuf ou vide)."

    def add_arguments(self, parser):
        parser.add_argument("dest", help="Dossier de destination")

    def handle(self, dest, **options):
        try:
            manifest = backup(dest)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde écrite dans {dest} ({len(manifest['files'])} fichiers)."))
