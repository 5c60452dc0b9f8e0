"""Turns a ``Digest`` into a French email: HTML (table layout, CSS inlined by
css-inline) with a plain-text alternative, RFC 8058 one-click unsubscribe
headers and a Message-ID that is stable across retries of the same delivery."""

from email.utils import formataddr, parseaddr

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from .content import absolute
from .models import Frequency
from .tokens import make_token

_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def unsubscribe_url(digest):
    return absolute(reverse("digests:unsubscribe", args=[make_token(digest.recipient.key, digest.group_ids)]))


def message_id(delivery_pk, period):
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "ailb.example.org"
    return f"<digest.{delivery_pk}.{period.replace(':', '.')}@{domain}>"


def subject(digest):
    label = "quotidienne" if digest.frequency == Frequency.DAILY else "hebdomadaire"
    groups = ", ".join(section.group.title for section in digest.sections)
    return f"Lettre {label} de l'AILB – {groups}"[:200]


def context(digest):
    unsubscribe = unsubscribe_url(digest)
    manage = unsubscribe if digest.recipient.is_partner else absolute(reverse("digests:my_subscriptions"))
    return {
        "digest": digest,
        "subject": subject(digest),
        "unsubscribe_url": unsubscribe,
        "manage_url": manage,
        "site_url": settings.SITE_URL,
        "partner_link_days": settings.DIGEST_PARTNER_LINK_MAX_AGE_DAYS,
    }


def render_html(digest):
    return _inliner.inline(render_to_string("digests/email/digest.html", context(digest)))


def build_message(digest, delivery_pk, period, connection=None):
    ctx = context(digest)
    recipient = digest.recipient
    message = EmailMultiAlternatives(
        subject=ctx["subject"],
        body=render_to_string("digests/email/digest.txt", ctx),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((recipient.name, recipient.email))],
        reply_to=[settings.DIGEST_REPLY_TO] if settings.DIGEST_REPLY_TO else None,
        headers={
            "Message-ID": message_id(delivery_pk, period),
            "List-Unsubscribe": f"<{ctx['unsubscribe_url']}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Lettres d'information AILB <digests.ailb.example.org>",
            "Auto-Submitted": "auto-generated",
        },
        connection=connection,
    )
    message.attach_alternative(_inliner.inline(render_to_string("digests/email/digest.html", ctx)), "text/html")
    return message
