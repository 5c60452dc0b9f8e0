#!/usr/bin/env python3
"""Search benchmark (protocol: ../shared/bench/README.md).

Seeds N documents of the shared corpus (seed 42) into one open working group
directly through the ORM and the search index, starts gunicorn on loopback,
logs a member in, then measures over HTTP (one sequential client, a new
connection per request, 3 warm-up requests, then one request per search word,
each word first time):

  * the search page (HTML, with facets and snippets),
  * the suggestions endpoint (JSON).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ailb_search \\
        .venv/bin/python benchmarks/bench_search.py --n 5000 --port 8321

Prints a table and writes JSON to var/bench/search-<n>.json.
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GROUP_SLUG = "banc-essai"
WARMUP_WORDS = ["projet", "dossier", "contrat"]  # not among the measured queries

# 30 queries besides the corpus's 20 search words (none of them a warm-up word), each measured once:
# two words, phrases in quotes, rare and common terms, exclusions with a minus, forms to stem or unaccent.
MORE_QUERIES = [
    # two or three words (all must match)
    "rapport budget", "réunion direction", "facture paiement", "formation salarié", "sécurité réseau",
    "budget télétravail", "réunion marseille", "serveur kubernetes", "toner cartouche",
    "budget formation qualité",
    # phrases
    '"rapport réunion"', '"service budget"', '"mot passe"', '"cahier charges"', '"note frais"',
    # exclusions
    "rapport -budget", "télétravail -rgpd", "réunion -marseille", "budget -toner", "facture -paiement",
    # rare terms
    "kubernetes", "ajaccio", "hackathon", "webinaire", "trombone",
    # common terms, and forms that need stemming or unaccenting
    "réunion", "qualité", "reunion", "securite", "factures",
]  # fmt: skip


def percentile(values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def generate_corpus(n, seed):
    out = ROOT / "var" / "bench" / f"corpus-{n}-{seed}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.exists() or not Path(f"{out}.searchwords.json").exists():
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "gen_corpus.py"),
                "--n",
                str(n),
                "--seed",
                str(seed),
                "--out",
                str(out),
            ],
            check=True,
        )
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    words = json.loads(Path(f"{out}.searchwords.json").read_text(encoding="utf-8"))
    return records, words


def setup_django():
    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.bench_settings"  # same settings as the server
    os.environ.setdefault("BENCH_DATABASE_URL", os.environ["DATABASE_URL"])
    os.environ.setdefault("BENCH_REDIS_URL", os.environ.get("REDIS_URL", ""))
    import django

    django.setup()


def _vector_sql(texts, config):
    """(SQL, params) of the tsvector Wagtail's PostgreSQL indexer builds from [(text, weight)]."""
    texts = [(text.strip(), weight) for text, weight in texts]
    texts = [(text, weight) for text, weight in texts if text]
    if not texts:
        return "to_tsvector('')", []  # Wagtail's EMPTY_VECTOR
    sql = " || ".join("setweight(to_tsvector(%s::regconfig, %s), %s)" for _ in texts)
    return sql, [value for text, weight in texts for value in (config, text, weight)]


def bulk_index(model, objs):
    """Index ``objs`` as Wagtail's PostgreSQL backend (``add_bulk``) would, in one INSERT, writing the
    SQL directly instead of compiling ~10 Django expressions per object (2/3 of ``add_bulk``'s time
    when seeding, per cProfile). ``tests/search/test_benchmark.py`` checks that the rows are identical
    to Wagtail's; title norms are refreshed once by the caller (``refresh_title_norms``)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from modelsearch.backends.database.postgres.postgres import ObjectIndexer
    from modelsearch.index import AutocompleteField, SearchField
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    content_type = ContentType.objects.get_for_model(model).pk
    rows, params = [], []
    for obj in objs:
        indexer = ObjectIndexer(obj, backend)
        title, body, autocomplete = [], [], []
        for search_field in indexer.search_fields:
            for field, weight, value in indexer.prepare_field(obj, search_field):
                if isinstance(field, SearchField):
                    (title if field.field_name == "title" else body).append((value, weight))
                elif isinstance(field, AutocompleteField):
                    autocomplete.append((value, weight))
        vectors = [
            _vector_sql(title, backend.config),
            _vector_sql(autocomplete, backend.autocomplete_config),
            _vector_sql(body, backend.config),
        ]
        rows.append(f"(%s, %s, {vectors[0][0]}, {vectors[1][0]}, {vectors[2][0]}, 1.0, %s, %s)")
        params += [content_type, str(obj.pk), *vectors[0][1], *vectors[1][1], *vectors[2][1]]
        params += [
            " ".join(t.strip() for t, _w in title if t.strip()),
            " ".join(t.strip() for t, _w in body if t.strip()),
        ]
    if not rows:
        return
    values = ", ".join(rows)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title, autocomplete, body, title_norm,"  # noqa: S608 — placeholders only
            f" title_text, body_text) VALUES {values} ON CONFLICT (content_type_id, object_id) DO UPDATE SET"
            " title = EXCLUDED.title, title_norm = 1.0, autocomplete = EXCLUDED.autocomplete,"
            " body = EXCLUDED.body, title_text = EXCLUDED.title_text, body_text = EXCLUDED.body_text",
            params,
        )


def refresh_title_norms():
    """What Wagtail's ``add_bulk`` does after each batch: title norms of the new entries."""
    from wagtail.search.backends import get_search_backend

    from documents.models import IntranetDocument

    get_search_backend().get_index_for_model(IntranetDocument)._refresh_title_norms()


