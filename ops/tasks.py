import logging

from celery import shared_task
from celery.signals import worker_ready

from ailb_intranet.tasks import BROKER_ERRORS, send_now

logger = logging.getLogger("ailb.ops")


def resend_pending():
    """Send every parked task again, oldest first; stop at the first broker failure."""
    from .models import PendingTask

    sent = 0
    for pending in PendingTask.objects.order_by("pk"):
        try:
            send_now(pending.task_name, pending.args, pending.kwargs)
        except BROKER_ERRORS as exc:
            PendingTask.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1, error=str(exc)[:500])
            logger.warning("Courtier toujours injoignable, %s tâche(s) renvoyée(s) avant l'échec", sent)
            break
        pending.delete()
        sent += 1
    return sent


@shared_task(name="ops.resend_pending_tasks", ignore_result=True)
def resend_pending_tasks():
    return resend_pending()


@worker_ready.connect
def resend_on_worker_start(sender=None, **kwargs):
    # A worker starting means the broker is reachable again.
    try:
        resend_pending()
    except Exception:  # the worker must start even if this fails
        logger.exception("Renvoi des tâches en attente impossible au démarrage")
