"""Realistic Plone exports written by the tests, in both formats.

One small intranet: the « Eau » group folder with a subfolder, a private
folder, pages (HTML and Volto blocks) with resolveuid links, a news item, an
event, a link out, files inline and by blob path (one with two CMFEditions
versions), an image, a file with broken base64 and a page whose parent is
missing; members, local roles, redirects and relations.
"""

import base64
import json
from pathlib import Path

import pytest

PDF = b"%PDF-1.4\n% rapport 2021\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
PDF_V1 = b"%PDF-1.4\n% brouillon v1\n%%EOF\n"
TXT = "Note interne : compte rendu du comité.\n".encode()
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64 + b"IEND"

UID = {
    "eau": "a" * 32, "rapports": "b" * 32, "rapport": "c" * 32, "prive": "d" * 32, "note": "e" * 32,
    "charte": "f" * 32, "volto": "1" * 32, "actu": "2" * 32, "comite": "3" * 32, "eptb": "4" * 32,
    "logo": "5" * 32, "casse": "6" * 32, "orphan": "7" * 32,
}  # fmt: skip


def _file_field(data, filename, content_type, mode, export_dir, uid, field="file"):
    if mode == "inline":
        return {"data": base64.b64encode(data).decode(), "encoding": "base64", "filename": filename,
                "content-type": content_type}  # fmt: skip
    relative = f"{uid}/{field}/{filename}"
    target = export_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return {"blob_path": relative, "filename": filename, "content-type": content_type, "size": len(data)}


