"""Turns a ``Digest`` into a French email: HTML (table layout, CSS inlined by
css-inline) with a plain-text alternative, RFC 8058 one-click unsubscribe
headers and a Message-ID that is stable across retries of the same delivery."""

import dataclasses
import re
import secrets
from email.utils import formataddr, parseaddr

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

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


# Stand-ins for the per-recipient parts of a rendered digest. Random per
# process (128 bits), so no title, summary or name can contain one by chance
# or on purpose.
_MARK = secrets.token_hex(16)
_PERSONAL = {"name": f"nom{_MARK}", "unsubscribe_url": f"desabonnement{_MARK}", "manage_url": f"gerer{_MARK}"}
_PERSONAL_RE = re.compile("|".join(re.escape(mark) for mark in _PERSONAL.values()))


def _shared_bodies(digest):
    """(subject, text, HTML with CSS inlined) of ``digest`` with stand-ins for the
    recipient's name and links: the same for every recipient of that content."""
    anonymous = dataclasses.replace(digest, recipient=dataclasses.replace(digest.recipient, name=_PERSONAL["name"]))
    ctx = {
        **context(anonymous),
        "unsubscribe_url": _PERSONAL["unsubscribe_url"],
        "manage_url": _PERSONAL["manage_url"],
    }
    text = render_to_string("digests/email/digest.txt", ctx)
    html = _inliner.inline(render_to_string("digests/email/digest.html", ctx))
    return ctx["subject"], text, html


def _personalise(body, values):
    """One pass over ``body``: a value put in is never scanned again."""
    by_mark = {_PERSONAL[name]: value for name, value in values.items()}
    return _PERSONAL_RE.sub(lambda match: by_mark[match.group(0)], body)


class DigestEmail(EmailMultiAlternatives):
    """Picks its own MIME boundary, a fresh random token checked against the
    bodies: the standard library would compile a new regular expression for
    every message to check its own (a large share of building a mail)."""

    def message(self):
        msg = super().message()
        if msg.is_multipart() and msg.get_boundary() is None:
            token = secrets.token_hex(16)
            if all(token not in body for body in [self.body, *(content for content, _type in self.alternatives)]):
                msg.set_boundary(f"=_{token}")
        return msg


def build_message(digest, delivery_pk, period, connection=None, cache=None):
    """The email of ``digest``. Recipients of a batch with the same content
    (``digest.content_key``) share one rendering and one CSS inlining, held in
    ``cache``; only their name and links are put in, escaped for the HTML part
    exactly as the template would escape them."""
    cache = {} if cache is None else cache
    recipient = digest.recipient
    key = ("bodies", digest.content_key, digest.frequency, recipient.is_partner)
    if digest.content_key is None or key not in cache:
        cache[key] = _shared_bodies(digest)
    subject_line, text, html = cache[key]
    unsubscribe = unsubscribe_url(digest)
    manage = unsubscribe if recipient.is_partner else absolute(reverse("digests:my_subscriptions"))
    values = {"name": recipient.name, "unsubscribe_url": unsubscribe, "manage_url": manage}
    message = DigestEmail(
        subject=subject_line,
        body=_personalise(text, values),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[formataddr((recipient.name, recipient.email))],
        reply_to=[settings.DIGEST_REPLY_TO] if settings.DIGEST_REPLY_TO else None,
        headers={
            "Message-ID": message_id(delivery_pk, period),
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": "Lettres d'information AILB <digests.ailb.example.org>",
            "Auto-Submitted": "auto-generated",
        },
        connection=connection,
    )
    html_values = {name: escape(value) for name, value in values.items()}
    message.attach_alternative(_personalise(html, html_values), "text/html")
    return message
