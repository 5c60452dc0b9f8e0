"""What the home page shows a user: a fixed number of queries whatever the volume."""

from documents.models import IntranetDocument as Document
from workgroups.access import visible_documents, visible_pages
from workgroups.listing import annotate_groups
from workgroups.membership import groups_of
from workgroups.models import MeetingPage, NewsPage


def dashboard_for(user, now, limit=5):
    news = list(visible_pages(user, NewsPage.objects.live()).order_by("-date", "-pk")[:limit])
    meetings = list(visible_pages(user, MeetingPage.objects.live()).filter(start__gte=now).order_by("start")[:limit])
    annotate_groups(news + meetings)
    documents = list(
        visible_documents(user, Document.objects.select_related("collection", "uploaded_by_user")).order_by(
            "-created_at", "-pk"
        )[:limit]
    )
    return {
        "my_groups": list(groups_of(user)),
        "latest_news": news,
        "next_meetings": meetings,
        "recent_documents": documents,
    }
