"""What goes in one recipient's digest, filtered by what THAT recipient may see
at the moment of sending: ``workgroups.access`` for members; for partners, only
open groups, published pages outside any group restriction, and documents
marked "partagé avec les partenaires". Partners never get anything from a
private group, even a document marked as shared."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings

from documents.models import DocumentVersion, IntranetDocument
from workgroups.access import access_key, can_view_document, can_view_page
from workgroups.models import MeetingPage, NewsPage, Visibility, WorkingGroupPage

from . import partner_links
from .models import Subscription
from .recipients import subscriptions_filter

MEETING_HORIZON = timedelta(days=14)


def absolute(path):
    return f"{settings.SITE_URL}{path}"


def page_url(page):
    return absolute(page.get_url_parts()[2])


@dataclass
class GroupSection:
    group: WorkingGroupPage
    url: str
    documents: list = field(default_factory=list)  # dicts: title, tags, uploader, url, version
    news: list = field(default_factory=list)  # dicts: title, summary, url, date
    meetings: list = field(default_factory=list)  # dicts: title, start, place, url, is_new

    @property
    def has_news(self):
        return bool(self.documents or self.news or any(m["is_new"] for m in self.meetings))


@dataclass
class Digest:
    recipient: object
    frequency: str
    since: object
    cutoff: object
    sections: list
    subscribed_ids: list = field(default_factory=list)  # every group of this digest's frequency
    content_key: tuple = None  # equal for digests with the same sections (shared, read-only)

    @property
    def is_empty(self):
        return not any(section.has_news for section in self.sections)

    @property
    def group_ids(self):
        """Groups an unsubscribe from this digest leaves: all it covers, with news or not."""
        return self.subscribed_ids or [section.group.pk for section in self.sections]

    def summary(self):
        docs = sum(len(s.documents) for s in self.sections)
        news = sum(len(s.news) for s in self.sections)
        meetings = sum(len(s.meetings) for s in self.sections)
        return f"{len(self.sections)} groupe(s) : {docs} document(s), {news} actualité(s), {meetings} réunion(s)"


def subscribed_groups(recipient, frequency, subscriptions=None):
    """Live groups ``recipient`` follows at ``frequency`` and may still see.
    ``subscriptions`` (with groups) may be preloaded by a batch."""
    if subscriptions is None:
        subscriptions = Subscription.objects.filter(
            frequency=frequency, group__live=True, **subscriptions_filter(recipient.key)
        ).select_related("group", "group__collection")
    groups = sorted((s.group for s in subscriptions), key=lambda g: g.title)
    viewer = recipient.viewer
    if recipient.is_partner:
        groups = [g for g in groups if g.visibility == Visibility.OPEN]
    else:
        # A member removed from a group stops receiving it.
        auth_ids = {g.pk for g in recipient.user.groups.all()}
        groups = [g for g in groups if g.members_group_id in auth_ids or g.animateurs_group_id in auth_ids]
    return [g for g in groups if can_view_page(viewer, g)]


@dataclass
class _GroupItems:
    """Everything new in one group in (since, cutoff], before any per-recipient
    filter, with the pages' URLs worked out once (each costs a cache lookup)."""

    documents: list
    versions: list
    news: list
    meetings: list
    urls: dict  # page pk -> absolute URL, for the group, its news and meetings


