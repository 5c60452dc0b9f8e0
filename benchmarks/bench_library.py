#!/usr/bin/env python3
"""Benchmark of the document library, following ../shared/bench/README.md.

    .venv/bin/python benchmarks/bench_library.py --n 5000 \\
        --database-url postgres://postgres@127.0.0.1:5432/ailb_documents

1. seeds N documents of the shared corpus (gen_corpus.py, seed 42) into the Eau group;
2. starts gunicorn on loopback and, as a logged-in member, measures the library page
   (3 warm-up + 30 requests, a new connection each, median/p95 with linear interpolation)
   and its SQL query count;
3. ingest: uploads PDFs over HTTP (extraction included in the request), docs/s and pages/s;
4. uploads one large file (default 200 MB) streamed from disk and reports the server
   worker's peak memory before and after.
"""

import argparse
import hashlib
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values, fraction):
    ordered = sorted(values)
    k = (len(ordered) - 1) * fraction
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def load_corpus(n, seed):
    out = ROOT / "var" / "bench" / f"corpus-{n}-{seed}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists():
        generator = Path(__file__).with_name("gen_corpus.py")
        subprocess.run(
            [sys.executable, str(generator), "--n", str(n), "--seed", str(seed), "--out", str(out)], check=True
        )
    with out.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def setup_django(database_url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"
    os.environ["BENCH_DATABASE_URL"] = database_url
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def ensure_group_and_member():
    from django.contrib.auth import get_user_model

    from home.structure import ensure_site_structure
    from workgroups.membership import Role, set_role
    from workgroups.models import WorkingGroupPage

    tree = ensure_site_structure()
    group = WorkingGroupPage.objects.filter(slug="eau").first()
    if group is None:
        group = WorkingGroupPage(slug="eau", title="Eau", theme="Ressource en eau", visibility="ouvert")
        tree["groups"].add_child(instance=group)
        group.save_revision().publish()
        group.refresh_from_db()
    User = get_user_model()
    users = []
    for i in range(5):
        user, created = User.objects.get_or_create(
            username=f"bench-membre-{i}", defaults={"first_name": f"Membre{i}", "last_name": "Banc"}
        )
        if created:
            user.set_password("banc-d-essai-2021")
            user.save()
        set_role(group, user, Role.MEMBER)
        users.append(user)
    return group, users


def reset_library(group):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from taggit.models import TaggedItem

    from documents.models import DocumentVersion, IntranetDocument

    ids = IntranetDocument.objects.filter(collection=group.collection).values("pk")
    content_type = ContentType.objects.get_for_model(IntranetDocument)
    TaggedItem.objects.filter(content_type=content_type, object_id__in=ids)._raw_delete(connection.alias)
    DocumentVersion.objects.filter(document__in=ids)._raw_delete(connection.alias)
    IntranetDocument.objects.filter(collection=group.collection)._raw_delete(connection.alias)


def library_size(group):
    from documents.models import IntranetDocument

    return IntranetDocument.objects.filter(collection=group.collection, deleted_at__isnull=True).count()


def settings_cache_backend():
    from django.conf import settings

    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def seed(group, users, corpus, batch=2000):
    """Bulk-create the corpus as already-extracted text documents, files on disk included."""
    import datetime

    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from taggit.models import Tag, TaggedItem

    from documents.models import DocumentVersion, ExtractionStatus, IntranetDocument

    folder = Path(settings.MEDIA_ROOT) / "documents" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    content_type = ContentType.objects.get_for_model(IntranetDocument)
    tags = {}
    for record in corpus:
        for name in record["tags"]:
            if name not in tags:
                tags[name] = Tag.objects.get_or_create(name=name, defaults={"slug": name[:100]})[0]
    started = time.perf_counter()
    for start in range(0, len(corpus), batch):
        chunk = corpus[start : start + batch]
        documents = []
        for offset, record in enumerate(chunk):
            body = record["body"].encode()
            name = f"documents/bench/{record['id']}-{record['filename']}"[:250]
            if not name.endswith(".txt"):
                name = name.rsplit(".", 1)[0] + ".txt"
            (Path(settings.MEDIA_ROOT) / name).write_bytes(body)
            documents.append(
                IntranetDocument(
                    title=record["title"][:255],
                    description=record["description"],
                    file=name,
                    collection=group.collection,
                    uploaded_by_user=users[(start + offset) % len(users)],
                    file_size=len(body),
                    file_hash=hashlib.sha1(body).hexdigest(),  # noqa: S324 - Wagtail's hash
                    kind="texte",
                    detected_type="text/plain",
                    extracted_text=record["body"],
                    extraction_status=ExtractionStatus.DONE,
                    page_count=None,
                )  # fmt: skip
            )
        created = IntranetDocument.objects.bulk_create(documents)
        ids = [d.pk for d in created]
        # Spread the years (auto_now_add filled "now"): one update per batch.
        year = 2018 + (start // batch) % 7
        IntranetDocument.objects.filter(pk__in=ids).update(
            created_at=timezone.make_aware(datetime.datetime(year, 1 + (start // batch) % 12, 15))
        )
        DocumentVersion.objects.bulk_create(
            DocumentVersion(document=d, number=1, file=d.file.name, filename=d.file.name.rsplit("/", 1)[-1][:255],
                            file_size=d.file_size, file_hash=d.file_hash, created_by=d.uploaded_by_user)
            for d in created
        )  # fmt: skip
        TaggedItem.objects.bulk_create(
            TaggedItem(content_type=content_type, object_id=d.pk, tag=tags[name])
            for d, record in zip(created, chunk, strict=True)
            for name in record["tags"]
        )
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # statistics and visibility map, as autovacuum would give
            cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def count_queries(group, user, params, cold=False):
    """Queries of one view: warm (what repeated views cost) or cold (first view after a
    change of the collection, caches of the library retired)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from documents.services.library import bump_library

    client = Client()
    client.force_login(user)
    url = f"/groupes/{group.slug}/documents/"
    client.get(url, params)  # the first view builds the cached facets
    if cold:
        bump_library(group.collection_id)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return len(captured)


class Server:
    def __init__(self, port, workers, env, threads=1):
        self.port = port
        self.process = subprocess.Popen(
            # The production configuration (collector freeze), on loopback, quiet.
            [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "-b", f"127.0.0.1:{port}",
             "-w", str(workers), "--threads", str(threads), "--timeout", "600", "--access-logfile", os.devnull,
             "--log-level", "warning", "ailb_intranet.wsgi:application"],
            cwd=ROOT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, _, _ = self.request("GET", "/healthz/")
                if status == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("le serveur gunicorn ne répond pas")

    def request(self, method, path, body=None, headers=None):
        """One request on a new connection (the protocol's "new connection per request")."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()

    def worker_pids(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        return [int(pid) for pid in children]

    @staticmethod
    def memory(pid, field):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # MiB
        return 0.0

    def rss_total(self):
        return sum(self.memory(pid, "VmRSS") for pid in [self.process.pid, *self.worker_pids()])

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


class Session:
    def __init__(self, server, username, password):
        self.server = server
        status, headers, _ = server.request("GET", "/connexion/")
        cookies = self._cookies(headers)
        token = cookies["csrftoken"]
        body = f"username={username}&password={password}&csrfmiddlewaretoken={token}"
        status, headers, _ = server.request(
            "POST", "/connexion/", body,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={token}",
             "Referer": f"http://127.0.0.1:{server.port}/connexion/"},
        )  # fmt: skip
        cookies.update(self._cookies(headers))
        if status != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"connexion impossible ({status})")
        self.cookies = cookies

    @staticmethod
    def _cookies(headers):
        jar = {}
        for name, value in headers:
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                jar[key] = rest.split(";", 1)[0]
        return jar

    def headers(self, extra=None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, "X-CSRFToken": self.cookies["csrftoken"],
                "Referer": f"http://127.0.0.1:{self.server.port}/", **(extra or {})}  # fmt: skip

    def get(self, path):
        return self.server.request("GET", path, headers=self.headers())


def measure(session, path, warmup, count, before=None):
    """``before`` runs ahead of each request, outside the timing (e.g. retire the caches)."""
    for _ in range(warmup):
        status, _, _ = session.get(path)
        assert status == 200, (path, status)
    timings = []
    for _ in range(count):
        if before is not None:
            before()
        started = time.perf_counter()
        status, _, _ = session.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, (path, status)
    return {"median_ms": round(percentile(timings, 0.5), 1), "p95_ms": round(percentile(timings, 0.95), 1)}


def multipart_upload(session, path, filename, content_type, size=None, data=None, chunk=1024 * 1024):
    """POST one file as multipart, streamed: the body is never held in memory."""
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n"
            f"Content-Type: {content_type}\r\n\r\n").encode()  # fmt: skip
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + (len(data) if data is not None else size) + len(tail)

    def body():
        yield head
        if data is not None:
            yield data
        else:
            line = b"Rapport de la commission Eau ; SDAGE Loire-Bretagne ; EPTB Vilaine ; 2021\n"
            block = line * (chunk // len(line))
            sent = 0
            while sent < size:
                piece = block[: min(len(block), size - sent)]
                sent += len(piece)
                yield piece
        yield tail

    headers = session.headers(
        {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length),
         "Accept": "application/json"}
    )  # fmt: skip
    status, _, response = session.server.request("POST", path, body(), headers)
    return status, json.loads(response or b"{}")


def ingest(session, group, corpus, count, pages, threads=2):
    from tests.documents.corpus import pdf_bytes

    files = [
        (f"ingest-{uuid.uuid4().hex[:8]}-{i}.pdf", pdf_bytes(pages=pages, text=" ".join(r["body"].split()[:40])))
        for i, r in enumerate(corpus[:count])
    ]
    path = f"/groupes/{group.slug}/documents/deposer/"
    failures = []

    def work(part):
        for name, data in part:
            status, body = multipart_upload(session, path, name, "application/pdf", data=data)
            if status != 200:
                failures.append((name, status, body))

    started = time.perf_counter()
    workers = [threading.Thread(target=work, args=(files[i::threads],)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    from documents.models import ExtractionStatus, IntranetDocument

    extracted = IntranetDocument.objects.filter(
        title__startswith="ingest-", extraction_status=ExtractionStatus.DONE, page_count=pages
    ).count()
    return {
        "files": count, "pages_per_file": pages, "seconds": round(elapsed, 2), "failures": len(failures),
        "extracted": extracted, "docs_per_s": round(count / elapsed, 1),
        "pages_per_s": round(count * pages / elapsed, 1),
    }  # fmt: skip


def big_upload(session, server, group, megabytes):
    before = {pid: server.memory(pid, "VmHWM") for pid in server.worker_pids()}
    rss_before = {pid: server.memory(pid, "VmRSS") for pid in server.worker_pids()}
    started = time.perf_counter()
    status, body = multipart_upload(
        session, f"/groupes/{group.slug}/documents/deposer/", f"gros-{uuid.uuid4().hex[:6]}.txt", "text/plain",
        size=megabytes * 1024 * 1024,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    after = {pid: server.memory(pid, "VmHWM") for pid in server.worker_pids()}
    growth = max(after[pid] - before.get(pid, after[pid]) for pid in after)
    return {
        "megabytes": megabytes, "status": status, "ok": bool(body.get("results") and body["results"][0].get("ok")),
        "error": (body.get("results") or [{}])[0].get("error", ""), "seconds": round(elapsed, 2),
        "worker_rss_before_mib": round(max(rss_before.values()), 1),
        "worker_peak_growth_mib": round(growth, 1),
    }  # fmt: skip


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    parser.add_argument("--port", type=int, default=8312)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads", type=int, default=1,
        help="fils par processus (1 : processus synchrones, comme toutes les mesures publiées ; la production "
        "en a 2 derrière nginx, qui garde ses connexions ouvertes)",
    )  # fmt: skip
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--ingest", type=int, default=200, help="PDF à déposer pour le débit d'ingestion")
    parser.add_argument("--ingest-pages", type=int, default=5)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--json", help="écrire les résultats dans ce fichier")
    parser.add_argument(
        "--reuse", action="store_true",
        help="garder les documents déjà déposés s'ils sont exactement N (100 000 : plusieurs minutes de moins)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (ou BENCH_DATABASE_URL) est obligatoire : la base est vidée de ses documents.")

    corpus = load_corpus(args.n, args.seed)
    setup_django(args.database_url)
    group, users = ensure_group_and_member()
    if args.reuse and library_size(group) == args.n:
        results = {"n": args.n, "seed": args.seed, "seed_seconds": None, "reused": True}
    else:
        reset_library(group)
        results = {"n": args.n, "seed": args.seed, "seed_seconds": round(seed(group, users, corpus), 1)}
    results["cache"] = settings_cache_backend()
    from django.db import connection

    results["database"] = connection.vendor
    results["queries"] = {
        "page_1": count_queries(group, users[0], {}),
        "last_page": count_queries(group, users[0], {"page": "last"}),
        "filtered": count_queries(group, users[0], {"tag": corpus[0]["tags"][:1], "type": "texte"}),
        "page_1_after_change": count_queries(group, users[0], {}, cold=True),
        "filtered_after_change": count_queries(
            group, users[0], {"tag": corpus[0]["tags"][:1], "type": "texte"}, cold=True
        ),
    }
    connection.close()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings",
           "BENCH_DATABASE_URL": args.database_url}  # fmt: skip
    server = Server(args.port, args.workers, env, args.threads)
    try:
        session = Session(server, users[0].username, "banc-d-essai-2021")
        base = f"/groupes/{group.slug}/documents/"
        tag = corpus[0]["tags"][0]
        results["library"] = {
            "page_1": measure(session, base, args.warmup, args.requests),
            "last_page": measure(session, base + "?page=last", args.warmup, args.requests),
            "filtered": measure(session, f"{base}?tag={quote(tag)}&type=texte&tri=titre", args.warmup, args.requests),
        }
        if results["cache"] != "LocMemCache":  # a change seen by the server needs the shared cache
            from documents.services.library import bump_library

            def change():
                bump_library(group.collection_id)

            filtered = f"{base}?tag={quote(tag)}&type=texte&tri=titre"
            results["library"]["page_1_after_change"] = measure(session, base, 0, args.requests, before=change)
            results["library"]["filtered_after_change"] = measure(session, filtered, 0, args.requests, before=change)
        results["server_rss_mib_after_listing"] = round(server.rss_total(), 1)
        if args.ingest:
            results["ingest"] = ingest(session, group, corpus, args.ingest, args.ingest_pages)
        if args.big_mb:
            results["big_upload"] = big_upload(session, server, group, args.big_mb)
        results["server_rss_mib_end"] = round(server.rss_total(), 1)
    finally:
        server.stop()
    text = json.dumps(results, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    return results


if __name__ == "__main__":
    main()