def seed(records, batch_size=1000):
    """(member user, documents added, seconds spent).

    Reuses what is already there: the corpus is deterministic and a smaller corpus is a prefix of a
    larger one (same seed), so a database seeded with 5,000 documents grows to 10,000 by adding the
    missing 5,000; a larger one is emptied and reseeded (``BENCH_RESEED=1`` forces it). Documents,
    tags and index entries are inserted in batches (bulk_create, then one ``add_bulk`` per batch
    with the tags prefetched), then the tables are analysed, as autovacuum would do in production."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from taggit.models import Tag, TaggedItem

    from documents.models import FileKind, IntranetDocument
    from home.structure import ensure_site_structure
    from workgroups.membership import Role, set_role
    from workgroups.models import WorkingGroupPage

    started = time.monotonic()
    tree = ensure_site_structure()
    group = WorkingGroupPage.objects.filter(slug=GROUP_SLUG).first()
    if group is None:
        group = WorkingGroupPage(slug=GROUP_SLUG, title="Banc d'essai", theme="Mesures", visibility="ouvert")
        tree["groups"].add_child(instance=group)
        group.save_revision().publish()
        group.refresh_from_db()
    member, _ = get_user_model().objects.get_or_create(username="bench-membre", defaults={"email": "b@example.org"})
    set_role(group, member, Role.MEMBER)

    doc_ct = ContentType.objects.get_for_model(IntranetDocument)
    existing = IntranetDocument.objects.filter(collection=group.collection)
    present = existing.count()
    last = existing.order_by("-pk").values_list("title", flat=True).first()
    reusable = (
        os.environ.get("BENCH_RESEED") != "1"
        and present <= len(records)
        and (present == 0 or last == records[present - 1]["title"])
    )
    if not reusable:
        from modelsearch.conf import get_app_config

        ids = list(existing.values_list("pk", flat=True))
        entries = get_app_config().get_model("IndexEntry").objects.filter(content_type=doc_ct)
        entries.filter(object_id__in=[str(pk) for pk in ids]).delete()
        TaggedItem.objects.filter(content_type=doc_ct, object_id__in=ids).delete()
        existing.delete()
        present = 0
    missing = records[present:]
    if not missing:
        return member, 0, None

    kinds = [FileKind.PDF, FileKind.TEXT, FileKind.SPREADSHEET, FileKind.PRESENTATION]
    tag_ids = dict(Tag.objects.values_list("name", "pk"))
    for batch_start in range(0, len(missing), batch_size):
        batch = missing[batch_start : batch_start + batch_size]
        with transaction.atomic():
            documents = IntranetDocument.objects.bulk_create(
                [
                    IntranetDocument(
                        title=r["title"], description=r["description"], extracted_text=r["body"],
                        file=f"documents/bench/{r['filename']}", file_size=len(r["body"].encode()),
                        collection=group.collection, kind=kinds[(present + batch_start + i) % len(kinds)],
                        extraction_status="extrait",
                    )
                    for i, r in enumerate(batch)
                ]
            )  # fmt: skip
            items = []
            for document, record in zip(documents, batch, strict=True):
                for name in record["tags"]:
                    if name not in tag_ids:
                        tag_ids[name] = Tag.objects.get_or_create(name=name)[0].pk
                    items.append(TaggedItem(tag_id=tag_ids[name], content_type=doc_ct, object_id=document.pk))
            TaggedItem.objects.bulk_create(items)
            # tags prefetched: the indexer reads them for every document (one query per batch, not per document)
            fresh = IntranetDocument.objects.filter(pk__in=[d.pk for d in documents]).prefetch_related("tags")
            bulk_index(IntranetDocument, fresh)
        done = present + batch_start + len(batch)
        if done % 10_000 < batch_size:
            rate = (done - present) / (time.monotonic() - started)
            print(f"  {done} documents ({rate:.0f}/s)", flush=True)
    refresh_title_norms()
    with connection.cursor() as cursor:
        # fresh statistics and visibility map, as autovacuum leaves them (without them the planner
        # probes the index row by row: tens of seconds per query at 5,000 documents)
        for table in ("wagtailsearch_indexentry", "documents_intranetdocument", "taggit_taggeditem"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    return member, len(missing), time.monotonic() - started


def session_cookie(user):
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def get(port, path, cookie):
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # a new connection per request
    connection.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    elapsed = (time.perf_counter() - started) * 1000
    if response.status != 200:
        raise SystemExit(f"GET {path} → {response.status}")
    return elapsed, body


def rss_mib(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total / 1024


def server_pids(master_pid):
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    return [master_pid] + [int(p) for p in children.read_text().split()] if children.exists() else [master_pid]


def start_server(port, workers, threads=1):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.bench_settings"}
    process = subprocess.Popen(
        # The production configuration (collector freeze, timeouts), on loopback, quiet.
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "-b", f"127.0.0.1:{port}", "-w", str(workers),
         "--threads", str(threads), "--access-logfile", os.devnull, "--log-level", "warning",
         "ailb_intranet.wsgi:application"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz/")
            connection.getresponse().read()
            return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("le serveur ne répond pas")


def summary(samples):
    return {"median_ms": statistics.median(samples), "p95_ms": percentile(samples, 0.95), "samples": samples}


def measure(port, cookie, words):
    """The page with and without facets (« facettes=non ») for the 20 words and the 30 other queries,
    then the suggestions for the 20 words."""

    def page(query, facets=True):
        return "/recherche/?" + urllib.parse.urlencode({"q": query, **({} if facets else {"facettes": "non"})})

    def run(path_for, queries):
        for word in WARMUP_WORDS:
            get(port, path_for(word), cookie)
        return [get(port, path_for(query), cookie)[0] for query in queries]

    for word in WARMUP_WORDS:
        get(port, page(word, facets=False), cookie)
    # Both modes on every query, alternating which goes first (first time for PostgreSQL's cache and
    # the page's caches), so that neither mode is favoured: 25 first times each.
    timings = {True: [], False: []}
    for position, query in enumerate(list(words) + MORE_QUERIES):
        for facets in (True, False) if position % 2 == 0 else (False, True):
            timings[facets].append(get(port, page(query, facets), cookie)[0])
    suggest = run(lambda w: "/recherche/suggestions/?" + urllib.parse.urlencode({"q": w[:5]}), words)
    count = len(words)
    return {
        "search_page": summary(timings[True][:count]),
        "search_page_50": summary(timings[True]),
        "search_page_no_facets": summary(timings[False][:count]),
        "search_page_no_facets_50": summary(timings[False]),
        "suggestions": summary(suggest),
        "queries": list(words) + MORE_QUERIES,
    }


def relevance_cases(records):
    """(query, expected title) pairs: a document must come in the top 3 when searched by the words of
    its title, or by its number (« Document 00042 »), wherever it lies in the corpus."""
    cases = []
    for index in sorted({0, len(records) // 2, len(records) - 1}):
        title = records[index]["title"]
        number, _, words = title.partition(" : ")
        cases.append((" ".join(dict.fromkeys(words.split())), title))
        cases.append((number.split()[-1], title))
    return cases


def check_relevance(user, cases):
    """[(query, expected, rank or None)] with the search service itself, as ``user``."""
    from search.parsing import parse
    from search.service import Filters, run_search

    results = []
    for query, expected in cases:
        titles = [hit.title for hit in run_search(user, parse(query), Filters(facettes=False)).hits]
        results.append((query, expected, titles.index(expected) + 1 if expected in titles else None))
    return results


def explain(user, query):
    """EXPLAIN (ANALYZE, BUFFERS) of the search page's main statement for ``query``, as ``user``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from search.parsing import parse
    from search.service import Filters, run_search

    with CaptureQueriesContext(connection) as captured:
        run_search(user, parse(query), Filters())
    statement = max(captured.captured_queries, key=lambda q: len(q["sql"]))["sql"]  # the one with the CTE
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement)
        return [row[0] for row in cursor.fetchall()]


