"""Loads the demo data of ``demo_data`` into the site. Idempotent: objects are
found by a natural key (username, slug) and created only when missing."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from home import demo_data as data
from home.structure import ensure_site_structure
from workgroups.membership import Role, set_role
from workgroups.models import MeetingPage, NewsPage, WorkingGroupPage

PARIS = ZoneInfo("Europe/Paris")


def _at(day, hour):
    return datetime.combine(date.fromisoformat(day) if isinstance(day, str) else day,
                            datetime.strptime(hour, "%H:%M").time(), tzinfo=PARIS)  # fmt: skip


def _user(username, first, last, *, superuser=False):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
    )
    if created:
        user.set_password(data.DEMO_PASSWORD)
        user.is_superuser = user.is_staff = superuser
        user.save()
    return user, created


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _meeting(parent, kind, start, title, place, agenda):
    slug = slugify(f"{start:%Y-%m-%d} {title}")[:80]
    if MeetingPage.objects.child_of(parent).filter(slug=slug).exists():
        return False
    video = place.lower().startswith("visio")
    _publish(parent, MeetingPage(
        title=title, slug=slug, kind=kind, start=start, end=start + timedelta(hours=2, minutes=30),
        place="" if video else place, video_url="https://visio.example.org/ailb" if video else "",
        agenda=[("item", {"title": item, "detail": ""}) for item in agenda],
    ))  # fmt: skip
    return True


@transaction.atomic
def seed(log=print, today=None):
    today = today or timezone.localdate()
    counts = {"utilisateurs": 0, "groupes": 0, "réunions": 0, "actualités": 0}
    pages = ensure_site_structure()

    _, created = _user(data.ADMIN_USERNAME, "Administratrice", "AILB", superuser=True)
    counts["utilisateurs"] += created
    people = {}
    for username, first, last, _mandate in data.ELUS + data.STAFF + data.TECHNICIANS:
        people[username], created = _user(username, first, last)
        counts["utilisateurs"] += created
    mandates = {u: m for u, _f, _l, m in data.ELUS + data.TECHNICIANS}

    groups = {}
    for slug, title, theme, visibility, referents, technicians, intro in data.GROUPS:
        group = WorkingGroupPage.objects.filter(slug=slug).first()
        if group is None:
            group = WorkingGroupPage(
                title=title, slug=slug, theme=theme, visibility=visibility,
                intro=[("paragraph", f"<p>{intro}</p>")],
            )  # fmt: skip
            for username in referents:
                person = people[username]
                group.referents.add(_referent(person, mandates[username]))
            _publish(pages["groups"], group)
            counts["groupes"] += 1
            # The project team animates every group; referents and technicians are members.
            for username in ("v.poteau", "l.francois"):
                set_role(group, people[username], Role.ANIMATEUR)
            for username in referents + technicians:
                set_role(group, people[username], Role.MEMBER)
        groups[slug] = group
    log(f"  {len(groups)} groupes de travail")

    for kind, day, hour, title, place, agenda in data.CALENDAR_2021:
        counts["réunions"] += _meeting(pages["agenda"], kind, _at(day, hour), title, place, agenda)
    for slug, kind, day, hour, title, place, agenda in data.GROUP_MEETINGS:
        counts["réunions"] += _meeting(groups[slug], kind, _at(day, hour), title, place, agenda)
    for slug, kind, offset, hour, title, place, agenda in data.UPCOMING:
        parent = groups[slug]
        if not MeetingPage.objects.child_of(parent).filter(title=title).exists():
            counts["réunions"] += _meeting(parent, kind, _at(today + timedelta(days=offset), hour), title, place,
                                           agenda)  # fmt: skip

    for slug, day, title, summary in data.NEWS:
        parent = groups[slug] if slug else pages["news"]
        news_slug = slugify(title)[:80]
        if NewsPage.objects.child_of(parent).filter(slug=news_slug).exists():
            continue
        _publish(parent, NewsPage(title=title, slug=news_slug, date=date.fromisoformat(day), summary=summary,
                                  body=f"<p>{summary}</p>", owner=people["v.poteau"]))  # fmt: skip
        counts["actualités"] += 1

    from digests.seed import seed_subscriptions

    seed_subscriptions(log)

    for label, count in counts.items():
        log(f"  {count} {label} créé(e)s")

    from directory.demo import seed_directory

    seed_directory(log, groups=groups)
    counts["documents"] = seed_documents(groups, people)
    log(f"  {counts['documents']} documents déposés")
    return {"pages": pages, "groups": groups, "people": people, "counts": counts}


def _referent(person, mandate):
    from workgroups.models import GroupReferent

    return GroupReferent(name=person.get_full_name(), mandate=mandate, user=person)


def seed_documents(groups, people):
    """One document per group drawn from the report, through the same upload
    service as the library (checks, versions, extraction after commit)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from documents.models import IntranetDocument
    from documents.services.upload import create_document

    created = 0
    for slug, title, filename, tags, text in data.DOCUMENTS:
        group = groups[slug]
        if IntranetDocument.objects.filter(collection=group.collection, title=title).exists():
            continue
        upload = SimpleUploadedFile(filename, text.encode("utf-8"), content_type="text/markdown")
        create_document(upload, collection=group.collection, user=people["v.poteau"], title=title, tags=tags)
        created += 1
    return created