def build_items(fmt, export_dir, blob_dir):
    """The content items, sorted by path as both exporters write them."""
    site = "http://localhost:8080/Plone" if fmt == "collective" else ""
    blob_base = blob_dir if fmt == "collective" else export_dir / "content"

    def item(key, path, kind, title, parent_key=None, state="published", **extra):
        parent_path = path.rsplit("/", 1)[0]
        parent = (
            {"@id": site or "/", "@type": "Plone Site", "UID": "plone_site_root" if fmt == "plone" else "0" * 32}
            if parent_path == ""
            else {"@id": site + parent_path, "@type": "Folder", "UID": UID.get(parent_key, "9" * 32)}
        )
        data = {
            "@id": site + path, "@type": kind, "UID": UID[key], "id": path.rsplit("/", 1)[1], "title": title,
            "description": f"Description de {title}", "review_state": state, "parent": parent,
            "created": "2021-03-04T09:30:00+00:00", "modified": "2021-06-01T10:00:00+00:00",
            "effective": "2021-03-05T08:00:00+00:00", "creators": ["marie"], "subjects": [],
            "workflow_history": {"simple_publication_workflow": [{"action": None, "actor": "marie",
                                 "review_state": state, "time": "2021-03-04T09:30:00+00:00"}]},
            "exportimport.versions": {},
        }  # fmt: skip
        data.update(extra)
        return data

    versions_mode = "inline" if fmt == "collective" else "blob"
    items = [
        item("eau", "/eau", "Folder", "Eau"),
        item("actu", "/eau/actu-sdage", "News Item", "Avis sur le SDAGE", "eau",
             text={"data": "<h2>Contexte</h2><p>Le SDAGE <strong>Loire-Bretagne</strong> est adopté.</p>",
                   "content-type": "text/html", "encoding": "utf-8"}),
        item("casse", "/eau/casse.pdf", "File", "Fichier abîmé", "eau", state=None,
             file={"data": "@@ceci n'est pas du base64 !!", "encoding": "base64", "filename": "casse.pdf",
                   "content-type": "application/pdf"}) if fmt == "collective" else
        item("casse", "/eau/casse.pdf", "File", "Fichier abîmé", "eau", state=None,
             file={"blob_path": f"{UID['casse']}/file/absent.pdf", "filename": "absent.pdf",
                   "content-type": "application/pdf"}),
        item("charte", "/eau/charte", "Document", "Charte de l'eau", "eau",
             text={"data": '<p>Voir <a href="resolveuid/' + UID["volto"] + '">la page Volto</a> et '
                           '<a href="../resolveuid/' + UID["rapport"] + '/@@download/file">le rapport</a>.</p>'
                           "<h2>Engagements</h2><ul><li>Préserver la ressource</li></ul>"
                           "<script>alert(1)</script>",
                   "content-type": "text/html", "encoding": "utf-8"}),
        item("comite", "/eau/comite-technique", "Event", "Comité technique eau", "eau",
             start="2021-09-14T09:30:00+00:00", end="2021-09-14T12:00:00+00:00", whole_day=False,
             open_end=False, location="Redon, salle du conseil", contact_name="Marie Martin",
             contact_email="marie@ailb.fr", contact_phone="02 99 00 00 00",
             text={"data": "<p>Ordre du jour : SDAGE.</p>", "content-type": "text/html"}),
        item("eptb", "/eau/eptb-vilaine", "Link", "EPTB Vilaine", "eau", remoteUrl="https://www.eptb-vilaine.fr"),
        item("logo", "/eau/logo.png", "Image", "Logo du groupe", "eau", state=None,
             image=_file_field(PNG, "logo.png", "image/png", "blob", blob_base, UID["logo"], "image")),
        item("prive", "/eau/prive", "Folder", "Espace privé", "eau", state="private"),
        item("note", "/eau/prive/note.txt", "File", "Note interne", "prive", state=None,
             file=_file_field(TXT, "note.txt", "text/plain", "inline" if fmt == "collective" else "blob",
                              blob_base, UID["note"])),
        item("rapports", "/eau/rapports", "Folder", "Rapports", "eau"),
        item("rapport", "/eau/rapports/rapport-2021.pdf", "File", "Rapport d'activité 2021", "rapports",
             state=None, subjects=["SDAGE", "Vilaine"], changeNote="Version finale",
             file=_file_field(PDF, "rapport-2021.pdf", "application/pdf",
                              "inline" if fmt == "collective" else "blob", blob_base, UID["rapport"]),
             **{"exportimport.versions": {"0": {
                 "modified": "2021-02-01T08:00:00+00:00", "changeNote": "Premier jet", "changeActor": "paul",
                 "file": _file_field(PDF_V1, "rapport-2021.pdf", "application/pdf", versions_mode,
                                     blob_base, UID["rapport"] + "-v0")}}}),
        item("volto", "/eau/volto-page", "Document", "Page Volto", "eau", state="private",
             blocks={"t": {"@type": "title"},
                     "s": {"@type": "slate", "value": [{"type": "p", "children": [
                         {"text": "Retour à "}, {"type": "link", "data": {"url": "../resolveuid/" + UID["charte"]},
                                                 "children": [{"text": "la charte"}]}, {"text": "."}]}]},
                     "h": {"@type": "heading", "heading": "Calendrier"},
                     "i": {"@type": "image", "url": "../resolveuid/" + UID["logo"], "alt": "Logo"}},
             blocks_layout={"items": ["t", "s", "h", "i"]}),
        item("orphan", "/orphelin/page", "Document", "Page orpheline", "missing",
             text={"data": "<p>Seule</p>", "content-type": "text/html"}),
    ]  # fmt: skip
    return items


PLONE_PASSWORD = "Loire-Vilaine-2021"


def plone_ssha(password, salt=b"s3l!x9Z"):
    """What Zope's AuthEncoding stores: {SSHA} + base64(sha1(password + salt) + salt)."""
    import hashlib

    digest = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 - Plone's format
    return "{SSHA}" + base64.b64encode(digest + salt).decode()


