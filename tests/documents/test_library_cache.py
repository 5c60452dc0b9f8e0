"""The library's caches (filtered counts, rendered filters and list): keyed by the
collection's version, the filters, the page and the reader's rights; retired by every change."""

import re

import pytest
from django.urls import reverse

from documents.models import IntranetDocument
from documents.services.library import LibraryFilters, bump_library, filtered_count, filtered_documents, library_stamp

pytestmark = pytest.mark.django_db

# session, user, group page, access rules (one query: user groups, page and collection restrictions,
# collections, admin link): the rendered filters, list and counts all come from the cache.
CACHED_LIBRARY_QUERIES = 4


@pytest.fixture
def library(roles, add_document):
    member, animateur = roles.users["membre"], roles.users["animateur"]
    own = add_document(roles.open, member, "note-du-membre.pdf", tags=["eau"])
    other = add_document(roles.open, animateur, "note-animateur.pdf", tags=["budget"])
    return roles, {"own": own, "other": other}


def _url(group, **params):
    return reverse("documents:library", args=[group.slug])


def _trash_buttons(response):
    """Ids of the documents whose row offers « Mettre à la corbeille » to this reader."""
    return {int(pk) for pk in re.findall(r'formaction="[^"]*/(\d+)/supprimer/"', response.content.decode())}


def test_cached_page_runs_fewer_queries_and_stays_flat(library, client_for, django_assert_num_queries):
    roles, docs = library
    client = client_for(roles.users["membre"])
    url = _url(roles.open)
    client.get(url)
    client.get(url, {"tag": ["eau"], "tri": "titre"})
    with django_assert_num_queries(CACHED_LIBRARY_QUERIES):
        client.get(url)
    with django_assert_num_queries(CACHED_LIBRARY_QUERIES):  # the filtered total is cached too
        response = client.get(url, {"tag": ["eau"], "tri": "titre"})
    assert "note-du-membre" in response.content.decode()


def test_rendered_list_is_keyed_by_the_readers_rights(library, roles, client_for, make_user):
    """GIVEN the list rendered (and cached) for an animateur
    WHEN a member, another member and a reader of another group open it
    THEN each sees the actions of their own rights only."""
    from workgroups.membership import Role, set_role

    _, docs = library
    url = _url(roles.open)
    second_member = make_user("second")
    set_role(roles.open, second_member, Role.MEMBER)

    assert _trash_buttons(client_for(roles.users["animateur"]).get(url)) == {docs["own"].pk, docs["other"].pk}
    assert _trash_buttons(client_for(roles.users["membre"]).get(url)) == {docs["own"].pk}
    assert _trash_buttons(client_for(second_member).get(url)) == set()
    reader = client_for(roles.users["autre_groupe"]).get(url)
    assert reader.status_code == 200 and _trash_buttons(reader) == set()
    assert "note-du-membre" in reader.content.decode()
    # And back: the animateur's cached list is still the animateur's.
    assert _trash_buttons(client_for(roles.users["animateur"]).get(url)) == {docs["own"].pk, docs["other"].pk}


def test_private_library_cached_for_members_stays_closed(roles, client_for, add_document):
    add_document(roles.private, roles.users["animateur"], "secret-hydrogene.pdf")
    url = _url(roles.private)
    assert "secret-hydrogene" in client_for(roles.users["animateur"]).get(url).content.decode()
    assert client_for(roles.users["autre_groupe"]).get(url).status_code == 403


def test_no_csrf_token_inside_the_cached_list(library, roles, client_for):
    """The rows' trash buttons submit one form outside the cached list, with the reader's own token."""
    url = _url(roles.open)
    client = client_for(roles.users["animateur"])
    client.get(url)
    html = client.get(url).content.decode()
    # Logout (header), upload and the shared trash form: none inside a row.
    assert html.count('name="csrfmiddlewaretoken"') == 3
    assert 'id="mise-a-la-corbeille"' in html
    response = client.post(reverse("documents:delete", args=[roles.open.slug, library[1]["other"].pk]))
    assert response.status_code == 302


def _listed(client, url, **params):
    return client.get(url, params).content.decode()


def test_every_change_retires_the_cached_list(library, roles, client_for, add_document):
    roles, docs = library
    url = _url(roles.open)
    animateur = client_for(roles.users["animateur"])
    assert "note-animateur" in _listed(animateur, url)

    add_document(roles.open, roles.users["membre"], "depot-recent.pdf")  # upload
    assert "depot-recent" in _listed(animateur, url)

    animateur.post(  # edit (title and tags)
        reverse("documents:edit", args=[roles.open.slug, docs["other"].pk]),
        {"meta-title": "Budget révisé", "meta-description": "", "meta-tags": "finances"},
    )
    html = _listed(animateur, url)
    assert "Budget révisé" in html and ">finances</a>" in html

    row = f'id="document-{docs["other"].pk}"'
    animateur.post(reverse("documents:delete", args=[roles.open.slug, docs["other"].pk]))  # trash
    assert row not in _listed(animateur, url)

    animateur.post(reverse("documents:restore", args=[roles.open.slug, docs["other"].pk]))  # restore
    assert row in _listed(animateur, url)

    docs["own"].tags.add("nouveau-mot")  # tag change outside any view
    assert ">nouveau-mot</a>" in _listed(animateur, url)


