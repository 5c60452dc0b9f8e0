from django.core.management.base import BaseCommand, CommandError

from ops.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde (dossier SRC) dans une base de données vide, après vérification des sommes."

    def add_arguments(self, parser):
        parser.add_argument("src", help="Dossier de la sauvegarde")

    def handle(self, src, **options):
        try:
            manifest = restore(src)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Sauvegarde du {manifest['created_at']} restaurée."))
