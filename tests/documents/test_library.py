"""The member-facing library: filters, sort, facets, and a pinned number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from documents.models import IntranetDocument
from tests.documents import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def stocked(roles, add_document):
    member, animateur = roles.users["membre"], roles.users["animateur"]
    sdage = add_document(roles.open, member, "sdage.pdf", tags=["eau", "sdage"])
    eptb = add_document(roles.open, animateur, "eptb.docx", corpus.docx_bytes("EPTB Vilaine"), tags=["eau"])
    budget = add_document(roles.open, animateur, "budget.xlsx", corpus.xlsx_bytes(), tags=["budget"])
    old = add_document(roles.open, member, "ancien.txt", b"Ancien compte rendu 2020")
    IntranetDocument.objects.filter(pk=old.pk).update(created_at=timezone.make_aware(datetime.datetime(2020, 5, 4)))
    return roles, {"sdage": sdage, "eptb": eptb, "budget": budget, "old": old}


def _titles(response):
    return [doc.title for doc in response.context["page_obj"].object_list]


def test_filters_sort_and_facets(stocked, client_for):
    roles, docs = stocked
    client = client_for(roles.users["membre"])
    url = reverse("documents:library", args=[roles.open.slug])
    assert set(_titles(client.get(url))) == {"sdage", "eptb", "budget", "ancien"}
    assert set(_titles(client.get(url, {"tag": ["eau"]}))) == {"sdage", "eptb"}
    assert _titles(client.get(url, {"tag": ["eau", "sdage"]})) == ["sdage"]  # several tags at once: all of them
    assert _titles(client.get(url, {"type": "tableur"})) == ["budget"]
    assert _titles(client.get(url, {"annee": "2020"})) == ["ancien"]
    assert set(_titles(client.get(url, {"auteur": roles.users["animateur"].pk}))) == {"eptb", "budget"}
    assert _titles(client.get(url, {"tri": "titre"})) == ["ancien", "budget", "eptb", "sdage"]
    sizes = [d.file_size for d in client.get(url, {"tri": "taille"}).context["page_obj"].object_list]
    assert sizes == sorted(sizes, reverse=True)
    response = client.get(url, {"type": "nimportequoi", "annee": "x", "tri": "pirate"})
    assert response.status_code == 200 and len(_titles(response)) == 4
    facets = response.context["facets"]
    assert dict(facets["tags"]) == {"eau": 2, "sdage": 1, "budget": 1}
    assert facets["years"][-1] == 2020
    html = response.content.decode()
    assert "eau <small>(2)</small>" in html
    assert f'src="{reverse("documents:preview", args=[docs["sdage"].pk])}"' in html  # preview column


@pytest.mark.parametrize(
    "params",
    [
        {"annee": "99999999999"}, {"annee": "10000"}, {"annee": "-5"}, {"annee": "0"}, {"annee": "２０２０"},
        {"auteur": "99999999999999999999"}, {"auteur": "9223372036854775808"}, {"auteur": "-1"},
        {"auteur": "2147483648"}, {"annee": "2020 ", "auteur": " 1e3"},
    ],
)  # fmt: skip
def test_out_of_range_filters_are_ignored_not_a_server_error(stocked, client_for, params):
    """A hand-edited URL with a year or an author id beyond what the database can hold used to raise
    OverflowError (HTTP 500): such a filter is now ignored, as an unknown one."""
    roles, _docs = stocked
    client = client_for(roles.users["membre"])
    response = client.get(reverse("documents:library", args=[roles.open.slug]), params)
    assert response.status_code == 200
    expected = {"ancien"} if params.get("annee", "").strip() == "2020" else {"sdage", "eptb", "budget", "ancien"}
    assert set(_titles(response)) == expected


def test_facets_follow_every_change(stocked, client_for, add_document):
    roles, docs = stocked
    client = client_for(roles.users["membre"])
    url = reverse("documents:library", args=[roles.open.slug])
    assert dict(client.get(url).context["facets"]["tags"])["eau"] == 2
    add_document(roles.open, roles.users["membre"], "nouveau.pdf", tags=["eau"])
    response = client.get(url)
    assert dict(response.context["facets"]["tags"])["eau"] == 3
    assert response.context["page_obj"].paginator.count == 5
    docs["eptb"].tags.remove("eau")
    assert dict(client.get(url).context["facets"]["tags"])["eau"] == 2


def test_trashed_documents_leave_the_library(stocked, client_for):
    roles, docs = stocked
    docs["sdage"].move_to_trash(roles.users["animateur"])
    response = client_for(roles.users["membre"]).get(reverse("documents:library", args=[roles.open.slug]))
    assert "sdage" not in _titles(response)
    assert dict(response.context["facets"]["tags"]) == {"eau": 1, "budget": 1}


# session, user, group page, access rules (1: user groups, page and collection restrictions,
# collections and the admin link, read together), the page of
# documents, its tags; facets come from the cache (rebuilt once per change); COUNT only when filtering.
# This is a view whose list is rendered (first view of these filters); a repeated view takes its
# rendered list and total from the cache (CACHED_LIBRARY_QUERIES in test_library_cache.py).
LIBRARY_QUERIES = 6


def test_library_query_count_is_pinned_and_flat(roles, client_for, django_assert_num_queries):
    """GIVEN 3 documents, then 40 more with many tags and versions
    WHEN a member opens the library THEN exactly the same number of queries runs."""
    from django.core.files.base import ContentFile

    from documents.models import DocumentVersion

    member = roles.users["membre"]
    client = client_for(member)
    url = reverse("documents:library", args=[roles.open.slug])

    def seed(count, offset):
        for i in range(offset, offset + count):
            doc = IntranetDocument.objects.create(
                title=f"Doc {i}", collection=roles.open.collection, uploaded_by_user=member,
                file=ContentFile(b"x", name=f"d{i}.txt"), file_size=1, kind="texte",
            )  # fmt: skip
            doc.tags.add("eau", f"tag-{i}", f"autre-{i}")
            DocumentVersion.objects.create(document=doc, number=2, file=doc.file.name, filename=doc.filename)

    seed(3, 0)
    client.get(url)  # builds the facets once (content types, site root, facet cache)
    with django_assert_num_queries(LIBRARY_QUERIES):
        client.get(url, {"tri": "titre"})
    with django_assert_num_queries(LIBRARY_QUERIES + 1):  # + COUNT of the filtered list
        client.get(url, {"tag": ["eau"], "tri": "titre"})
    seed(40, 3)
    client.get(url)  # the new documents made the cached facets stale: rebuilt once
    with django_assert_num_queries(LIBRARY_QUERIES):
        client.get(url, {"tri": "titre"})
    with django_assert_num_queries(LIBRARY_QUERIES + 1):
        response = client.get(url, {"tag": ["eau"], "tri": "titre"})
    assert len(response.context["page_obj"].object_list) == 20
    assert response.context["page_obj"].object_list[0].version_count == 2


@pytest.mark.django_db
def test_library_lists_documents_whose_uploader_is_gone(roles, client_for, add_document):
    """GIVEN a document imported without an uploader (or whose uploader was deleted)
    WHEN a member opens the library THEN it is listed, with no server error."""
    document = add_document(roles.open, roles.users["membre"], "sans-auteur.txt", b"Texte sans auteur")
    type(document).objects.filter(pk=document.pk).update(uploaded_by_user=None)
    response = client_for(roles.users["membre"]).get("/groupes/eau/documents/")
    assert response.status_code == 200
    assert "sans-auteur" in response.content.decode()
