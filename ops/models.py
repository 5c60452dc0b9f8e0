from django.db import models


class PendingTask(models.Model):
    """A Celery task that could not be handed to the broker (Redis down).
    ``ops.resend_pending_tasks`` sends it again once the broker is back."""

    task_name = models.CharField("Tâche", max_length=200)
    args = models.JSONField("Arguments", default=list)
    kwargs = models.JSONField("Arguments nommés", default=dict)
    error = models.CharField("Dernière erreur", max_length=500, blank=True)
    attempts = models.PositiveIntegerField("Tentatives", default=1)
    created_at = models.DateTimeField("Créée le", auto_now_add=True)

    class Meta:
        verbose_name = "tâche en attente du courtier"
        verbose_name_plural = "tâches en attente du courtier"
        ordering = ["pk"]

    def __str__(self):
        return f"{self.task_name}{tuple(self.args)}"
