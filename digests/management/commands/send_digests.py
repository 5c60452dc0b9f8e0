from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from digests import recipients, sending
from digests.content import build_digest
from digests.models import Delivery
from digests.schedule import PARIS, due_periods
from workgroups.models import WorkingGroupPage


class Command(BaseCommand):
    help = (
        "Envoie les lettres d'information dues (quotidiennes et hebdomadaires) en passant par le registre "
        "des envois : une lettre déjà envoyée pour la période ne repart jamais."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Afficher qui recevrait quoi, sans rien envoyer.")
        parser.add_argument("--now", help="Instant de référence ISO 8601 (par défaut : maintenant, Europe/Paris).")
        parser.add_argument(
            "--group", metavar="SLUG", help="Seulement les abonnés de ce groupe (leur lettre reste complète)."
        )

    def handle(self, *args, dry_run=False, now=None, group=None, **options):
        moment = self._parse_now(now)
        group_page = None
        if group:
            group_page = WorkingGroupPage.objects.filter(slug=group).first()
            if group_page is None:
                raise CommandError(
                    f"Groupe inconnu : « {group} ». Groupes existants : "
                    + ", ".join(WorkingGroupPage.objects.order_by("slug").values_list("slug", flat=True))
                )
        periods = due_periods(moment)
        self.stdout.write(f"Instant de référence : {moment.astimezone(PARIS):%d/%m/%Y %H:%M} (Europe/Paris)")
        if not periods:
            self.stdout.write("Aucune lettre n'est due à cet instant.")
            return
        if dry_run:
            self._dry_run(periods, group_page)
            return
        created = sending.plan(moment, group=group_page)
        ids = sending.take_dispatchable()
        if group_page is not None:
            keys = set()
            for period in periods:
                keys.update(sending.due_recipients(period, group_page))
            ids = list(Delivery.objects.filter(pk__in=ids, recipient_key__in=keys).values_list("pk", flat=True))
        self.stdout.write(f"{created} envoi(s) ajouté(s) au registre, {len(ids)} à traiter.")
        result = sending.send_batch(ids)
        for delivery in Delivery.objects.filter(pk__in=result.sent).order_by("pk"):
            self.stdout.write(f"  envoyé : {delivery.email} — {delivery.period} — {delivery.summary}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(result.sent)} envoyée(s), {len(result.empty)} sans nouveauté, "
                f"{len(result.retry)} à réessayer, {len(result.failed)} en échec."
            )
        )
        if result.failed:
            raise CommandError(f"{len(result.failed)} lettre(s) en échec : voir « Lettres d'information › Envois ».")

    def _parse_now(self, value):
        if not value:
            return timezone.now()
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise CommandError(
                f"Date invalide pour --now : « {value} ». Format attendu ISO 8601, par ex. 2026-11-23T08:00 "
                "ou 2026-11-23T08:00+01:00."
            ) from None
        return moment if moment.tzinfo else moment.replace(tzinfo=PARIS)

    def _dry_run(self, periods, group_page):
        self.stdout.write("Simulation (--dry-run) : rien n'est envoyé ni enregistré.")
        total = 0
        for period in periods:
            self.stdout.write(f"Période {period.key} (contenu jusqu'au {period.slot:%d/%m/%Y %H:%M}) :")
            for key in sending.due_recipients(period, group_page):
                if Delivery.objects.filter(
                    recipient_key=key, period=period.key, status__in=["envoye", "vide"]
                ).exists():
                    continue
                recipient = recipients.from_key(key)
                if recipient is None:
                    continue
                probe = Delivery(recipient_key=key, frequency=period.frequency, cutoff=period.slot)
                digest = build_digest(recipient, period.frequency, sending.previous_cutoff(probe), period.slot)
                if digest.is_empty:
                    self.stdout.write(f"  {recipient.email} : rien de nouveau, pas de lettre")
                    continue
                total += 1
                self.stdout.write(f"  {recipient.email} : {digest.summary()}")
                for section in digest.sections:
                    titles = [d["title"] for d in section.documents] + [n["title"] for n in section.news]
                    titles += [m["title"] for m in section.meetings]
                    self.stdout.write(f"    {section.group.title} : " + " ; ".join(titles))
        self.stdout.write(self.style.SUCCESS(f"{total} lettre(s) seraient envoyées."))
