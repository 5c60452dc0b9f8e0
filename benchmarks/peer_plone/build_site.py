"""Build the peer Plone site for the search benchmark (protocol: ../shared/bench/README.md).

Run inside the Zope instance with zconsole (the server must be stopped: FileStorage is single-process):

    nice -n 10 /work/plone-peer/venv/bin/zconsole run /work/plone-peer/instance/etc/zope.conf \\
        benchmarks/peer_plone/build_site.py --corpus /work/plone-peer/corpus-5000-42.jsonl

Creates (replacing any existing site of that id):
  * a Zope admin `admin` (Manager, for maintenance only),
  * a Plone Classic UI site `/Plone` (plone.distribution "classic": plone.app.contenttypes, plone.app.layout,
    plonetheme.barceloneta; no example content, no caching add-on), language fr,
  * a Plone member `membre` (role Member only),
  * a published folder `/Plone/documents` holding one File per corpus record (text/plain blob with the body,
    title, description, Subject = tags, filename), created with plone.api and published when File has a
    workflow (in a stock Plone 6 site File has none and takes its state from the published folder),
    committed every --batch documents.
Then checks that a catalog search on each search word finds documents, and writes build stats as JSON.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import transaction
from AccessControl.SecurityManagement import newSecurityManager
from zope.component.hooks import setSite

SITE_ID = "Plone"
MEMBER = ("membre", "membre-bench-42")  # login, password
ADMIN = ("admin", "admin")


def parse_args():
    argv = sys.argv
    # under `zconsole run zope.conf build_site.py ARGS`, sys.argv is zconsole's own
    start = next((i + 1 for i, a in enumerate(argv) if a.endswith("build_site.py")), 1)
    ap = argparse.ArgumentParser(prog="build_site.py")
    ap.add_argument("--corpus", required=True, help="JSONL from gen_corpus.py (n=5000, seed=42)")
    ap.add_argument("--n", type=int, default=0, help="only the first N records (0 = all)")
    ap.add_argument("--batch", type=int, default=500, help="commit every N documents")
    ap.add_argument("--stats", default="", help="JSON file for build stats (default: <corpus>.build.json)")
    return ap.parse_args(argv[start:])


def main(app):
    args = parse_args()
    records = [json.loads(line) for line in Path(args.corpus).read_text(encoding="utf-8").splitlines() if line]
    if args.n:
        records = records[: args.n]
    words = json.loads(Path(args.corpus + ".searchwords.json").read_text(encoding="utf-8"))
    # body document frequency over the records loaded (as gen_corpus.py counts it); a catalog search also
    # looks at title and description, so it must find at least that many
    df = {}
    for rec in records:
        for w in set(rec["body"].lower().replace(".", " ").split()):
            df[w] = df.get(w, 0) + 1

    # Zope admin, and run the rest as that user
    acl = app.acl_users
    if ADMIN[0] not in acl.getUserNames():
        acl._doAddUser(ADMIN[0], ADMIN[1], ["Manager"], [])
    newSecurityManager(None, acl.getUser(ADMIN[0]).__of__(acl))

    from plone import api
    from plone.distribution.api import site as site_api
    from plone.namedfile.file import NamedBlobFile

    t0 = time.monotonic()
    if SITE_ID in app.objectIds():
        app.manage_delObjects([SITE_ID])
        transaction.commit()
    site = site_api.create(
        app,
        "classic",
        {
            "site_id": SITE_ID,
            "title": "Intranet (peer)",
            "description": "Plone peer for the AILB search benchmark",
            "default_language": "fr",
            "portal_timezone": "Europe/Paris",
            "setup_content": False,
        },
    )
    setSite(site)
    transaction.commit()
    t_site = time.monotonic() - t0
    print(f"site created in {t_site:.1f} s", flush=True)

    api.user.create(email="membre@example.org", username=MEMBER[0], password=MEMBER[1], roles=("Member",))
    folder = api.content.create(container=site, type="Folder", id="documents", title="Documents")
    api.content.transition(obj=folder, transition="publish")
    transaction.commit()

    wf = api.portal.get_tool("portal_workflow")
    file_chain = wf.getChainForPortalType("File")
    print(f"workflow chain for File: {file_chain!r} (folder state: {api.content.get_state(folder)})", flush=True)

    t1 = time.monotonic()
    for done, rec in enumerate(records, start=1):
        obj = api.content.create(
            container=folder,
            type="File",
            id=rec["id"],
            title=rec["title"],
            description=rec["description"],
            subject=rec["tags"],
            file=NamedBlobFile(data=rec["body"].encode("utf-8"), contentType="text/plain", filename=rec["filename"]),
            safe_id=False,
        )
        if file_chain:
            api.content.transition(obj=obj, transition="publish")
        if done % args.batch == 0:
            transaction.commit()
            el = time.monotonic() - t1
            print(f"  {done} docs, {el:.1f} s, {done / el:.1f} docs/s", flush=True)
    transaction.commit()
    t_docs = time.monotonic() - t1
    rate = len(records) / t_docs
    print(f"created and published {len(records)} files in {t_docs:.1f} s: {rate:.1f} docs/s", flush=True)

    # check: the text is in SearchableText
    catalog = api.portal.get_tool("portal_catalog")
    checks = []
    for w in words:
        n = len(catalog.unrestrictedSearchResults(SearchableText=w["word"], portal_type="File"))
        checks.append({"word": w["word"], "doc_freq_body": df.get(w["word"], 0), "catalog_hits": n})
        print(f"  {w['word']:<20} body df={df.get(w['word'], 0):5d}  catalog hits={n:5d}")
    probe = catalog.unrestrictedSearchResults(SearchableText=words[-1]["word"])[:1]
    if probe:
        b = probe[0]
        print(f"  e.g. {b.getPath()} review_state={b.review_state!r} type={b.portal_type}")
    bad = [c for c in checks if c["doc_freq_body"] and c["catalog_hits"] < c["doc_freq_body"]]
    stats = {
        "site_create_s": round(t_site, 2),
        "docs": len(records),
        "docs_s": round(t_docs, 2),
        "docs_per_s": round(rate, 1),
        "batch": args.batch,
        "file_workflow_chain": list(file_chain),
        "catalog_objects": len(catalog),
        "searchword_checks": checks,
        "searchword_check_ok": not bad,
    }
    out = args.stats or args.corpus + ".build.json"
    Path(out).write_text(json.dumps(stats, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"stats written to {out}; search check {'OK' if not bad else f'FAILED: {bad!r}'}")


main(app)  # noqa: F821 — `app` is provided by zconsole