def test_move_retires_both_libraries(library, roles, client_for):
    roles, docs = library
    animateur = client_for(roles.users["animateur"])
    source, target = _url(roles.open), _url(roles.private)
    assert "note-animateur" in _listed(animateur, source)
    assert "note-animateur" not in _listed(animateur, target)
    animateur.post(
        reverse("documents:edit", args=[roles.open.slug, docs["other"].pk]), {"move-target": roles.private.pk}
    )
    row = f'id="document-{docs["other"].pk}"'
    assert row not in _listed(animateur, source)
    assert row in _listed(animateur, target)


def test_move_by_any_editor_retires_the_library_it_leaves(library, roles, client_for):
    """GIVEN a document moved by a plain save (as Wagtail's admin does) THEN the old library forgets it."""
    roles, docs = library
    animateur = client_for(roles.users["animateur"])
    assert "note-animateur" in _listed(animateur, _url(roles.open))
    document = IntranetDocument.objects.get(pk=docs["other"].pk)
    document.collection = roles.private.collection
    document.save()
    assert "note-animateur" not in _listed(animateur, _url(roles.open))


def test_versions_extraction_and_names_retire_the_cached_list(library, roles, client_for):
    from documents.models import DocumentVersion
    from documents.services.pipeline import _record

    roles, docs = library
    url = _url(roles.open)
    member = client_for(roles.users["membre"])
    row = re.compile(rf'id="document-{docs["own"].pk}".*?</tr>', re.S)

    def own_row():
        return row.search(_listed(member, url)).group(0)

    assert "<td>1</td>" in own_row()
    DocumentVersion.objects.create(document=docs["own"], number=2, file=docs["own"].file.name, filename="v2.pdf")
    assert "<td>2</td>" in own_row()

    _record(docs["own"].pk, extraction_status="echec", extraction_error="fichier illisible")
    assert "fichier illisible" in own_row()

    user = roles.users["membre"]
    user.first_name, user.last_name = "Renommée", "Ailleurs"
    user.save()
    assert "Renommée Ailleurs" in own_row()
    user.save(update_fields=["last_login"])  # a login retires nothing
    stamp = library_stamp(roles.open.collection_id)
    user.save(update_fields=["last_login"])
    assert library_stamp(roles.open.collection_id) == stamp


def test_filtered_count_is_cached_per_filters_and_version(library, roles, django_assert_num_queries):
    roles, docs = library
    group = roles.open
    eau = LibraryFilters(tags=["eau"])
    stamp = library_stamp(group.collection_id)
    assert filtered_count(group, eau, filtered_documents(group, eau), stamp) == 1
    with django_assert_num_queries(0):
        assert filtered_count(group, eau, filtered_documents(group, eau), stamp) == 1
    # Another filter is another entry.
    budget = LibraryFilters(tags=["budget"])
    assert filtered_count(group, budget, filtered_documents(group, budget), stamp) == 1
    docs["other"].tags.add("eau")
    stamp = library_stamp(group.collection_id)
    assert filtered_count(group, eau, filtered_documents(group, eau), stamp) == 2


def test_sort_and_duplicate_tags_share_the_count_but_not_the_list():
    a = LibraryFilters(tags=["eau", "budget", "eau"], sort="titre")
    b = LibraryFilters(tags=["budget", "eau"], sort="date")
    assert a.criteria() == b.criteria()
    assert a.cache_key() != b.cache_key()


def test_pagination_links_carry_only_the_understood_filters(roles, client_for, add_document, settings):
    settings.DOCUMENT_LIBRARY_PAGE_SIZE = 1
    for name in ("un.txt", "deux.txt"):
        add_document(roles.open, roles.users["membre"], name, name.encode(), tags=["eau"])
    response = client_for(roles.users["membre"]).get(
        _url(roles.open), {"tag": "eau", "tri": "titre", "intrus": "<script>"}
    )
    html = response.content.decode()
    assert "?tag=eau&amp;tri=titre&amp;page=2" in html
    assert "intrus" not in html


def test_bump_library_changes_the_stamp(roles):
    before = library_stamp(roles.open.collection_id)
    other = library_stamp(roles.private.collection_id)
    bump_library(roles.open.collection_id)
    assert library_stamp(roles.open.collection_id) != before
    assert library_stamp(roles.private.collection_id) == other
