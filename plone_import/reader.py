"""Read collective.exportimport and plone.exportimport exports, one item at a time.

Content JSON is streamed with ijson: a list of 5 GB is never loaded whole, only
the item being imported. File fields stay a reference (inline base64 text or a
blob path) until ``blobs.materialize`` decodes them to a temporary file.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import ijson

# Side files of collective.exportimport (with and without the ``export_`` prefix
# that its "save to server" option adds) and of plone.exportimport.
SIDE_FILES = {
    "members": ("export_members.json", "members.json", "principals.json"),
    "localroles": ("export_localroles.json", "localroles.json"),
    "relations": ("export_relations.json", "relations.json"),
    "ordering": ("export_ordering.json", "ordering.json"),
    "defaultpages": ("export_defaultpages.json", "defaultpages.json"),
    "redirects": ("export_redirects.json", "redirects.json"),
}
OTHER_SIDE_FILES = {
    "translations.json", "export_translations.json", "discussions.json", "export_discussions.json",
    "portlets.json", "export_portlets.json", "registry.json",
}  # fmt: skip
SITE_ROOT_UIDS = {"<Portal>", "plone_site_root"}
FILE_FIELDS = ("file", "image")


class ExportError(Exception):
    """The export cannot be read at all (message in French, for the operator)."""


@dataclass
class BlobRef:
    filename: str
    content_type: str
    inline: str | None = None  # base64 text
    path: Path | None = None


@dataclass
class Export:
    root: Path
    format: str  # "collective" or "plone"
    content_files: list = field(default_factory=list)
    blob_home: Path | None = None
    site_prefix: str | None = None
    _metadata: dict | None = None

    # ------------------------------------------------------------ content

    def count_and_validate(self):
        """A first streaming pass: checks every content file is well-formed JSON
        and counts the items (the progress bar's total). Keeps nothing."""
        total = 0
        for path in self.content_files:
            try:
                with path.open("rb") as fh:
                    depth = 0
                    top_is_list = None
                    for _prefix, event, _value in ijson.parse(fh):
                        if top_is_list is None:
                            top_is_list = event == "start_array"
                            if not top_is_list:
                                total += 1
                        if event in ("start_map", "start_array"):
                            depth += 1
                            if top_is_list and depth == 2 and event == "start_map":
                                total += 1
                        elif event in ("end_map", "end_array"):
                            depth -= 1
            except (ijson.JSONError, ValueError) as exc:
                raise ExportError(f"JSON invalide dans {path} : {exc}") from exc
        return total

    def iter_items(self):
        for path in self.content_files:
            with path.open("rb") as fh:
                first = _first_char(fh)
                fh.seek(0)
                items = ijson.items(fh, "item" if first == b"[" else "", use_float=True)
                for item in items:
                    if isinstance(item, dict):
                        yield item

    def blob_refs(self, item):
        """{field name: BlobRef} for the file fields of ``item`` (or of a version)."""
        refs = {}
        for name in FILE_FIELDS:
            value = item.get(name)
            if not isinstance(value, dict):
                continue
            ref = BlobRef(filename=value.get("filename") or item.get("id") or name,
                          content_type=value.get("content-type") or "application/octet-stream")  # fmt: skip
            if value.get("data") is not None:
                ref.inline = value["data"]
            elif value.get("blob_path"):
                base = self.root / "content" if self.format == "plone" else (self.blob_home or self.root)
                ref.path = base / value["blob_path"].lstrip("/")
            else:
                continue
            refs[name] = ref
        return refs

    # ------------------------------------------------------------ paths

    def relative_path(self, item_or_url):
        url = item_or_url.get("@id", "") if isinstance(item_or_url, dict) else item_or_url
        path = urlparse(url).path.rstrip("/") or "/"
        if self.site_prefix is None and isinstance(item_or_url, dict):
            self._learn_prefix(item_or_url, path)
        prefix = self.site_prefix or ""
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :] or "/"
        return path

    def _learn_prefix(self, item, path):
        if self.format == "plone":
            self.site_prefix = ""
            return
        parent = item.get("parent") or {}
        if parent.get("@type") == "Plone Site" and parent.get("@id"):
            self.site_prefix = urlparse(parent["@id"]).path.rstrip("/")
        elif item.get("@type") == "Plone Site":
            self.site_prefix = path.rstrip("/")
        else:
            self.site_prefix = "/" + path.strip("/").split("/")[0]

    def normalise_key(self, value):
        path = urlparse(value).path.rstrip("/") or "/"
        if not path.startswith("/"):
            path = "/" + path
        prefix = self.site_prefix or ""
        if prefix and (path == prefix or path.startswith(prefix + "/")):
            path = path[len(prefix) :] or "/"
        return path

    # ------------------------------------------------------------ side files

    def _side(self, kind):
        for name in SIDE_FILES[kind]:
            path = self.root / name
            if path.is_file():
                try:
                    with path.open("rb") as fh:
                        return json.load(fh)
                except ValueError as exc:
                    raise ExportError(f"JSON invalide dans {path} : {exc}") from exc
        return None

    def metadata(self):
        if self._metadata is None:
            path = self.root / "content" / "__metadata__.json"
            self._metadata = {}
            if self.format == "plone" and path.is_file():
                try:
                    self._metadata = json.loads(path.read_text("utf-8"))
                except ValueError as exc:
                    raise ExportError(f"JSON invalide dans {path} : {exc}") from exc
        return self._metadata

    def members(self):
        data = self._side("members") or {}
        return data.get("groups") or [], data.get("members") or []

    def local_roles(self):
        """[(uid, {principal: [roles]})]"""
        if self.format == "plone":
            roles = self.metadata().get("local_roles") or {}
            return [(uid, (value or {}).get("local_roles") or {}) for uid, value in roles.items()]
        return [(entry.get("uuid"), entry.get("localroles") or {}) for entry in self._side("localroles") or []]

    def ordering(self):
        if self.format == "plone":
            return dict(self.metadata().get("ordering") or {})
        return {entry.get("uuid"): entry.get("order") for entry in self._side("ordering") or []}

    def default_pages(self):
        """{folder uid: default page id}"""
        if self.format == "plone":
            pages = self.metadata().get("default_page") or {}
            return {uid: (value or {}).get("default_page") for uid, value in pages.items()}
        return {entry.get("uuid"): entry.get("default_page") for entry in self._side("defaultpages") or []}

    def redirects(self):
        data = self._side("redirects") or {}
        if isinstance(data, list):  # tolerate [{"old": ..., "new": ...}]
            data = {entry.get("old") or entry.get("old_path"): entry.get("new") or entry.get("new_path")
                    for entry in data}  # fmt: skip
        return data

    def relations(self):
        data = self._side("relations") or []
        if not data and self.format == "plone":
            data = self.metadata().get("relations") or []
        return data


