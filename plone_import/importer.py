"""Turn Plone items into intranet pages, documents and links, idempotently.

Each item is imported in its own transaction (savepoint) and remembered as a
``PloneObject`` with a checksum of its JSON and file bytes: the same export
imported twice changes nothing, a newer export updates what changed.
"""

import hashlib
import json
import logging

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.dateparse import parse_datetime
from django.utils.text import slugify
from wagtail.models import Collection, CollectionViewRestriction, Page
from wagtail.models.view_restrictions import BaseViewRestriction

from documents.models import DocumentVersion, IntranetDocument
from home.models import ContentPage
from home.structure import ensure_site_structure
from workgroups.models import MeetingKind, MeetingPage, NewsPage, WorkingGroupPage

from . import blobs, richtext
from .models import PloneObject
from .reader import SITE_ROOT_UIDS
from .services import after_document_import

logger = logging.getLogger("ailb.plone_import")

PUBLISHED_STATES = {"published", "internally_published"}
DRAFT_STATES = {"private", "pending", "internal"}
DRAFTS_COLLECTION = "Brouillons importés de Plone"


class ItemError(Exception):
    """This item cannot be imported (French reason); the others go on."""


def parse_date(value):
    if not value or not isinstance(value, str):
        return None
    return parse_datetime(value.replace("Z", "+00:00"))


def _sha256_file(fh):
    digest = hashlib.sha256()
    fh.seek(0)
    for block in iter(lambda: fh.read(blobs.CHUNK), b""):
        digest.update(block)
    fh.seek(0)
    return digest.hexdigest()


