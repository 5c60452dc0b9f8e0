"""Digest delivery benchmark: N subscribers over the six demo groups, delivered
to a loopback SMTP sink (aiosmtpd) in batches of DIGEST_BATCH_SIZE, one process.

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python benchmarks/digests_bench.py 10000
"""

import os
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ailb_intranet.settings.dev")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
os.environ.setdefault("EMAIL_HOST", "127.0.0.1")
os.environ.setdefault("EMAIL_PORT", "8338")

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


class Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        return "250 OK"


def main(n):
    from digests import sending
    from digests.models import Delivery, Frequency, Subscription
    from digests.schedule import current_period
    from workgroups.models import WorkingGroupPage

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)
    User = get_user_model()
    groups = list(WorkingGroupPage.objects.order_by("pk"))
    existing = User.objects.filter(username__startswith="bench").count()
    if existing < n:
        User.objects.bulk_create(
            [User(username=f"bench{i}", email=f"bench{i}@example.org", first_name="Abonné", last_name=str(i))
             for i in range(existing, n)], batch_size=2000)  # fmt: skip
        users = list(User.objects.filter(username__startswith="bench").values_list("pk", flat=True))
        Through = User.groups.through
        Through.objects.bulk_create(
            [Through(user_id=pk, group_id=groups[i % len(groups)].members_group_id) for i, pk in enumerate(users)],
            ignore_conflicts=True, batch_size=5000)  # fmt: skip
        Subscription.objects.bulk_create(
            [Subscription(user_id=pk, group=groups[i % len(groups)], frequency=Frequency.WEEKLY)
             for i, pk in enumerate(users)], ignore_conflicts=True, batch_size=5000)  # fmt: skip
    Delivery.objects.all().delete()
    # A moment one week after the seed: every group's news is new.
    now = timezone.now() + timedelta(days=7)
    while current_period(Frequency.WEEKLY, now) is None:
        now += timedelta(hours=1)
    controller = Controller(Sink(), hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    started = time.perf_counter()
    sending.plan(now)
    ids = sending.take_dispatchable()
    size = settings.DIGEST_BATCH_SIZE
    query_counts = []
    for i in range(0, len(ids), size):
        connection.queries_log.clear()
        with CaptureQueriesContext(connection) as ctx:
            result = sending.send_batch(ids[i : i + size])
        query_counts.append((len(result.sent) + len(result.empty), len(ctx.captured_queries)))
    elapsed = time.perf_counter() - started
    controller.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"destinataires planifiés : {len(ids)} ; courriels reçus par le serveur SMTP : {Sink.count}")
    print(f"durée : {elapsed:.1f} s ; débit : {Sink.count / elapsed:.0f} courriels/s ; mémoire max : {peak:.0f} Mo")
    full = sorted({q for s, q in query_counts if s == size})
    print(f"requêtes SQL par lot de {size} : {full} (3 écritures/lectures du registre par courriel + lectures fixes)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10000)
