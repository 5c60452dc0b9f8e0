"""Digest subscriptions (members and external partners) and the delivery ledger."""

from django.conf import settings
from django.db import models
from django.db.models import Q


class Frequency(models.TextChoices):
    DAILY = "quotidien", "Quotidienne"
    WEEKLY = "hebdomadaire", "Hebdomadaire"
    NEVER = "aucun", "Aucune (désabonné·e)"


SENDING_FREQUENCIES = (Frequency.DAILY, Frequency.WEEKLY)


class Partner(models.Model):
    """An external partner (Région, Département, ANCT, GAL LEADER…) who receives
    digests by email without an intranet account."""

    email = models.EmailField("Adresse électronique", unique=True)
    name = models.CharField("Nom", max_length=200)
    organisation = models.CharField("Organisme", max_length=200, blank=True)
    is_active = models.BooleanField("Actif", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "Partenaire abonné"
        verbose_name_plural = "Partenaires abonnés"
        ordering = ["organisation", "name"]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    @property
    def recipient_key(self):
        return f"partner:{self.pk}"


class Subscription(models.Model):
    """One recipient (a member *or* a partner) following one working group."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="digest_subscriptions"
    )
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions")
    group = models.ForeignKey(
        "workgroups.WorkingGroupPage",
        on_delete=models.CASCADE,
        related_name="digest_subscriptions",
        verbose_name="Groupe",
    )
    frequency = models.CharField(
        "Fréquence", max_length=20, choices=Frequency.choices, default=Frequency.WEEKLY, db_index=True
    )
    updated_at = models.DateTimeField("Modifié le", auto_now=True)

    class Meta:
        verbose_name = "Abonnement"
        verbose_name_plural = "Abonnements"
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, partner__isnull=True) | Q(user__isnull=True, partner__isnull=False),
                name="digest_subscription_one_recipient",
            ),
            models.UniqueConstraint(fields=["user", "group"], name="digest_unique_user_group"),
            models.UniqueConstraint(fields=["partner", "group"], name="digest_unique_partner_group"),
        ]

    def __str__(self):
        return f"{self.recipient} — {self.group} ({self.get_frequency_display()})"

    @property
    def recipient(self):
        return self.user or self.partner

    @property
    def recipient_key(self):
        return f"user:{self.user_id}" if self.user_id else f"partner:{self.partner_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "en_attente", "En attente"
    SENDING = "envoi", "Envoi en cours"
    RETRY = "a_reessayer", "À réessayer"
    SENT = "envoye", "Envoyé"
    EMPTY = "vide", "Rien de nouveau"
    FAILED = "echec", "Échec"


DONE_STATUSES = (DeliveryStatus.SENT, DeliveryStatus.EMPTY)


class Delivery(models.Model):
    """The ledger: one row per (recipient, period). The unique key makes each
    digest exactly-once; the status and lease make a crashed send retryable."""

    recipient_key = models.CharField("Destinataire", max_length=40)
    period = models.CharField("Période", max_length=40, help_text="Fréquence et date, par ex. hebdomadaire:2026-W48")
    frequency = models.CharField("Fréquence", max_length=20, choices=Frequency.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries")
    email = models.EmailField("Adresse", blank=True)
    cutoff = models.DateTimeField("Contenu jusqu'au")
    since = models.DateTimeField("Contenu depuis", null=True, blank=True)
    status = models.CharField(
        "Statut", max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("Tentatives", default=0)
    lease_until = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField("Prochaine tentative", null=True, blank=True)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField("Erreur", blank=True)
    message_id = models.CharField("Message-ID", max_length=255, blank=True)
    summary = models.CharField("Contenu", max_length=255, blank=True)
    created_at = models.DateTimeField("Créé le", auto_now_add=True)
    sent_at = models.DateTimeField("Envoyé le", null=True, blank=True)

    class Meta:
        verbose_name = "Envoi de lettre"
        verbose_name_plural = "Envois de lettres"
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient_key", "period"], name="digest_delivery_once")]
        indexes = [models.Index(fields=["recipient_key", "frequency", "status"])]

    def __str__(self):
        return f"{self.email or self.recipient_key} — {self.period}"
