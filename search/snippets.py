"""Snippets of matching text with the query terms highlighted, always escaped.

A small accent- and case-insensitive highlighter marks the query words (prefix
of the stem) with private-use sentinel characters in a window around the first
match; everything is then HTML-escaped and only the sentinels become ``<mark>``.
PostgreSQL's ``ts_headline`` (real stemming, several fragments) was dropped: it
parses every text again through the dictionaries, ~5-9 ms for a page of 20
results, against ~1 ms here (docs/performance.md, « Recherche »).
Text comes from the search index's plain-text copy (one query for a page of
results)."""

import functools
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


ACCENTED = "àáâãäåçèéêëìíîïñòóôõöùúûüýÿ"
_VARIANTS = {}
for _ch in ACCENTED:
    _VARIANTS.setdefault(_fold(_ch), {_fold(_ch)}).add(_ch)


def _accent_insensitive(stem):
    """Regex for ``stem`` (already folded) that matches any accented spelling of it."""
    return "".join(f"[{''.join(sorted(_VARIANTS[c]))}]" if c in _VARIANTS else re.escape(c) for c in stem)


@functools.lru_cache(maxsize=256)
def _pattern(words):
    """Compiled pattern for ``words`` (a tuple), or None: built once per query, not once per result."""
    stems = sorted({"".join(_fold(c) for c in w)[: max(3, len(w) - 2)] for w in words if w}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"\b(?:" + "|".join(_accent_insensitive(s) for s in stems) + r")\w*", re.IGNORECASE)


def highlight_python(text, words):
    """Window around the first matching word, with words marked (accent/case-insensitive, prefix of the stem).

    The pattern itself is accent- and case-insensitive, so the text is scanned by the regex engine
    only (no per-character folding in Python): cheap even on long texts."""
    text = text.replace(START, "").replace(STOP, "")
    pattern = _pattern(tuple(words))
    if pattern is None:
        return _render(text[:SNIPPET_LENGTH])
    first = pattern.search(text)
    start = max(0, first.start() - 80) if first else 0
    if start:  # begin on a word boundary
        space = text.find(" ", start, first.start())
        start = space + 1 if space != -1 else start
    end = min(len(text), start + SNIPPET_LENGTH)
    pieces, cursor = [], start
    for match in pattern.finditer(text, start, end):
        pieces.append(text[cursor : match.start()])
        pieces.append(START + text[match.start() : match.end()] + STOP)
        cursor = match.end()
    pieces.append(text[cursor:end])
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return _render(prefix + "".join(pieces) + suffix)


def _highlighted_words(parsed):
    return list(parsed.words) + [w for phrase in parsed.phrases for w in phrase]


def snippets_from_texts(texts, parsed):
    """{(kind, pk): safe HTML} from texts already read (the PostgreSQL statement returns them)."""
    words = _highlighted_words(parsed)
    return {key: highlight_python(text or "", words) for key, text in texts.items()}


def snippets_for(items, parsed):
    """{(kind, pk): safe HTML} for ``items`` = [(kind, obj)] with kind "page" or "document"."""
    if not items:
        return {}
    doc_ct = ContentType.objects.get_for_model(IntranetDocument).pk
    wanted = {}
    for kind, obj in items:
        ct = doc_ct if kind == "document" else obj.content_type_id
        wanted[(ct, str(obj.pk))] = (kind, obj.pk)
    words = _highlighted_words(parsed)
    entries = _index_entry_model().objects.filter(
        content_type_id__in={ct for ct, _pk in wanted}, object_id__in=[pk for _ct, pk in wanted]
    )
    result = {}
    # SQLite's index keeps the plain text in ``body``; PostgreSQL's in ``body_text``.
    text_field = "body_text" if connection.vendor == "postgresql" else "body"
    rows = entries.annotate(text=Substr(F(text_field), 1, SNIPPET_SOURCE_CHARS)).values_list(
        "content_type_id", "object_id", "text"
    )
    for ct, pk, text in rows:
        if (ct, pk) in wanted:
            result[wanted[(ct, pk)]] = highlight_python(text or "", words)
    return result