def ab_facets(user, queries, rounds=3):
    """In-process A/B of ``run_search`` with and without facets, alternated query by query (each
    query's first run alternates between modes), so load and cache affect both alike."""
    from django.db import connection

    from search.parsing import parse
    from search.service import Filters, run_search

    timings = {True: [], False: []}
    for round_number in range(rounds):
        for position, query in enumerate(queries):
            order = (True, False) if (position + round_number) % 2 == 0 else (False, True)
            for facets in order:
                started = time.perf_counter()
                run_search(user, parse(query), Filters(facettes=facets))
                timings[facets].append((time.perf_counter() - started) * 1000)
    connection.close()
    return {"with_facets": summary(timings[True]), "without_facets": summary(timings[False])}


def main(argv=None):
    parser = argparse.ArgumentParser(description="Banc d'essai de la recherche (page HTML et suggestions JSON).")
    parser.add_argument("--n", type=int, default=5000, help="nombre de documents (défaut 5000)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--port", type=int, default=8321, help="port de boucle locale du serveur")
    parser.add_argument(
        "--workers", type=int, default=1,
        help="processus gunicorn (1, comme le Plone comparé : un client séquentiel n'en occupe qu'un, et les "
        "3 requêtes de préchauffage du protocole atteignent alors le processus mesuré ; avec 2, le second "
        "sert sa première requête pendant la mesure : connexion PostgreSQL neuve, ~45 ms)",
    )  # fmt: skip
    parser.add_argument(
        "--threads", type=int, default=1,
        help="fils par processus (1 : processus synchrones, comme toutes les mesures publiées ; la production "
        "en a 2 derrière nginx, qui garde ses connexions ouvertes)",
    )  # fmt: skip
    parser.add_argument("--out", default=None, help="fichier JSON des résultats")
    parser.add_argument("--seed-only", action="store_true", help="remplir la base puis s'arrêter")
    parser.add_argument("--ab", action="store_true", help="A/B en processus avec et sans facettes")
    parser.add_argument(
        "--explain", metavar="REQUÊTE", help="afficher le plan de l'instruction pour REQUÊTE et s'arrêter"
    )
    args = parser.parse_args(argv)

    records, searchwords = generate_corpus(args.n, args.seed)
    words = [entry["word"] if isinstance(entry, dict) else entry[0] for entry in searchwords][:20]
    setup_django()
    from django.db import connection

    print(f"Base : {connection.vendor}, {args.n} documents, {len(words)} mots", flush=True)
    member, added, seconds = seed(records)
    if seconds:
        print(f"{added} documents indexés en {seconds:.1f} s ({added / seconds:.0f} documents/s)", flush=True)
    if args.seed_only:
        return None
    if args.explain:
        print("\n".join(explain(member, args.explain)))
        return None
    relevance = check_relevance(member, relevance_cases(records))
    for query, expected, rank in relevance:
        print(f"pertinence  {query!r:45s} → {expected!r} : {'rang ' + str(rank) if rank else 'ABSENT'}")
    ab = ab_facets(member, words + MORE_QUERIES) if args.ab else None
    cookie = session_cookie(member)
    connection.close()
    server = start_server(args.port, args.workers, args.threads)
    try:
        figures = measure(args.port, cookie, words)
        figures["server_rss_mib"] = rss_mib(server_pids(server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
    figures.update(
        n=args.n,
        seed=args.seed,
        vendor=connection.vendor,
        words=words,
        seed_docs_per_s=added / seconds if seconds else None,
        relevance=[{"query": q, "expected": e, "rank": r} for q, e, r in relevance],
        ab_facets=ab,
        loadavg=Path("/proc/loadavg").read_text().split()[:3],
    )
    labels = {
        "search_page": "page, 20 mots, facettes",
        "search_page_50": "page, 50 requêtes, facettes",
        "search_page_no_facets": "page, 20 mots, sans facettes",
        "search_page_no_facets_50": "page, 50 requêtes, sans facettes",
        "suggestions": "suggestions, 20 mots",
    }
    for name, label in labels.items():
        print(f"{label:34s} médiane {figures[name]['median_ms']:6.1f} ms   p95 {figures[name]['p95_ms']:6.1f} ms")
    if ab:
        for name, values in ab.items():
            print(f"A/B run_search {name:19s} médiane {values['median_ms']:6.1f} ms   p95 {values['p95_ms']:6.1f} ms")
    print(f"charge moyenne {' '.join(figures['loadavg'])}")
    print(f"RSS serveur {figures['server_rss_mib']:.0f} Mio")
    out = Path(args.out or ROOT / "var" / "bench" / f"search-{args.n}.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
