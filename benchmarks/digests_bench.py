"""Digest delivery benchmark: N subscribers over the six demo groups, delivered
to a loopback SMTP sink (aiosmtpd, in this process).

Two modes:
- one process (default): batches of DIGEST_BATCH_SIZE sent one after the other here;
- ``--celery``: the production path. A real Celery worker (``--concurrency``, prefork,
  Redis broker at CELERY_BROKER_URL or REDIS_URL) consumes the fanned-out
  ``send_digest_batch`` tasks; the run stops by itself once every planned
  digest is done (or after ``--timeout`` seconds, exit code 1).

Both check at the sink that every recipient got exactly one mail (exit code 1
otherwise), then count the SQL queries of one batch at two batch sizes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ailb_bench .venv/bin/python benchmarks/digests_bench.py 10000
    DATABASE_URL=… REDIS_URL=redis://127.0.0.1:6379/5 .venv/bin/python benchmarks/digests_bench.py 10000 --celery
"""

import argparse
import collections
import contextlib
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ailb_intranet.settings.dev")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
os.environ.setdefault("EMAIL_HOST", "127.0.0.1")
os.environ.setdefault("EMAIL_PORT", "8338")
if os.environ.get("REDIS_URL", "").startswith("redis://"):
    os.environ.setdefault("CELERY_BROKER_URL", os.environ["REDIS_URL"])

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
    """Counts the mails the SMTP server accepted, per recipient address."""

    def __init__(self):
        self.received = collections.Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        return "250 OK"

    @property
    def count(self):
        with self.lock:
            return sum(self.received.values())


def prepare(n):
    """Demo data plus ``n`` members spread over the six groups, all weekly; returns the sending moment."""
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
    # Only the first n bench members take part (a smaller run after a bigger one).
    Subscription.objects.filter(user__username__startswith="bench").exclude(
        user__username__in=[f"bench{i}" for i in range(n)]
    ).update(frequency=Frequency.NEVER)
    Subscription.objects.filter(user__username__in=[f"bench{i}" for i in range(n)]).update(frequency=Frequency.WEEKLY)
    Delivery.objects.all().delete()
    # A moment one week after the seed: every group's news is new.
    now = timezone.now() + timedelta(days=7)
    while current_period(Frequency.WEEKLY, now) is None:
        now += timedelta(hours=1)
    return now


def run_in_process(ids, size):
    from digests import sending

    for i in range(0, len(ids), size):
        sending.send_batch(ids[i : i + size])


def database_url():
    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db.get('PORT') or 5432}/{db['NAME']}"


def start_worker(broker, concurrency, log_path):
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "ailb_intranet.settings.dev",
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "DEBUG": "0",
        "PYTHONUNBUFFERED": "1",
    })  # fmt: skip
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    log = open(log_path, "w")  # noqa: SIM115 - closed with the process
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ailb_intranet", "worker", "--pool=prefork",
         f"--concurrency={concurrency}", "--without-heartbeat", "--without-gossip", "--without-mingle",
         "-l", "INFO"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    return process


def worker_pids(root_pid):
    """The worker's main process and its pool children (Linux /proc)."""
    pids, todo = [], [root_pid]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
    return pids


def peak_rss_mb(pid):
    """VmHWM: the process's peak resident memory, in MB."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def cpu_seconds(pid):
    """User + system CPU time of process ``pid`` so far (Linux /proc), 0 if gone."""
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


def other_backends():
    """PostgreSQL server processes serving the other connections to this database (the worker's)."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [pid for (pid,) in cursor.fetchall()]


def own_backend():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def run_with_celery(ids, size, concurrency, timeout, log_path):
    """Fan the batches out to a real worker; returns (seconds, peak RSS per worker process, CPU seconds)."""
    import redis

    from digests.models import Delivery, DeliveryStatus
    from digests.tasks import send_digest_batch

    broker = os.environ.get("CELERY_BROKER_URL") or os.environ.get("REDIS_URL")
    if not broker or not broker.startswith("redis://"):
        sys.exit("--celery demande un courtier Redis (CELERY_BROKER_URL ou REDIS_URL=redis://…)")
    redis.Redis.from_url(broker).flushdb()  # our own Redis database: no stale tasks
    worker = start_worker(broker, concurrency, log_path)
    try:
        # Ready once it answers a ping: its pool is up and it consumes from the broker.
        from ailb_intranet.celery import app

        deadline = time.monotonic() + 120
        while not app.control.ping(timeout=0.5):
            if worker.poll() is not None or time.monotonic() > deadline:
                sys.exit(f"le worker ne démarre pas :\n{Path(log_path).read_text()[-3000:]}")
        startup_cpu = sum(cpu_seconds(pid) for pid in worker_pids(worker.pid))  # imports, django.setup
        started = time.perf_counter()
        for i in range(0, len(ids), size):
            send_digest_batch.delay(ids[i : i + size])
        pending = Delivery.objects.exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.EMPTY])
        peaks, backend_cpu = {}, {}
        while True:
            for pid in worker_pids(worker.pid):
                peaks[pid] = max(peaks.get(pid, 0.0), peak_rss_mb(pid))
            # The worker's connections may close between tasks: sample them while they live.
            for pid in other_backends():
                backend_cpu[pid] = max(backend_cpu.get(pid, 0.0), cpu_seconds(pid))
            if not pending.exists():
                break
            if time.perf_counter() - started > timeout:
                print(f"ÉCHEC : pas fini après {timeout} s ; {pending.count()} lettre(s) en suspens", file=sys.stderr)
                print(Path(log_path).read_text()[-3000:], file=sys.stderr)
                sys.exit(1)
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        for pid in worker_pids(worker.pid):
            peaks[pid] = max(peaks.get(pid, 0.0), peak_rss_mb(pid))
        cpu = {
            "worker": sum(cpu_seconds(pid) for pid in worker_pids(worker.pid)) - startup_cpu,
            "postgresql (échantillonné)": sum(backend_cpu.values()),
        }
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    return elapsed, peaks, cpu