def _first_char(fh):
    while True:
        char = fh.read(1)
        if not char or not char.isspace():
            return char


def open_export(path, blob_home=None):
    """Recognise the export at ``path`` (a folder or a single JSON file)."""
    path = Path(path)
    if not path.exists():
        raise ExportError(f"Chemin introuvable : {path}")
    blob_home = Path(blob_home) if blob_home else None
    if blob_home and not blob_home.is_dir():
        raise ExportError(f"Dossier des blobs introuvable (--blob-home) : {blob_home}")
    if path.is_file():
        if path.suffix.lower() != ".json":
            raise ExportError(f"Fichier non reconnu (un export JSON est attendu) : {path}")
        return Export(root=path.parent, format="collective", content_files=[path], blob_home=blob_home)

    content_dir = path / "content"
    if content_dir.is_dir() and ((content_dir / "__metadata__.json").is_file() or any(content_dir.glob("*/data.json"))):
        export = Export(root=path, format="plone", blob_home=blob_home, site_prefix="")
        files = export.metadata().get("_data_files_") or []
        ordered = [content_dir / name for name in files if (content_dir / name).is_file()]
        listed = set(ordered)
        # Files missing from the metadata still count, after the listed ones.
        ordered += sorted(p for p in content_dir.glob("*/data.json") if p not in listed)
        export.content_files = ordered
        return export

    side = {name for names in SIDE_FILES.values() for name in names} | OTHER_SIDE_FILES
    files = sorted(p for p in path.glob("*.json") if p.name not in side)
    files += sorted(p for p in (path / "content").glob("*.json")) if content_dir.is_dir() else []
    if not files:
        raise ExportError(f"Aucun fichier de contenu JSON dans {path}")
    return Export(root=path, format="collective", content_files=files, blob_home=blob_home)
