"""Turn what a reader types into a Wagtail search query, safely.

Words are reduced to letters and digits (so SQL-looking text, punctuation and
control characters are just noise), quotes make a phrase (an unclosed quote
runs to the end), a leading minus excludes a word. Lengths are capped so a
10,000-character query costs no more than a short one."""

import re
import unicodedata
from dataclasses import dataclass, field

from wagtail.search.query import And, Not, Phrase, PlainText

MAX_QUERY_LENGTH = 200
MAX_TERMS = 10
MAX_TERM_LENGTH = 40

_WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')


@dataclass
class ParsedQuery:
    text: str  # cleaned text, echoed back in the search box
    words: list = field(default_factory=list)  # positive words, for highlighting
    phrases: list = field(default_factory=list)
    excluded: list = field(default_factory=list)

    @property
    def is_empty(self):
        return not (self.words or self.phrases)

    def as_search_query(self):
        """A Wagtail query object (And of PlainText / Phrase / Not), or None."""
        if self.is_empty:
            return None
        parts = []
        if self.words:
            parts.append(PlainText(" ".join(self.words), operator="and"))
        parts.extend(Phrase(" ".join(phrase)) for phrase in self.phrases)
        parts.extend(Not(PlainText(word)) for word in self.excluded)
        return parts[0] if len(parts) == 1 else And(parts)


def _words(text):
    return [w[:MAX_TERM_LENGTH] for w in _WORD.findall(text.replace("_", " "))]


def clean_text(raw):
    """Printable text, at most MAX_QUERY_LENGTH characters."""
    raw = (raw or "")[: MAX_QUERY_LENGTH * 4]
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in raw)
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    return text[:MAX_QUERY_LENGTH].strip()


def parse(raw):
    text = clean_text(raw)
    parsed = ParsedQuery(text=text)
    budget = MAX_TERMS
    for match in _TOKEN.finditer(text):
        if budget <= 0:
            break
        phrase, token = match.group(1), match.group(2)
        if phrase is not None:
            words = _words(phrase)[:budget]
            if len(words) > 1:
                parsed.phrases.append(words)
            elif words:
                parsed.words.extend(words)
            budget -= len(words)
        elif token.startswith("-") and len(token) > 1:
            words = _words(token[1:])[:budget]
            parsed.excluded.extend(words)
            budget -= len(words)
        else:
            words = _words(token)[:budget]
            parsed.words.extend(words)
            budget -= len(words)
    return parsed
