"""Bounded load test of the intranet (locust used as a library; loopback only).

N logged-in users browse the home page, working-group pages, news, agenda,
search and documents for T seconds, then the run stops by itself and prints
p50/p95 response times, requests per second and errors (exit code 1 on any
error). Start the site first, e.g.:

    PORT=8362 DJANGO_SETTINGS_MODULE=ailb_intranet.settings.dev DEBUG=False \
      DATABASE_URL=postgres://… .venv/bin/gunicorn -c config/gunicorn.py ailb_intranet.wsgi:application
    .venv/bin/python benchmarks/load_test.py --host http://127.0.0.1:8362 --users 50 --duration 60 \
      --usernames jf.mary,c.theveniau --password ailb-demo-2021

Each simulated user waits 0.5–1.5 s between pages, like someone reading.
"""

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
from urllib.parse import urlsplit  # noqa: E402

import gevent  # noqa: E402
from locust import HttpUser, between, task  # noqa: E402
from locust.env import Environment  # noqa: E402

CONFIG = {"usernames": [], "password": ""}
_accounts = None
GROUP_LINK = re.compile(r'href="(/groupes/[\w-]+/)"')
DOCUMENT_LINK = re.compile(r'href="(/documents/\d+/[^"]+)"')
SEARCH_WORDS = ["eau", "mobilité", "tourisme", "déchets", "habiter", "réunion", "compte rendu"]


class IntranetUser(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        username = next(_accounts)
        page = self.client.get("/connexion/", name="/connexion/")
        token = self.client.cookies.get("csrftoken")
        with self.client.post(
            "/connexion/",
            data={"username": username, "password": CONFIG["password"], "csrfmiddlewaretoken": token, "next": "/"},
            headers={"Referer": self.host + "/connexion/"},
            name="/connexion/ (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"connexion refusée pour {username}")
        del page
        groups = self.client.get("/groupes/", name="/groupes/")
        self.groups = sorted(set(GROUP_LINK.findall(groups.text))) or ["/groupes/"]
        self.documents = []

    @task(3)
    def group_page(self):
        response = self.client.get(random.choice(self.groups), name="/groupes/[groupe]/")
        found = DOCUMENT_LINK.findall(response.text)
        if found:
            self.documents = sorted(set(self.documents + found))[:50]

    @task(2)
    def home(self):
        self.client.get("/", name="/")

    @task(1)
    def news(self):
        self.client.get("/actualites/", name="/actualites/")

    @task(1)
    def agenda(self):
        self.client.get("/agenda/", name="/agenda/")

    @task(2)
    def search(self):
        self.client.get("/recherche/", params={"q": random.choice(SEARCH_WORDS)}, name="/recherche/?q=…")

    @task(1)
    def download(self):
        if self.documents:
            self.client.get(random.choice(self.documents), name="/documents/[document]")


def run(host, users, duration, usernames, password):
    global _accounts
    if urlsplit(host).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("Le test de charge ne vise que la boucle locale (127.0.0.1).")
    CONFIG.update(usernames=usernames, password=password)
    _accounts = itertools.cycle(usernames)
    env = Environment(user_classes=[IntranetUser], host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users / 5, 1))
    gevent.spawn_later(duration, runner.quit)
    runner.greenlet.join()
    total = env.stats.total
    report = {
        "users": users,
        "duration_s": duration,
        "requests": total.num_requests,
        "errors": total.num_failures,
        "p50_ms": total.get_response_time_percentile(0.5),
        "p95_ms": total.get_response_time_percentile(0.95),
        "max_ms": round(total.max_response_time or 0),
        "rps": round(total.num_requests / duration, 1),
        "per_page": {
            name: {
                "requests": entry.num_requests,
                "errors": entry.num_failures,
                "p50_ms": entry.get_response_time_percentile(0.5),
                "p95_ms": entry.get_response_time_percentile(0.95),
            }
            for (name, _method), entry in sorted(env.stats.entries.items())
        },
        "error_samples": [f"{e.method} {e.name}: {e.error}" for e in list(env.stats.errors.values())[:5]],
    }
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="http://127.0.0.1:8362")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--usernames", required=True, help="identifiants séparés par des virgules")
    parser.add_argument("--password", required=True)
    parser.add_argument("--json", help="écrire aussi le rapport dans ce fichier")
    args = parser.parse_args(argv)
    report = run(args.host, args.users, args.duration, args.usernames.split(","), args.password)
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            handle.write(text)
    return 1 if report["errors"] or not report["requests"] else 0


if __name__ == "__main__":
    sys.exit(main())