MEMBERS = {
    "groups": [{"groupid": "eau-lecteurs", "title": "Lecteurs eau", "roles": [], "groups": [], "principals": ["paul"]}],
    "members": [
        {"username": "marie", "fullname": "Marie Martin", "email": "marie@ailb.fr",
         "password": plone_ssha(PLONE_PASSWORD), "roles": ["Member"], "groups": []},
        {"username": "paul", "fullname": "Paul Durand", "email": "paul@ailb.fr", "password": "{SSHA}yyy",
         "roles": ["Member"], "groups": ["eau-lecteurs"]},
    ],
}  # fmt: skip
LOCAL_ROLES = {UID["eau"]: {"marie": ["Editor", "Owner"], "eau-lecteurs": ["Reader"]}}


def write_collective(export_dir, items=None, blob_dir=None):
    export_dir.mkdir(parents=True, exist_ok=True)
    blob_dir = blob_dir or export_dir / "blobstorage"
    items = items if items is not None else build_items("collective", export_dir, blob_dir)
    (export_dir / "Plone.json").write_text(json.dumps(items, indent=1), "utf-8")
    (export_dir / "export_members.json").write_text(json.dumps(MEMBERS), "utf-8")
    local = [{"uuid": uid, "localroles": roles} for uid, roles in LOCAL_ROLES.items()]
    local.append({"uuid": "<Portal>", "localroles": {"admin": ["Manager"]}})
    (export_dir / "export_localroles.json").write_text(json.dumps(local), "utf-8")
    (export_dir / "export_redirects.json").write_text(
        json.dumps({"/Plone/eau/ancienne-charte": "/Plone/eau/charte"}), "utf-8"
    )
    (export_dir / "export_relations.json").write_text(
        json.dumps([{"from_uuid": UID["charte"], "to_uuid": UID["actu"], "relationship": "relatedItems"}]), "utf-8"
    )
    (export_dir / "export_ordering.json").write_text(json.dumps([{"uuid": UID["charte"], "order": 0}]), "utf-8")
    (export_dir / "export_defaultpages.json").write_text(json.dumps([]), "utf-8")
    return export_dir, blob_dir


def write_plone(export_dir, items=None):
    content = export_dir / "content"
    content.mkdir(parents=True, exist_ok=True)
    items = items if items is not None else build_items("plone", export_dir, None)
    files = []
    for data in items:
        folder = content / data["UID"]
        folder.mkdir(exist_ok=True)
        (folder / "data.json").write_text(json.dumps(data, indent=1), "utf-8")
        files.append(f"{data['UID']}/data.json")
    metadata = {
        "__version__": "1.0.0", "_data_files_": files, "_blob_files_": [],
        "default_page": {}, "ordering": {UID["charte"]: 0}, "relations": [],
        "local_roles": {uid: {"local_roles": roles} for uid, roles in LOCAL_ROLES.items()}
        | {"plone_site_root": {"local_roles": {"admin": ["Owner"]}}},
    }  # fmt: skip
    (content / "__metadata__.json").write_text(json.dumps(metadata), "utf-8")
    (export_dir / "principals.json").write_text(json.dumps(MEMBERS), "utf-8")
    (export_dir / "redirects.json").write_text(json.dumps({"/eau/ancienne-charte": "/eau/charte"}), "utf-8")
    (export_dir / "relations.json").write_text(
        json.dumps([{"from_uuid": UID["charte"], "to_uuid": UID["actu"], "from_attribute": "relatedItems"}]), "utf-8"
    )
    return export_dir


@pytest.fixture
def eau(make_group):
    return make_group("eau", "Eau", "ouvert")


@pytest.fixture
def collective_export(tmp_path):
    return write_collective(tmp_path / "export")


@pytest.fixture
def plone_export(tmp_path):
    return write_plone(tmp_path / "plone-export")


def sha(data):
    import hashlib

    return hashlib.sha256(data).hexdigest()


def read_field(field):
    field.open("rb")
    try:
        return field.read()
    finally:
        field.close()


__all__ = [
    "PLONE_PASSWORD", "plone_ssha",
    "PDF", "PDF_V1", "TXT", "PNG", "UID", "build_items", "write_collective", "write_plone", "sha", "Path",
]  # fmt: skip
