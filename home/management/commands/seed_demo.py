from django.core.management.base import BaseCommand

from home.demo import seed
from home.demo_data import ADMIN_USERNAME, DEMO_PASSWORD


class Command(BaseCommand):
    help = (
        "Charge les données de démonstration tirées du rapport d'activité 2021 de l'AILB "
        "(groupes, élus, calendrier, actualités). Idempotent : relancer ne duplique rien."
    )

    def handle(self, *args, **options):
        self.stdout.write("Chargement des données de démonstration…")
        seed(log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Données de démonstration prêtes."))
        self.stdout.write(
            f"Connexions de démonstration (usage local uniquement) : « {ADMIN_USERNAME} » (administratrice), "
            f"« v.poteau » (animatrice de tous les groupes), « b.ethore » (membre du groupe hydrogène, privé), "
            f"« c.theveniau » (membre) – mot de passe « {DEMO_PASSWORD} »."
        )
