from django.core.management.base import BaseCommand

from ops.tasks import resend_pending


class Command(BaseCommand):
    help = "Renvoie au courtier Celery les tâches mises en attente pendant une panne de Redis."

    def handle(self, **options):
        sent = resend_pending()
        self.stdout.write(f"{sent} tâche(s) renvoyée(s).")
