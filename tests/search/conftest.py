import pytest
from django.core.files.base import ContentFile
from wagtail.search import index


@pytest.fixture
def make_document(db):
    """Create an IntranetDocument in ``group``'s collection and index it (as after extraction)."""
    from documents.models import IntranetDocument

    def make(group, title, text="", *, kind="pdf", description="", tags=(), filename=None, **extra):
        content = text.encode() or b"x"
        document = IntranetDocument.objects.create(
            title=title,
            file=ContentFile(content, name=filename or f"{title[:30]}.pdf"),
            file_size=len(content),
            collection=group.collection,
            extracted_text=text,
            description=description,
            kind=kind,
            **extra,
        )
        if tags:
            document.tags.add(*tags)
        index.insert_or_update_object(document)
        return document

    return make


@pytest.fixture
def make_news(db):
    from workgroups.models import NewsPage

    def make(parent, title, body="", summary=""):
        page = NewsPage(title=title, body=f"<p>{body}</p>", summary=summary)
        parent.add_child(instance=page)
        page.save_revision().publish()
        page.refresh_from_db()
        index.insert_or_update_object(page.specific)
        return page

    return make


@pytest.fixture
def search_page(client_for):
    """GET /recherche/ as ``user`` with params; returns the response."""

    def get(user, **params):
        return client_for(user).get("/recherche/", params)

    return get
