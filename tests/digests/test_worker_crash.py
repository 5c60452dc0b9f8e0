"""A real Celery worker (Redis broker) is SIGKILLed in the middle of a batch;
another worker takes over. Every due recipient gets exactly one digest."""

import atexit
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

from digests.models import Delivery, DeliveryStatus
from tests import services
from tests.digests.conftest import wait_for
from workgroups.membership import Role, set_role

ROOT = Path(__file__).resolve().parents[2]
LEASE = 3

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.postgres,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def start_worker(smtp_port, log_path):
    db = settings.DATABASES["default"]
    password = db.get("PASSWORD") or ""
    database_url = f"postgres://{db['USER']}:{password}@{db['HOST']}:{db.get('PORT') or 5432}/{db['NAME']}"
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "ailb_intranet.settings.dev",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": services.redis_url(),
        "REDIS_URL": services.redis_url(),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "DIGEST_SENDING_LEASE": str(LEASE),
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ailb_intranet", "worker", "--pool=solo", "--without-heartbeat",
         "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    # Never leave a worker behind, even if pytest itself is interrupted: a stray
    # worker on the same Redis database would steal the next run's tasks.
    atexit.register(kill, process)
    # Tasks wait in Redis until the worker consumes them; the banner shows it started.
    assert wait_for(lambda: "[tasks]" in Path(log_path).read_text(), timeout=60), Path(log_path).read_text()[-3000:]
    return process


def kill(process):
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def send_tick(when):
    from celery import Celery

    app = Celery("ailb-test-client", broker=services.redis_url())
    app.send_task("digests.tasks.dispatch_due_digests", args=[when.isoformat()])
    app.close()


def test_sigkill_mid_batch_then_new_worker_delivers_each_digest_exactly_once(world, make_user, smtp_sink, tmp_path):
    import redis

    redis.Redis.from_url(services.redis_url()).flushdb()  # our own Redis database: no stale tasks
    for n in range(6):
        set_role(world.open, make_user(f"technicien{n}"), Role.MEMBER)
    expected = Delivery.objects.none()  # filled once planned
    smtp_sink.rcpt_delay = 0.8  # a slow SMTP server: the batch takes seconds
    first = start_worker(smtp_sink.port, tmp_path / "worker1.log")
    second = None
    try:
        send_tick(world.when)
        # Kill while a message is in flight (its recipient held by the slow server), never in the
        # milliseconds between an accepted message and its "envoyé" commit: that window is the one
        # duplicate SMTP cannot rule out (docs/digests.md), not what this test is about.
        in_flight = lambda: len(smtp_sink.messages) >= 3 and smtp_sink.rcpt_waiting > 0  # noqa: E731
        assert wait_for(in_flight, timeout=60, interval=0.02), (tmp_path / "worker1.log").read_text()
        kill(first)  # SIGKILL in the middle of the batch, one message in flight
        delivered_before = len(smtp_sink.messages)
        expected = set(Delivery.objects.values_list("recipient_key", flat=True))
        assert len(expected) == 10 and delivered_before < 10
        # The batch was claimed as a whole: what it had not marked sent (the one in
        # flight and those after it) stays leased to the dead worker until the lease ends.
        sent = Delivery.objects.filter(status=DeliveryStatus.SENT).count()
        assert Delivery.objects.filter(status=DeliveryStatus.SENDING).count() == 10 - sent >= 1

        smtp_sink.rcpt_delay = 0
        second = start_worker(smtp_sink.port, tmp_path / "worker2.log")
        time.sleep(LEASE + 0.5)  # the interrupted send's lease runs out
        send_tick(world.when)  # the next beat tick sweeps up what the dead worker held
        done = wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 10, timeout=60)
        rows = list(Delivery.objects.values_list("recipient_key", "status", "attempts", "last_error"))
        assert done, (rows, smtp_sink.recipients(), (tmp_path / "worker2.log").read_text()[-1500:])
        time.sleep(1)  # let any stray duplicate arrive before counting
    finally:
        kill(first)
        if second is not None:
            kill(second)
    recipients = smtp_sink.recipients()
    assert len(recipients) == 10 and len(set(recipients)) == 10  # nobody twice, nobody skipped
