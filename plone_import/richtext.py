"""Plone rich text and Volto blocks → Wagtail rich text.

Sanitising goes through Wagtail's own converter (HTML → contentstate → HTML with
a feature list): whatever the editor could not produce is dropped, text is kept.
"""

import re
from html import escape

from bs4 import BeautifulSoup, NavigableString
from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter

PARAGRAPH_FEATURES = ["bold", "italic", "link", "ol", "ul", "document-link"]
NEWS_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "document-link"]
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
RESOLVEUID = re.compile(r"resolve[uU]id/([0-9A-Za-z_-]+)")
# Plone view suffixes that still designate the object itself.
VIEW_SUFFIX = re.compile(r"/(@@(download|images|display-file)(/.*)?|view|image_[a-z]+|download)$")


def sanitise(html, features):
    if html and ("<script" in html or "<style" in html):
        soup = BeautifulSoup(html, "html.parser")
        for node in soup.find_all(["script", "style"]):
            node.decompose()  # code, not content
        html = str(soup)
    converter = ContentstateConverter(features=features)
    return converter.to_database_format(converter.from_database_format(html or ""))


# ------------------------------------------------------------------ links


def link_target_key(href):
    """("uid", UID) or ("path", path) for a link that may point inside the old site."""
    if not href:
        return None
    match = RESOLVEUID.search(href)
    if match:
        return ("uid", match.group(1))
    if href.startswith(("mailto:", "tel:", "#")) or "://" in href:
        return ("url", href)
    path = VIEW_SUFFIX.sub("", href.split("?")[0].split("#")[0]).rstrip("/")
    return ("path", path) if path.startswith("/") else None


def rewrite_links(html, resolve):
    """Replace links to old Plone objects by Wagtail page/document links.

    ``resolve(key)`` returns ("page"|"document", id) or None; unresolved links are
    left untouched so that a later pass can resolve them."""
    if not html or ("<a" not in html and "<img" not in html):
        return html, 0
    soup = BeautifulSoup(html, "html.parser")
    unresolved = 0
    for img in soup.find_all("img"):
        # No image feature in the editor: keep the picture as a link to it.
        link = soup.new_tag("a", href=img.get("src", ""))
        link.string = img.get("alt") or img.get("title") or "Image"
        img.replace_with(link)
    for anchor in soup.find_all("a"):
        if anchor.get("linktype"):
            continue
        key = link_target_key(anchor.get("href"))
        if key is None or key[0] == "url":
            continue
        target = resolve(key)
        if target is None:
            unresolved += key[0] == "uid"
            continue
        linktype, pk = target
        anchor.attrs = {"linktype": linktype, "id": str(pk)}
    return str(soup), unresolved


# ------------------------------------------------------------------ Volto blocks


def _slate(nodes):
    out = []
    for node in nodes or []:
        if not isinstance(node, dict):
            continue
        if "text" in node and "type" not in node:
            out.append(escape(node["text"]))
            continue
        children = _slate(node.get("children"))
        kind = node.get("type")
        if kind == "link":
            out.append(f'<a href="{escape(_slate_href(node.get("data") or {}))}">{children}</a>')
        elif kind in {"p", "h1", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "strong", "em", "b", "i"}:
            out.append(f"<{kind}>{children}</{kind}>")
        else:
            out.append(children)
    return "".join(out)


def _slate_href(data):
    if data.get("url"):
        return data["url"]
    link = data.get("link") or {}
    if (link.get("external") or {}).get("external_link"):
        return link["external"]["external_link"]
    internal = (link.get("internal") or {}).get("internal_link") or []
    if internal and isinstance(internal[0], dict):
        return internal[0].get("@id", "")
    return ""


def _block_html(block):
    kind = block.get("@type")
    if kind == "slate":
        html = _slate(block.get("value"))
        return html if html.startswith("<") else f"<p>{html}</p>"
    if kind == "text":  # draft.js
        raw = (block.get("text") or {}).get("blocks") or []
        return "".join(f"<p>{escape(b.get('text', ''))}</p>" for b in raw if b.get("text"))
    if kind == "heading":
        return f"<h2>{escape(block.get('heading') or '')}</h2>"
    if kind == "image":
        url = block.get("url") or ""
        label = block.get("alt") or block.get("title") or "Image"
        return f'<p><a href="{escape(url)}">{escape(label)}</a></p>'
    if kind == "teaser":
        href = ((block.get("href") or [{}])[0] or {}).get("@id", "")
        return f'<p><a href="{escape(href)}">{escape(block.get("title") or href)}</a></p>'
    if kind == "title":  # shows the page title, which the page has already
        return ""
    text = block.get("plaintext") or block.get("text")
    return f"<p>{escape(text)}</p>" if isinstance(text, str) and text else ""


def blocks_to_html(blocks, layout):
    blocks = blocks or {}
    order = (layout or {}).get("items") or list(blocks)
    return "".join(_block_html(blocks[key]) for key in order if isinstance(blocks.get(key), dict))


def item_html(item):
    """The item's body as HTML: its rich text field, else its Volto blocks."""
    text = item.get("text")
    if isinstance(text, dict):
        text = text.get("data")
    if isinstance(text, str) and text.strip():
        return text
    return blocks_to_html(item.get("blocks"), item.get("blocks_layout"))


# ------------------------------------------------------------------ StreamField


def html_to_stream(html):
    """Top-level headings → ``heading`` blocks, everything else → ``paragraph``."""
    soup = BeautifulSoup(html or "", "html.parser")
    for node in soup.find_all(["script", "style"]):
        node.decompose()  # code, not content
    stream, pending = [], []

    def flush():
        chunk = "".join(pending).strip()
        pending.clear()
        if chunk:
            cleaned = sanitise(chunk, PARAGRAPH_FEATURES)
            if cleaned.strip():
                stream.append(("paragraph", cleaned))

    for node in soup.contents:
        if not isinstance(node, NavigableString) and node.name in HEADINGS:
            flush()
            text = node.get_text(" ", strip=True)
            if text:
                stream.append(("heading", text))
        else:
            pending.append(str(node))
    flush()
    return stream
