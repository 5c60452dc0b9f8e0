from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import feeds, views

app_name = "workgroups"


def token_feed(view):
    """The secret token is the credential: exempt from the login redirect. Wraps
    instead of marking ``view`` itself, which the session URLs share."""

    @login_not_required
    def wrapped(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    return wrapped


urlpatterns = [
    path("groupes/<slug:slug>/membres/", views.members, name="members"),
    path("mon-compte/flux/", views.my_feeds, name="my_feeds"),
    path("mon-compte/flux/renouveler/", views.regenerate_feed_token, name="regenerate_feed_token"),
    # Session-authenticated feeds.
    path("actualites/flux.rss", feeds.NewsFeed(), name="news_rss"),
    path("actualites/flux.atom", feeds.AtomNewsFeed(), name="news_atom"),
    path("groupes/<slug:slug>/actualites.rss", feeds.NewsFeed(), name="group_news_rss"),
    path("agenda.ics", feeds.ical_view, name="ical"),
    path("groupes/<slug:slug>/agenda.ics", feeds.ical_view, name="group_ical"),
    # Personal token feeds for readers that cannot log in.
    path("flux/<str:token>/actualites.rss", token_feed(feeds.NewsFeed()), name="token_news_rss"),
    path("flux/<str:token>/actualites.atom", token_feed(feeds.AtomNewsFeed()), name="token_news_atom"),
    path("flux/<str:token>/agenda.ics", token_feed(feeds.ical_view), name="token_ical"),
    path("flux/<str:token>/groupes/<slug:slug>/agenda.ics", token_feed(feeds.ical_view), name="token_group_ical"),
    path(
        "flux/<str:token>/groupes/<slug:slug>/actualites.rss",
        token_feed(feeds.NewsFeed()),
        name="token_group_news_rss",
    ),
]
