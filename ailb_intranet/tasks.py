"""Hand work to Celery without ever breaking the request that asks for it.

``enqueue(task, *args)`` sends the task after the current transaction commits.
If the broker (Redis) is unreachable, the request goes on: the task is written
to ``ops.PendingTask`` and sent again by ``resend_pending_tasks`` — at worker
start, every few minutes from beat, or by hand with
``manage.py resend_pending_tasks``. Tasks are idempotent, so a resend is safe.
"""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger("ailb.tasks")

# Give up on the broker quickly: the user is waiting for the page.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
BROKER_ERRORS = (OperationalError, ConnectionError, OSError)


def send_now(task_name, args=(), kwargs=None):
    """Publish ``task_name``; raise one of BROKER_ERRORS if the broker is down."""
    from ailb_intranet.celery import app

    app.send_task(task_name, args=list(args), kwargs=kwargs or {}, retry=True, retry_policy=PUBLISH_RETRY_POLICY)


def _send_or_park(task_name, args, kwargs):
    from ailb_intranet.celery import app

    if app.conf.task_always_eager:
        app.tasks[task_name].apply(args=args, kwargs=kwargs, throw=True)
        return
    try:
        send_now(task_name, args, kwargs)
    except BROKER_ERRORS as exc:
        from ops.models import PendingTask

        logger.warning("Courtier injoignable, tâche %s mise en attente : %s", task_name, exc)
        PendingTask.objects.create(task_name=task_name, args=list(args), kwargs=kwargs, error=str(exc)[:500])


def enqueue(task, *args, **kwargs):
    """Run ``task`` (a Celery task or its name) in the background once the transaction commits."""
    task_name = task if isinstance(task, str) else task.name
    transaction.on_commit(lambda: _send_or_park(task_name, args, kwargs))