def queries_per_batch(now, sizes):
    """SQL queries of one batch at each of ``sizes`` (same cold start each time)."""
    from django.core.cache import cache

    from digests import sending
    from digests.models import Delivery

    counts = {}
    for size in sizes:
        Delivery.objects.all().delete()
        sending.plan(now)
        ids = sending.take_dispatchable()[:size]
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            result = sending.send_batch(ids)
        counts[size] = (len(result.sent) + len(result.empty), len(ctx.captured_queries))
    Delivery.objects.all().delete()
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("subscribers", type=int, nargs="?", default=10000)
    parser.add_argument("--celery", action="store_true", help="envoyer par un vrai worker Celery")
    parser.add_argument("--concurrency", type=int, default=2, help="processus du worker (--celery)")
    parser.add_argument("--timeout", type=float, default=900, help="secondes avant d'abandonner (--celery)")
    parser.add_argument(
        "--log", default=str(ROOT / "var" / "digests-bench-worker.log"), help="journal du worker (--celery)"
    )
    args = parser.parse_args()

    from digests import sending
    from digests.models import Delivery, DeliveryStatus

    now = prepare(args.subscribers)
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    size = settings.DIGEST_BATCH_SIZE
    try:
        started = time.perf_counter()
        sending.plan(now)
        ids = sending.take_dispatchable()
        planning = time.perf_counter() - started
        own_cpu = resource.getrusage(resource.RUSAGE_SELF)
        own_cpu = own_cpu.ru_utime + own_cpu.ru_stime
        backend = own_backend()
        backend_cpu = cpu_seconds(backend) if backend else 0.0
        if args.celery:
            elapsed, peaks, cpu = run_with_celery(ids, size, args.concurrency, args.timeout, args.log)
            children = [mb for pid, mb in peaks.items() if pid != min(peaks)]
            memory = (
                f"mémoire max du worker : {max(peaks.values()):.0f} Mo par processus, "
                f"{sum(peaks.values()):.0f} Mo en tout ({len(peaks)} processus dont {len(children)} d'envoi)"
            )
            mode = f"worker Celery --concurrency {args.concurrency}"
        else:
            started = time.perf_counter()
            run_in_process(ids, size)
            elapsed = time.perf_counter() - started
            cpu = {"envoi + serveur SMTP": None, "postgresql": 0.0}
            memory = f"mémoire max : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} Mo"
            mode = "un processus"
        time.sleep(0.5)  # let any stray duplicate reach the sink before counting
        if backend:  # this process's own connection: planning excluded, polling (celery) or sending
            cpu["postgresql ce processus" if args.celery else "postgresql"] = (
                cpu.get("postgresql", 0.0) + cpu_seconds(backend) - backend_cpu
            )
        usage = resource.getrusage(resource.RUSAGE_SELF)
        here = usage.ru_utime + usage.ru_stime - own_cpu  # the SMTP sink (and, in one process, the sending)
        if args.celery:
            cpu["serveur SMTP (ce processus)"] = here
        else:
            cpu["envoi + serveur SMTP"] = here
        sent = Delivery.objects.filter(status=DeliveryStatus.SENT)
        expected = collections.Counter(sent.values_list("email", flat=True))
        received = dict(sink.received)
        unfinished = Delivery.objects.exclude(status__in=[DeliveryStatus.SENT, DeliveryStatus.EMPTY]).count()
        print(f"mode : {mode} ; lots de {size} ; charge : {Path('/proc/loadavg').read_text().strip()}")
        print(f"destinataires planifiés : {len(ids)} ; courriels reçus par le serveur SMTP : {sink.count}")
        print(
            f"durée : planification {planning:.1f} s + envoi {elapsed:.1f} s ; "
            f"débit de l'envoi : {sink.count / elapsed:.0f} courriels/s ; {memory}"
        )
        per_mail = " ; ".join(f"{name} {1000 * seconds / max(sink.count, 1):.2f}" for name, seconds in cpu.items())
        print(f"temps CPU par courriel (ms) : {per_mail}")
        twice = [address for address, n in received.items() if n > 1]
        missing = [address for address in expected if address not in received]
        if unfinished or twice or missing or received.keys() != expected.keys():
            print(f"ÉCHEC : {unfinished} non terminée(s), {len(twice)} en double, {len(missing)} manquante(s)")
            return 1
        print(f"vérifié : chacun des {len(expected)} destinataires a reçu exactement un courriel")
        counts = queries_per_batch(now, sorted({max(size // 2, 1), size}))
        print(
            "requêtes SQL par lot : "
            + " ; ".join(f"{n} lettres → {q}" for n, q in counts.values())
            + " (lectures fixes + 1 écriture du registre par courriel)"
        )
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