class Importer:
    def __init__(self, export, mapping, default_group, report):
        self.export = export
        self.raw_mapping = mapping  # {raw plone path: WorkingGroupPage}
        self.default_group = default_group
        self.report = report
        self.structure = ensure_site_structure()
        self.pending_links = set()  # page ids whose links point to items not imported yet
        self.state_by_path = {}  # path → published? (for files, which have no state)
        self.seen_paths = set()
        self._users = {}
        self._written = []
        # {folder uid: id of its default page}; the site root's stays a page of its own.
        self.default_pages = {
            uid: page for uid, page in (export.default_pages() or {}).items() if page and uid not in SITE_ROOT_UIDS
        }

    # ------------------------------------------------------------ helpers

    @property
    def mapping(self):
        return {self.export.normalise_key(k): v for k, v in self.raw_mapping.items()}

    def group_for(self, path):
        best = None
        for key, group in self.mapping.items():
            if (path == key or path.startswith(key.rstrip("/") + "/")) and (best is None or len(key) > len(best[0])):
                best = (key, group)
        return best[1] if best else self.default_group

    def user(self, username):
        if not username:
            return None
        if username not in self._users:
            self._users[username] = get_user_model().objects.filter(username=username).first()
        return self._users[username]

    def creator(self, item):
        creators = item.get("creators") or []
        return self.user(creators[0]) if creators else None

    def is_published(self, item, path):
        state = item.get("review_state")
        if state in PUBLISHED_STATES:
            result = True
        elif state is None:
            parent = path.rsplit("/", 1)[0] or "/"
            result = self.state_by_path.get(parent, True)
        else:
            result = False  # private, pending, internal and anything unknown: never public by accident
        self.state_by_path[path] = result
        return result

    def target_of(self, uid=None, path=None):
        query = PloneObject.objects.filter(uid=uid) if uid else PloneObject.objects.filter(plone_path=path)
        record = query.select_related("target_type").first()
        return record.target if record else None

    def container(self, path):
        """(parent page or None for the site top level, working group or None)."""
        group = self.group_for(path)
        parent_path = path.rsplit("/", 1)[0] or "/"
        mapping = self.mapping
        probe = parent_path
        while probe != "/":
            if probe in mapping:
                return mapping[probe], group
            target = self.target_of(path=probe)
            if isinstance(target, Page):
                return target.specific, group
            if probe == parent_path and probe not in self.seen_paths:
                raise ItemError(f"dossier parent absent de l'export : {parent_path}")
            probe = probe.rsplit("/", 1)[0] or "/"
        return None, group

    def checksum(self, item, group):
        def strip(value):
            if isinstance(value, dict):
                if "data" in value and "encoding" in value or "blob_path" in value:
                    ref = self.export.blob_refs({"file": value}).get("file")
                    return {k: v for k, v in value.items() if k not in ("data", "blob_path")} | {
                        "fingerprint": blobs.fingerprint(ref) if ref else None
                    }
                return {k: strip(v) for k, v in value.items()}
            if isinstance(value, list):
                return [strip(v) for v in value]
            return value

        payload = json.dumps([strip(item), group.slug if group else None], sort_keys=True, default=str)
        return hashlib.sha256(payload.encode()).hexdigest()

    # ------------------------------------------------------------ items

    HANDLERS = {
        "Folder": "import_folder",
        "Document": "import_document",
        "News Item": "import_news",
        "Event": "import_event",
        "Link": "import_link",
        "File": "import_file",
        "Image": "import_file",
    }

    def import_item(self, item):
        kind = str(item.get("@type") or "?")
        uid = item.get("UID")
        path = self.export.relative_path(item)
        if kind == "Plone Site" or uid in SITE_ROOT_UIDS or path == "/":
            self.report.add(kind, "skipped", path, "racine du site (rien à importer)")
            return
        self.seen_paths.add(path)
        handler = self.HANDLERS.get(kind)
        if kind == "Document" and self.is_default_page(item):
            handler = "import_default_page"
        if handler is None:
            self.report.add(kind, "skipped", path, "type de contenu sans équivalent dans l'intranet")
            return
        if not uid:
            self.report.add(kind, "failed", path, "UID manquant")
            return
        self._written = []
        try:
            with transaction.atomic():
                published = self.is_published(item, path)
                parent, group = self.container(path)
                checksum = self.checksum(item, group)
                record = PloneObject.objects.filter(uid=uid).first()
                existing = record.target if record else None
                if record and existing is not None and record.checksum == checksum:
                    self.report.add(kind, "unchanged", path)
                    return
                target = getattr(self, handler)(item, path, parent, group, published, existing)
                PloneObject.objects.update_or_create(
                    uid=uid,
                    defaults={
                        "content_type": kind, "plone_path": path, "modified": str(item.get("modified") or ""),
                        "checksum": checksum, "target_type": ContentType.objects.get_for_model(target),
                        "target_id": target.pk,
                    },
                )  # fmt: skip
            self.report.add(kind, "updated" if existing is not None else "created", path)
        except (ItemError, blobs.BlobError) as exc:
            self._discard_files()
            self.report.add(kind, "failed", path, str(exc))
        except Exception as exc:  # one broken item must not stop the import
            logger.exception("Import Plone : échec de %s", path)
            self._discard_files()
            self.report.add(kind, "failed", path, f"{type(exc).__name__} : {exc}")

    def _discard_files(self):
        for name in self._written:
            default_storage.delete(name)
        self._written = []

    # ------------------------------------------------------------ pages

    def _save_page(self, page, parent, published, existing, item):
        owner = self.creator(item)
        if existing is None:
            page.owner = owner
            page.live = published
            (parent or self.structure["home"]).add_child(instance=page)
        else:
            self._follow_move(page, parent or self.structure["home"])
        revision = page.save_revision(user=owner, changed=True)
        if published:
            revision.publish(user=owner, skip_permission_checks=True)
        elif page.live:
            page.unpublish()
        dates = {"first_published_at": parse_date(item.get("effective")) or parse_date(item.get("created"))}
        if published:
            dates["last_published_at"] = parse_date(item.get("modified"))
        Page.objects.filter(pk=page.pk).update(**{k: v for k, v in dates.items() if v})
        return page

    @staticmethod
    def _free_slug(parent, base, exclude_pk=None):
        siblings = parent.get_children().exclude(pk=exclude_pk)
        slug, n = base, 1
        while siblings.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug

    def _new_page(self, model, item, parent, **fields):
        parent = parent or self.structure["home"]
        base = slugify(item.get("id") or item.get("title") or "") or "page"
        return model(title=item.get("title") or base, slug=self._free_slug(parent, base), **fields)

    def _follow_move(self, page, parent):
        """An item moved in Plone since the previous import moves here too (its
        Plone path changed, so its checksum did). Wagtail's move keeps the page,
        its revisions and its children, and updates their URL paths."""
        if page.get_parent().pk == parent.pk:
            return
        slug = self._free_slug(parent, page.slug, exclude_pk=page.pk)
        if slug != page.slug:
            Page.objects.filter(pk=page.pk).update(slug=slug)
            page.slug = slug
        page.move(parent, pos="last-child")
        # The move works on a fresh copy: bring the tree fields of this (edited, unsaved) instance up to date.
        moved = Page.objects.get(pk=page.pk)
        page.path, page.depth, page.numchild, page.url_path = moved.path, moved.depth, moved.numchild, moved.url_path
        self.report.notes.append(f"{page.title} : déplacé·e sous « {parent.title} », comme dans Plone.")

    def _links(self, html, page_id=None):
        html, unresolved = richtext.rewrite_links(html, self.resolve)
        return html, unresolved

    def resolve(self, key):
        kind, value = key
        target = self.target_of(uid=value) if kind == "uid" else self.target_of(path=self.export.normalise_key(value))
        if isinstance(target, Page):
            return ("page", target.pk)
        if isinstance(target, IntranetDocument):
            return ("document", target.pk)
        return None

    def import_folder(self, item, path, parent, group, published, existing):
        if path in self.mapping:
            return self.mapping[path]  # the folder *is* the working group
        page = existing.specific if existing else self._new_page(ContentPage, item, parent)
        page.title = item.get("title") or page.title
        page.summary = item.get("description") or ""
        return self._save_page(page, parent, published, existing, item)

    def import_document(self, item, path, parent, group, published, existing):
        html, unresolved = self._links(richtext.item_html(item))
        page = existing.specific if existing else self._new_page(ContentPage, item, parent)
        page.title = item.get("title") or page.title
        page.summary = item.get("description") or ""
        page.body = richtext.html_to_stream(html)
        page = self._save_page(page, parent, published, existing, item)
        if unresolved:
            self.pending_links.add(page.pk)
        return page

    def is_default_page(self, item):
        parent_uid = (item.get("parent") or {}).get("UID")
        return bool(parent_uid) and self.default_pages.get(parent_uid) == item.get("id")

    def import_default_page(self, item, path, parent, group, published, existing):
        """A folder's default page is what Plone shows for the folder: its text
        becomes the body of the folder's page (the group's presentation for a
        mapped folder) instead of a page of its own. Its UID, links and old
        address then lead to the folder's page."""
        if isinstance(parent, WorkingGroupPage):
            page = WorkingGroupPage.objects.get(pk=parent.pk)
            if existing is None and page.intro.raw_data:
                # Never overwrite a presentation written in the intranet.
                self.report.notes.append(
                    f"{path} : page par défaut du groupe importée comme page, la présentation du groupe "
                    "étant déjà rédigée."
                )
                return self.import_document(item, path, parent, group, published, existing)
            field = "intro"
        elif isinstance(parent, ContentPage):
            page = ContentPage.objects.get(pk=parent.pk)
            field = "body"
            if not page.summary:
                page.summary = item.get("description") or ""
        else:
            return self.import_document(item, path, parent, group, published, existing)
        html, unresolved = self._links(richtext.item_html(item))
        setattr(page, field, richtext.html_to_stream(html))
        revision = page.save_revision(user=self.creator(item), changed=True)
        if page.live:  # the folder's state decides, not its default page's
            revision.publish(user=self.creator(item), skip_permission_checks=True)
        if unresolved:
            self.pending_links.add(page.pk)
        return page

    def _group_or_index(self, parent, group, index_key):
        if isinstance(parent, WorkingGroupPage):
            return parent
        if group is not None:
            return group
        return self.structure[index_key]

    def import_news(self, item, path, parent, group, published, existing):
        html, unresolved = self._links(richtext.item_html(item))
        parent = self._group_or_index(parent, group, "news")
        page = existing.specific if existing else self._new_page(NewsPage, item, parent)
        page.title = item.get("title") or page.title
        date = parse_date(item.get("effective")) or parse_date(item.get("created"))
        if date:
            page.date = date.date()
        page.summary = (item.get("description") or "")[:500]
        page.body = richtext.sanitise(html, richtext.NEWS_FEATURES)
        page = self._save_page(page, parent, published, existing, item)
        if unresolved:
            self.pending_links.add(page.pk)
        return page

    def import_event(self, item, path, parent, group, published, existing):
        start = parse_date(item.get("start"))
        if start is None:
            raise ItemError("date de début absente ou illisible")
        end = parse_date(item.get("end"))
        html, unresolved = self._links(richtext.item_html(item))
        parent = self._group_or_index(parent, group, "agenda")
        page = existing.specific if existing else self._new_page(MeetingPage, item, parent, start=start)
        page.title = item.get("title") or page.title
        if item.get("whole_day"):
            # A whole-day event covers its days entirely, as Plone displays it.
            start = start.replace(hour=0, minute=0, second=0, microsecond=0)
            end = (end or start).replace(hour=23, minute=59, second=0, microsecond=0)
        page.start, page.end = start, end if end and end >= start else None
        page.place = (item.get("location") or "")[:255]
        contact = [item.get(k) for k in ("contact_name", "contact_email", "contact_phone") if item.get(k)]
        page.contact = ", ".join(contact)[:255]
        page.kind = MeetingKind.GROUPE if group else MeetingKind.AUTRE
        description = item.get("description") or ""
        body = richtext.sanitise(html, richtext.PARAGRAPH_FEATURES) if html else ""
        page.description = (f"<p>{description}</p>" if description else "") + body
        if item.get("event_url") and str(item["event_url"]).startswith(("http://", "https://")):
            page.video_url = item["event_url"]
        page = self._save_page(page, parent, published, existing, item)
        if unresolved:
            self.pending_links.add(page.pk)
        return page

    def import_link(self, item, path, parent, group, published, existing):
        if group is None:
            raise ItemError("lien hors d'un groupe de travail (utilisez --map ou --default-group)")
        from django.conf import settings

        url = str(item.get("remoteUrl") or "")
        for placeholder in ("${navigation_root_url}", "${portal_url}"):
            url = url.replace(placeholder, settings.SITE_URL)
        if not url:
            raise ItemError("adresse du lien vide")
        group = WorkingGroupPage.objects.get(pk=group.pk)
        value = {"title": (item.get("title") or url)[:255], "url": url, "description": item.get("description") or ""}
        raw = [dict(block) for block in group.partner_links.raw_data]
        uid = item["UID"]
        for block in raw:
            if block.get("id") == uid:
                block["value"] = value
                break
        else:
            raw.append({"type": "link", "value": value, "id": uid})
        group.partner_links = raw
        revision = group.save_revision(changed=True)
        if group.live:
            revision.publish()
        return group

    # ------------------------------------------------------------ files

    def collection_for(self, group, published):
        base = group.collection if group is not None else Collection.get_first_root_node()
        if published:
            return base
        drafts = base.get_children().filter(name=DRAFTS_COLLECTION).first()
        if drafts is None:
            drafts = base.add_child(name=DRAFTS_COLLECTION)
        restriction, _ = CollectionViewRestriction.objects.get_or_create(
            collection=drafts, defaults={"restriction_type": BaseViewRestriction.GROUPS}
        )
        # Drafts: only the group's animateurs (and administrators) see them.
        restriction.groups.set([group.animateurs_group] if group is not None and group.animateurs_group else [])
        return drafts

    def _store(self, field, name, fh):
        field.save(name, File(fh, name=name), save=False)
        self._written.append(field.name)

    def import_file(self, item, path, parent, group, published, existing):
        refs = self.export.blob_refs(item)
        ref = refs.get("file") or refs.get("image")
        if ref is None:
            raise ItemError("aucun fichier dans l'élément")
        uploader = self.creator(item)
        doc = existing if existing is not None else IntranetDocument(uploaded_by_user=uploader)
        doc.title = item.get("title") or ref.filename
        doc.description = item.get("description") or ""
        doc.collection = self.collection_for(group, published)
        with blobs.materialize(ref) as fh:
            digest = _sha256_file(fh)
            current = doc.versions.order_by("-number").first() if existing is not None else None
            file_changed = current is None or current.file_hash != digest
            if file_changed:
                self._store(doc.file, ref.filename, fh)
                doc._set_document_file_metadata()
            # Versions are written below from the export itself, not by the
            # library's signal that versions admin uploads.
            doc._ailb_versioning = True
            doc.save()
            if existing is None:
                self._import_versions(doc, item)
            if file_changed:
                number = (doc.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
                fh.seek(0)
                self._add_version(doc, number, ref.filename, fh, digest, item, comment=item.get("changeNote") or "")
        created = parse_date(item.get("created"))
        if created and existing is None:
            IntranetDocument.objects.filter(pk=doc.pk).update(created_at=created)
        tags = [str(s) for s in item.get("subjects") or item.get("subject") or [] if s]
        doc.tags.set(tags, clear=True)
        if file_changed:
            after_document_import(doc)
        return doc

    def _add_version(self, doc, number, filename, fh, digest, data, comment=""):
        version = DocumentVersion(
            document=doc, number=number, filename=filename, file_hash=digest, comment=str(comment)[:500],
            created_at=parse_date(data.get("modified")) or parse_date(data.get("created")),
            created_by=self.user(data.get("changeActor")) or self.creator(data),
        )  # fmt: skip
        if version.created_at is None:
            version.created_at = doc.created_at
        self._store(version.file, filename, fh)
        version.file_size = version.file.size
        version.save()
        return version

    def _import_versions(self, doc, item):
        versions = item.get("exportimport.versions") or {}

        def key(pair):
            try:
                return int(pair[0])
            except (TypeError, ValueError):
                return 0

        for number, (_version_id, data) in enumerate(sorted(versions.items(), key=key), start=1):
            refs = self.export.blob_refs(data)
            ref = refs.get("file") or refs.get("image")
            if ref is None:
                continue
            with blobs.materialize(ref) as fh:
                digest = _sha256_file(fh)
                self._add_version(doc, number, ref.filename, fh, digest, data, comment=data.get("changeNote") or "")

    # ------------------------------------------------------------ after the items

    def fix_pending_links(self):
        """Links to items that came later in the export, resolved now that all exist."""
        for page in Page.objects.filter(pk__in=self.pending_links).specific():
            changed = False
            stream = {ContentPage: "body", WorkingGroupPage: "intro"}.get(type(page))
            if stream:
                raw = [dict(block) for block in getattr(page, stream).raw_data]
                for block in raw:
                    if block.get("type") == "paragraph":
                        html, _ = richtext.rewrite_links(block["value"], self.resolve)
                        html = richtext.sanitise(html, richtext.PARAGRAPH_FEATURES)
                        changed |= html != block["value"]
                        block["value"] = html
                if changed:
                    setattr(page, stream, raw)
            else:
                field = "body" if isinstance(page, NewsPage) else "description"
                features = richtext.NEWS_FEATURES if isinstance(page, NewsPage) else richtext.PARAGRAPH_FEATURES
                html, _ = richtext.rewrite_links(getattr(page, field), self.resolve)
                html = richtext.sanitise(html, features)
                changed = html != getattr(page, field)
                setattr(page, field, html)
            if changed:
                revision = page.save_revision(changed=True)
                if page.live:
                    revision.publish()