def _group_items(group, since, cutoff):
    """Everything new in ``group`` in (since, cutoff], before any per-recipient filter."""
    documents, versions = [], []
    if group.collection_id:
        in_group = {"collection__path__startswith": group.collection.path}
        documents = list(
            IntranetDocument.objects.filter(
                deleted_at__isnull=True, created_at__gt=since, created_at__lte=cutoff, **in_group
            )
            .select_related("collection", "uploaded_by_user")
            .prefetch_related("tags")
            .order_by("-created_at")
        )
        versions = list(
            DocumentVersion.objects.filter(
                number__gt=1,
                created_at__gt=since,
                created_at__lte=cutoff,
                document__deleted_at__isnull=True,
                **{f"document__{k}": v for k, v in in_group.items()},
            )
            .exclude(document__in=documents)
            .select_related("document", "document__collection", "created_by")
            .prefetch_related("document__tags")
            .order_by("-created_at")
        )
    news = list(
        NewsPage.objects.live()
        .descendant_of(group)
        .filter(first_published_at__gt=since, first_published_at__lte=cutoff)
        .order_by("-date", "-pk")
    )
    meetings = list(
        MeetingPage.objects.live()
        .descendant_of(group)
        .filter(start__gte=cutoff, start__lt=cutoff + MEETING_HORIZON)
        .order_by("start")
    )
    urls = {page.pk: page_url(page) for page in [group, *news, *meetings]}
    return _GroupItems(documents, versions, news, meetings, urls)


def _place(page):
    return page.place or ("Visioconférence" if page.video_url else "")


def _name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def build_digest(recipient, frequency, since, cutoff, cache=None, subscriptions=None):
    """The digest of ``recipient``; ``cache`` (a dict) shares work across a batch.

    A member's sections depend only on their groups (``subscribed_groups``,
    worked out for this member) and ``access_key`` (what their rights hide):
    members alike in both get the same sections, computed once per batch.
    Nothing else about the member reaches them. A partner's sections carry
    document links signed for that partner: they are never shared."""
    cache = {} if cache is None else cache
    groups = subscribed_groups(recipient, frequency, subscriptions)
    content_key = (
        "sections",
        tuple(g.pk for g in groups),
        recipient.key if recipient.is_partner else "membre",
        access_key(recipient.viewer),
        since,
        cutoff,
    )
    if content_key not in cache:
        cache[content_key] = _visible_sections(groups, recipient, since, cutoff, cache)
    return Digest(
        recipient=recipient,
        frequency=frequency,
        since=since,
        cutoff=cutoff,
        sections=cache[content_key],
        subscribed_ids=[g.pk for g in groups],
        content_key=content_key,
    )


def _visible_sections(groups, recipient, since, cutoff, cache):
    viewer = recipient.viewer
    partner = recipient.is_partner
    sections = []

    def document_url(doc):
        # Partners have no account: their link is signed for them (partner_links).
        return partner_links.document_url(recipient.partner, doc) if partner else absolute(doc.url)

    def visible(doc):
        return partner_links.document_is_shared(viewer, doc) if partner else can_view_document(viewer, doc)

    for group in groups:
        key = (group.pk, since, cutoff)
        if key not in cache:
            cache[key] = _group_items(group, since, cutoff)
        items = cache[key]
        section = GroupSection(group=group, url=items.urls[group.pk])
        for doc in items.documents:
            if visible(doc):
                section.documents.append(
                    {
                        "title": doc.title,
                        "tags": [t.name for t in doc.tags.all()],
                        "uploader": _name(doc.uploaded_by_user),
                        "url": document_url(doc),
                        "version": None,
                    }
                )
        for version in items.versions:
            doc = version.document
            if visible(doc):
                section.documents.append(
                    {
                        "title": doc.title,
                        "tags": [t.name for t in doc.tags.all()],
                        "uploader": _name(version.created_by),
                        "url": document_url(doc),
                        "version": version.number,
                    }
                )
        for page in items.news:
            if can_view_page(viewer, page):
                section.news.append(
                    {"title": page.title, "summary": page.summary, "url": items.urls[page.pk], "date": page.date}
                )
        for page in items.meetings:
            if can_view_page(viewer, page):
                # A meeting is news when published, or when it entered the horizon, since the last digest.
                is_new = (page.first_published_at or cutoff) > since or page.start >= since + MEETING_HORIZON
                section.meetings.append(
                    {
                        "title": page.title,
                        "start": page.start,
                        "place": _place(page),
                        "url": items.urls[page.pk],
                        "is_new": is_new,
                    }
                )
        if section.documents or section.news or section.meetings:
            sections.append(section)
    return sections
