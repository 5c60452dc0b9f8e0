"""Snippets of matching text with the query terms highlighted, always escaped.

On PostgreSQL ``ts_headline`` picks the fragments (it understands stemming and
accents) and marks terms with private-use sentinel characters; everything is
then HTML-escaped and only the sentinels become ``<mark>``. Elsewhere a small
accent- and case-insensitive highlighter does the same on the indexed text.
Text comes from the search index's plain-text copy (one query for a page of
results)."""

import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.db.models.functions import Substr
from django.utils.html import escape
from django.utils.safestring import mark_safe
from modelsearch.conf import get_app_config

from documents.models import IntranetDocument

START, STOP = "\ue000", "\ue001"
SNIPPET_SOURCE_CHARS = 20_000
SNIPPET_LENGTH = 240


def _index_entry_model():
    return get_app_config().get_model("IndexEntry")


def _render(text):
    """Escape ``text`` and turn the sentinels into <mark> (balanced)."""
    out, open_mark = [], False
    for part in re.split(f"([{START}{STOP}])", text):
        if part == START and not open_mark:
            out.append("<mark>")
            open_mark = True
        elif part == STOP and open_mark:
            out.append("</mark>")
            open_mark = False
        elif part not in (START, STOP):
            out.append(escape(part))
    if open_mark:
        out.append("</mark>")
    return mark_safe("".join(out))  # noqa: S308 — every piece of text above is escaped


def _fold(ch):
    base = unicodedata.normalize("NFD", ch)[0].casefold()
    return base[0] if base else ch


def highlight_python(text, words):
    """Window around the first matching word, with words marked (accent/case-insensitive, prefix of the stem)."""
    text = text.replace(START, "").replace(STOP, "")
    folded = "".join(_fold(ch) for ch in text)  # same length as text
    stems = sorted({"".join(_fold(c) for c in w)[: max(3, len(w) - 2)] for w in words if w}, key=len, reverse=True)
    if not stems:
        return _render(text[:SNIPPET_LENGTH])
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*")
    first = pattern.search(folded)
    start = max(0, first.start() - 80) if first else 0
    end = min(len(text), start + SNIPPET_LENGTH)
    pieces, cursor = [], start
    for match in pattern.finditer(folded, start, end):
        pieces.append(text[cursor : match.start()])
        pieces.append(START + text[match.start() : match.end()] + STOP)
        cursor = match.end()
    pieces.append(text[cursor:end])
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return _render(prefix + "".join(pieces) + suffix)


def snippets_for(items, parsed):
    """{(kind, pk): safe HTML} for ``items`` = [(kind, obj)] with kind "page" or "document"."""
    if not items:
        return {}
    doc_ct = ContentType.objects.get_for_model(IntranetDocument).pk
    wanted = {}
    for kind, obj in items:
        ct = doc_ct if kind == "document" else obj.content_type_id
        wanted[(ct, str(obj.pk))] = (kind, obj.pk)
    words = list(parsed.words) + [w for phrase in parsed.phrases for w in phrase]
    entries = _index_entry_model().objects.filter(
        content_type_id__in={ct for ct, _pk in wanted}, object_id__in=[pk for _ct, pk in wanted]
    )
    result = {}
    if connection.vendor == "postgresql" and words:
        from django.contrib.postgres.search import SearchHeadline, SearchQuery

        from .parsing import MAX_TERMS

        query = None
        for word in words[:MAX_TERMS]:
            term = SearchQuery(word, config="french_unaccent", search_type="plain")
            query = term if query is None else query | term
        rows = entries.annotate(
            snippet=SearchHeadline(
                Substr(F("body_text"), 1, SNIPPET_SOURCE_CHARS),
                query,
                config="french_unaccent",
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
                max_fragments=2,
                fragment_delimiter="…",
            )
        ).values_list("content_type_id", "object_id", "snippet")
        for ct, pk, snippet in rows:
            if (ct, pk) in wanted:
                result[wanted[(ct, pk)]] = _render(snippet or "")
    else:
        # SQLite's index keeps the plain text in ``body``; PostgreSQL's in ``body_text``.
        text_field = "body_text" if connection.vendor == "postgresql" else "body"
        rows = entries.annotate(text=Substr(F(text_field), 1, SNIPPET_SOURCE_CHARS)).values_list(
            "content_type_id", "object_id", "text"
        )
        for ct, pk, text in rows:
            if (ct, pk) in wanted:
                result[wanted[(ct, pk)]] = highlight_python(text or "", words)
    return result
