"""News feeds (Django's syndication framework) and iCalendar feeds (``icalendar``).

Feed readers cannot log in, so each feed is reachable two ways: with the
session of a logged-in user, or with that user's personal secret token. Either
way the items are exactly those the user may see.
"""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar, Event, vText

from .access import can_view_page, visible_pages
from .models import FeedToken, MeetingPage, NewsPage, WorkingGroupPage


def meeting_summary(meeting):
    """« Kind – title », unless the title already starts with the kind (« Comité technique H2 »)."""
    kind = meeting.get_kind_display()
    if meeting.title.casefold().startswith(kind.casefold()):
        return meeting.title
    return f"{kind} – {meeting.title}"


def feed_user(request, token=None):
    """The user a feed is built for: the token's owner, or the logged-in user."""
    if token is not None:
        owner = FeedToken.objects.select_related("user").filter(token=token, user__is_active=True).first()
        if owner is None:
            raise Http404("Lien de flux inconnu ou révoqué.")
        return owner.user
    if not request.user.is_authenticated:
        raise Http404
    return request.user


def scoped_group(user, slug):
    if slug is None:
        return None
    group = get_object_or_404(WorkingGroupPage.objects.live(), slug=slug)
    if not can_view_page(user, group):
        raise Http404
    return group


class NewsFeed(Feed):
    description = "Les dernières actualités des groupes de travail de l'AILB."
    limit = 30

    def get_object(self, request, token=None, slug=None):
        user = feed_user(request, token)
        return {"user": user, "group": scoped_group(user, slug), "request": request}

    def title(self, obj):
        suffix = f" – {obj['group'].title}" if obj["group"] else ""
        return f"Actualités – {settings.WAGTAIL_SITE_NAME}{suffix}"

    def link(self, obj):
        return obj["group"].url if obj["group"] else "/actualites/"

    def items(self, obj):
        news = visible_pages(obj["user"], NewsPage.objects.live())
        if obj["group"]:
            news = news.descendant_of(obj["group"])
        return news.order_by("-date", "-pk")[: self.limit]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.date, time(8, 0)))

    def item_updateddate(self, item):
        return item.last_published_at


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description


def meetings_calendar(user, group=None, now=None):
    """An iCalendar of the meetings ``user`` may see (last 6 months and all to come)."""
    now = now or timezone.now()
    meetings = visible_pages(user, MeetingPage.objects.live()).filter(start__gte=now - timedelta(days=183))
    if group is not None:
        meetings = meetings.descendant_of(group)
    calendar = Calendar()
    calendar.add("prodid", "-//AILB//Intranet//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"Agenda AILB – {group.title}" if group else "Agenda AILB")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for meeting in meetings.order_by("start"):
        event = Event()
        event.add("uid", f"meeting-{meeting.pk}@ailb-intranet")
        event.add("summary", meeting_summary(meeting))
        event.add("dtstart", meeting.start)
        event.add("dtend", meeting.end or meeting.start + timedelta(hours=2))
        event.add("dtstamp", meeting.last_published_at or now)
        if meeting.place:
            event.add("location", vText(meeting.place))
        items = [block.value["title"] for block in meeting.agenda]
        description = "\n".join(f"• {item}" for item in items)
        if meeting.video_url:
            description += f"\nVisioconférence : {meeting.video_url}"
        if description:
            event.add("description", description.strip())
        event.add("url", f"{settings.SITE_URL}{meeting.url}")
        calendar.add_component(event)
    return calendar


def ical_view(request, token=None, slug=None):
    user = feed_user(request, token)
    group = scoped_group(user, slug)
    response = HttpResponse(meetings_calendar(user, group).to_ical(), content_type="text/calendar; charset=utf-8")
    filename = f"agenda-{group.slug}.ics" if group else "agenda-ailb.ics"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
