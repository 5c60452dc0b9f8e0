"""Search page, suggestions, French matching, permissions, bad input, indexing."""

import datetime
import time

import pytest
from django.db import connection
from django.utils import timezone

from search.parsing import parse
from search.service import Filters, run_search
from workgroups.models import NewsPage

pytestmark = pytest.mark.django_db

SECRET = "zorglubium"  # appears only in the private group's content


@pytest.fixture
def corpus(roles, make_document, make_news):
    docs = {
        "dechets": make_document(
            roles.open,
            "Collecte des Déchets ménagers",
            "Rapport sur la TGAP et les déchets ménagers.",
            tags=["TGAP"],
            kind="pdf",
        ),
        "mobilite": make_document(
            roles.open,
            "Plan de mobilité",
            "La mobilité décarbonée sur le réseau de bus.",
            kind="texte",
            filename="plan.txt",
        ),
        "secret": make_document(
            roles.private,
            "Note confidentielle",
            f"Projet {SECRET} de la filière hydrogène.",
            tags=["confidentiel"],
        ),
        "xss": make_document(roles.open, "Note <b>piégée</b>", 'Texte <script>alert("x")</script> avec piège'),
    }
    news = make_news(roles.private, f"Réunion {SECRET}", f"Compte rendu {SECRET}.")
    return docs, news


def titles(outcome):
    return [hit.title for hit in outcome.hits]


def search(user, query, **filters):
    return run_search(user, parse(query), Filters(**filters))


# ------------------------------------------------------------ French matching (PostgreSQL)


@pytest.mark.postgres
def test_title_that_is_the_query_beats_texts_full_of_its_words(roles, make_document):
    """Relevance: GIVEN documents whose titles and texts repeat « charte » and « habiter » until the
    rank saturates (as the benchmark corpus's common words do), and the one titled « Charte de
    l'habiter », created first (equal ranks would put it last) WHEN searching THEN it comes first,
    then the titles by length: the closer a title is to the query, the higher."""
    text = " ".join(["charte de l'habiter"] * 60)
    exact = make_document(roles.open, "Charte de l'habiter", text)
    others = [
        make_document(roles.open, f"Charte habiter, charte{', habiter' * n} : compte rendu {n}", text) for n in range(5)
    ]
    found = titles(search(roles.users["membre"], "charte habiter"))
    assert found == [exact.title] + [doc.title for doc in others]


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("déchet", "Collecte des Déchets ménagers"),  # stemming, singular finds plural
        ("dechets", "Collecte des Déchets ménagers"),  # accents ignored
        ("mobilités", "Plan de mobilité"),  # plural finds singular
        ("decarbonee", "Plan de mobilité"),
    ],
)
def test_french_stemming_and_accents(corpus, roles, query, expected):
    assert expected in titles(search(roles.users["membre"], query))


@pytest.mark.postgres
def test_unaccented_query_finds_accented_word(corpus, roles):
    found = titles(search(roles.users["membre"], "hydrogene"))
    assert "Note confidentielle" in found
    assert "Mobilités décarbonées – hydrogène" in found  # the group page itself


@pytest.mark.postgres
def test_eau_does_not_match_reseau(corpus, roles):
    assert "Plan de mobilité" not in titles(search(roles.users["membre"], "eau"))
    assert "Plan de mobilité" in titles(search(roles.users["membre"], "réseau"))


@pytest.mark.postgres
def test_phrase_and_exclusion(corpus, roles):
    member = roles.users["membre"]
    assert titles(search(member, '"déchets ménagers"')) == ["Collecte des Déchets ménagers"]
    assert titles(search(member, '"ménagers déchets"')) == []  # order matters in a phrase
    assert "Plan de mobilité" in titles(search(member, "mobilité"))
    assert "Plan de mobilité" not in titles(search(member, "mobilité -bus"))


@pytest.mark.postgres
def test_snippet_highlights_and_escapes(corpus, roles, search_page):
    html = search_page(roles.users["membre"], q="piège").content.decode()
    assert "<mark>piège</mark>" in html
    assert "<script>alert" not in html and "<b>piégée</b>" not in html
    assert "Note &lt;b&gt;piégée&lt;/b&gt;" in html
    outcome = search(roles.users["membre"], "déchet")
    assert "<mark>déchets</mark>" in str(outcome.hits[0].snippet)


def test_python_highlighter_escapes_and_marks():
    from search.snippets import highlight_python

    html = str(highlight_python("Les <b>Déchets</b> & la TGAP", ["dechet"]))
    assert html == "Les &lt;b&gt;<mark>Déchets</mark>&lt;/b&gt; &amp; la TGAP"


# ------------------------------------------------------------ result details, facets, sorting, pagination


def test_result_shows_kind_group_date_type_size(corpus, roles, search_page):
    response = search_page(roles.users["membre"], q="TGAP")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Collecte des Déchets ménagers" in html
    assert 'class="badge">Document' in html
    assert 'href="/groupes/eau/">Eau</a>' in html
    assert "PDF" in html and "octets" in html
    assert timezone.localdate().strftime("%Y") in html


def test_facets_count_and_filter(corpus, roles):
    member = roles.users["membre"]
    outcome = search(member, "note")
    assert {slug: n for slug, _l, n in outcome.facets["groupe"]} == {"eau": 1, "hydrogene": 1}
    assert ("document", "Document", 2) in outcome.facets["type"]
    assert {tag for tag, _l, _n in outcome.facets["tag"]} == {"confidentiel"}
    assert [year for year, _l, _n in outcome.facets["annee"]] == [timezone.localdate().year]
    assert titles(search(member, "note", groupe="eau")) == ["Note <b>piégée</b>"]
    assert titles(search(member, "note", tag="confidentiel")) == ["Note confidentielle"]
    assert search(member, "note", fichier="texte").total == 0
    assert search(member, "note", annee=1999).total == 0


def test_pagination_and_sort_by_date(roles, make_document):
    member = roles.users["membre"]
    for n in range(25):
        make_document(roles.open, f"Compte rendu {n:02d}", "budget annexe")
    first = search(member, "budget", tri="date")
    assert first.total == 25 and first.num_pages == 2 and len(first.hits) == 20
    assert first.hits[0].title == "Compte rendu 24"  # newest first
    second = search(member, "budget", tri="date", page=2)
    assert len(second.hits) == 5
    assert not {h.title for h in first.hits} & {h.title for h in second.hits}


def test_pagination_by_relevance_continues_the_ranking(roles, make_document):
    """The second page starts where the first stops (each page is cut in the database), and every
    hit of either page carries its own snippet."""
    member = roles.users["membre"]
    for n in range(25):
        # same length, more and more occurrences: the ranking is the same for every engine
        make_document(roles.open, f"Pièce {n:02d}", " ".join(["budget"] * (n + 1) + ["annexe"] * (30 - n)))
    first, second = search(member, "budget"), search(member, "budget", page=2)
    assert first.total == 25 and len(first.hits) == 20 and len(second.hits) == 5
    ranked = [h.title for h in first.hits + second.hits]
    assert sorted(ranked) == sorted(f"Pièce {n:02d}" for n in range(25))  # each once, none lost
    assert ranked[0] == "Pièce 24" and ranked[-1] == "Pièce 00"  # most occurrences first
    assert all("<mark>budget</mark>" in str(h.snippet) for h in first.hits + second.hits)


def test_empty_result_page_suggests_what_to_try(corpus, roles, search_page):
    html = search_page(roles.users["membre"], q="inexistantissime", groupe="eau").content.decode()
    assert "Aucun résultat" in html
    assert "<strong>0</strong>" not in html  # one message, not « 0 résultats » above « Aucun résultat »
    assert "Retirez les filtres" in html
    assert "groupes de travail" in html


def test_page_beyond_the_results_leads_back(corpus, roles, search_page):
    """A page number past the end (an old link) says so and links to the first page, instead of
    « Aucun résultat » under a non-zero total (found by a new-user review)."""
    html = search_page(roles.users["membre"], q="note", page="40").content.decode()
    assert "Cette page est au-delà des résultats : il y en a 1 page." in html
    assert 'href="?q=note">Revenir à la première page' in html
    assert "Aucun résultat" not in html


def test_group_library_search(corpus, roles, search_page):
    html = search_page(roles.users["membre"], q="note", groupe="eau").content.decode()
    assert "dans « Eau »" in html
    assert "Note confidentielle" not in html


# ------------------------------------------------------------ permissions, in the query

ROLES_WITHOUT_ACCESS = ["autre_groupe"]
ROLES_WITH_ACCESS = ["membre", "animateur", "admin"]


@pytest.mark.parametrize("role", ROLES_WITHOUT_ACCESS)
def test_private_word_reveals_nothing(corpus, roles, role, search_page, client_for):
    user = roles.users[role]
    outcome = search(user, SECRET)
    assert outcome.total == 0 and outcome.hits == []
    assert all(values == [] for values in outcome.facets.values())
    # facets of a broader query do not count the private document either
    broad = search(user, "note")
    assert broad.total == 1
    assert "hydrogene" not in [slug for slug, _l, _n in broad.facets["groupe"]]
    assert "confidentiel" not in [tag for tag, _l, _n in broad.facets["tag"]]
    # filtering on the private group says nothing either
    assert search(user, "note", groupe="hydrogene").total == 0
    html = search_page(user, q=SECRET).content.decode()
    assert "Note confidentielle" not in html and "Aucun résultat pour « zorglubium »" in html
    html = search_page(user, q="note").content.decode()
    assert "Mobilités décarbonées" not in html and "confidentiel" not in html
    suggestions = client_for(user).get("/recherche/suggestions/", {"q": "note conf"}).json()
    assert suggestions == {"suggestions": []}
    suggestions = client_for(user).get("/recherche/suggestions/", {"q": "Réunion"}).json()
    assert all(SECRET not in s["title"] for s in suggestions["suggestions"])


@pytest.mark.parametrize("role", ROLES_WITH_ACCESS)
def test_group_members_find_private_word(corpus, roles, role, client_for):
    user = roles.users[role]
    outcome = search(user, SECRET)
    assert set(titles(outcome)) == {"Note confidentielle", f"Réunion {SECRET}"}
    assert {s: n for s, _l, n in outcome.facets["groupe"]} == {"hydrogene": 2}
    suggestions = client_for(user).get("/recherche/suggestions/", {"q": "note conf"}).json()["suggestions"]
    assert [s["title"] for s in suggestions] == ["Note confidentielle"]


def test_suggestions_read_a_bounded_number_of_candidates(roles, make_document, make_news, client_for, monkeypatch):
    """However many titles start like the text, only the first candidates are read and ranked: pages
    first, then documents, at most 8, each a visible one with its URL; hostile text stays inert."""
    from search import pg_search

    for n in range(12):
        make_document(roles.open, f"Rapport annuel {n:02d}", "texte")
    make_document(roles.private, "Rapport secret", "texte")
    make_news(roles.open, "Rapport d'activité publié", "texte")
    monkeypatch.setattr(pg_search, "SUGGESTION_CANDIDATES", 5)
    client = client_for(roles.users["autre_groupe"])
    items = client.get("/recherche/suggestions/", {"q": "rapp"}).json()["suggestions"]
    if connection.vendor == "postgresql":
        assert len(items) == 6  # 1 page + 5 documents: the candidates' bound, below the limit of 8
    else:
        assert len(items) == 8
    assert items[0] == {"title": "Rapport d'activité publié", "url": items[0]["url"], "type": "Page"}
    assert items[0]["url"].startswith("/groupes/eau/")
    assert all(i["type"] == "Document" and i["title"].startswith("Rapport annuel") for i in items[1:])
    assert all(i["url"].startswith("/documents/") for i in items[1:])
    for hostile in ["rapp' | secret:*", "rapp\\", "'", ":*", "rapp & !annuel"]:
        response = client.get("/recherche/suggestions/", {"q": hostile})
        assert response.status_code == 200
        assert all("secret" not in i["title"].lower() for i in response.json()["suggestions"])


def test_anonymous_is_sent_to_login(corpus, roles, client_for):
    for url in ("/recherche/?q=" + SECRET, "/recherche/suggestions/?q=note"):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/connexion/" in response["Location"]


# ------------------------------------------------------------ indexing stays current


def test_index_follows_edit_version_move_trash_restore(roles, make_document):
    from documents.models import DocumentVersion

    member, outsider = roles.users["membre"], roles.users["autre_groupe"]
    document = make_document(roles.open, "Étude initiale", "premier texte")
    assert titles(search(outsider, "initiale")) == ["Étude initiale"]
    # edit (as the library will do: a plain save), inside a committed transaction
    document.extracted_text = "texte révisé sur les tarifs"
    document.save()
    assert titles(search(member, "tarifs")) == ["Étude initiale"]
    # new version with new extracted text
    DocumentVersion.objects.create(document=document, number=2, file=document.file, filename="v2.pdf")
    document.extracted_text = "version deux consacrée aux ressources"
    document.save()
    assert titles(search(member, "ressources")) == ["Étude initiale"]
    assert search(member, "tarifs").total == 0
    # move to the private group: the outsider loses it at once
    document.collection = roles.private.collection
    document.save()
    assert search(outsider, "ressources").total == 0
    assert titles(search(member, "ressources", groupe="hydrogene")) == ["Étude initiale"]
    # trash, then restore
    document.move_to_trash(member)
    assert search(member, "ressources").total == 0
    assert search(member, "ressources").facets["groupe"] == []
    document.restore_from_trash()
    assert titles(search(member, "ressources")) == ["Étude initiale"]


def test_text_extracted_from_an_upload_is_searchable(roles, client_for, django_capture_on_commit_callbacks):
    """GIVEN a file uploaded through the library WHEN its extraction has run THEN words of its text find
    it, with a highlighted snippet. The pipeline records the text with ``update()``, which sends no
    signal: a new-user review found uploads searchable by their tags only."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    client = client_for(roles.users["membre"])
    upload = SimpleUploadedFile("plan-rural.txt", "Plan de compostage des biodéchets ruraux 2026".encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("documents:upload", args=[roles.open.slug]), {"files": [upload]}, HTTP_ACCEPT="application/json"
        )
    assert response.status_code == 200, response.content
    title = response.json()["results"][0]["title"]
    assert titles(search(roles.users["autre_groupe"], "compostage")) == [title]
    assert titles(search(roles.users["membre"], "biodechets ruraux")) == [title]
    page = client.get("/recherche/", {"q": "compostage"}).content.decode()
    assert "<mark>compostage</mark>" in page


def test_tags_added_after_save_are_indexed(roles, make_document, django_capture_on_commit_callbacks):
    document = make_document(roles.open, "Document sans étiquette", "contenu")
    with django_capture_on_commit_callbacks(execute=True):
        document.tags.add("Vilaine")
    assert titles(search(roles.users["membre"], "vilaine")) == ["Document sans étiquette"]


# ------------------------------------------------------------ bad input

BAD_QUERIES = {
    "empty": "",
    "spaces": "   ",
    "long": "déchets " * 1250,  # 10,000 characters
    "control": "déchet\x00\x01\x1b[31m\u202e\ufeff",
    "sql": "'; DROP TABLE wagtailcore_page; -- OR 1=1 /* \\",
    "punctuation": "!!! ??? ... --- *** &&& ||| ::: ((( )))",
    "unbalanced_quote": '"déchets ménagers',
    "tsquery_syntax": "déchet:* & !tgap | (eau <-> bus)",
    "only_minus": "-déchet -eau",
}


@pytest.mark.parametrize("name", BAD_QUERIES)
def test_bad_input_gives_a_normal_page(corpus, roles, search_page, client_for, name):
    query = BAD_QUERIES[name]
    started = time.monotonic()
    response = search_page(roles.users["membre"], q=query, page="abc", annee="x" * 50, tri="'; --")
    assert response.status_code == 200
    assert "Recherche" in response.content.decode()
    suggestions = client_for(roles.users["membre"]).get("/recherche/suggestions/", {"q": query})
    assert suggestions.status_code == 200 and "suggestions" in suggestions.json()
    assert time.monotonic() - started < 5


def test_unbalanced_quote_still_searches(corpus, roles):
    assert "Collecte des Déchets ménagers" in titles(search(roles.users["membre"], '"TGAP'))


def test_parser_caps_length_and_terms():
    parsed = parse("mot " * 5000)
    assert len(parsed.text) <= 200 and len(parsed.words) <= 10
    assert parse("!!! ???").is_empty and parse("-seulement").is_empty


# ------------------------------------------------------------ cost


# Wagtail's API path (SQLite, other backends): 2 searches, 2 grouped facet+count queries, tags.
# PostgreSQL fast path: 1 statement for matches, totals, facets, tags and the shown hits' texts (snippets),
# then the shown pages (specific ones: 1 query + 1 per type shown) and documents.
QUERIES_PER_SEARCH = {"postgresql": 8}.get(connection.vendor, 12)


def _count_queries(client, params):
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get("/recherche/", params).status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_results(roles, make_document, make_news, client_for):
    client = client_for(roles.users["membre"])
    make_document(roles.open, "Budget 0", "budget", tags=["finances"])
    make_news(roles.open, "Budget actualité 0", "budget")
    params = {"q": "budget", "tri": "date"}  # newest first: news are shown in both cases
    _count_queries(client, params)  # warm the content-type and site caches
    few = _count_queries(client, params)
    for n in range(1, 30):
        make_document(roles.open if n % 2 else roles.private, f"Budget {n}", "budget", tags=[f"t{n}"], kind="texte")
    for n in range(1, 6):
        make_news(roles.private, f"Budget actualité {n}", "budget")
    # A news item's date is its day: put them after the documents' upload time so they stay shown.
    NewsPage.objects.update(date=timezone.localdate() + datetime.timedelta(days=1))
    many = _count_queries(client, params)
    # session, user, access rules (one query: user groups, view restrictions with their groups,
    # collections, the header's admin link), visible groups, the search queries (see QUERIES_PER_SEARCH),
    # specific pages (1 + 1 per type shown), snippets (not on PostgreSQL: the statement returns the
    # texts), site root paths (no site lookup: result URLs come from url_path)
    assert few == many == QUERIES_PER_SEARCH


def test_year_of_a_meeting_is_its_date_not_its_publication(roles):
    """GIVEN a 2021 meeting published today WHEN searching THEN the year facet says 2021 and the
    2021 filter finds it (a reviewer saw only the publication year offered)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from wagtail.models import Page

    from workgroups.models import MeetingPage

    meeting = MeetingPage(
        title="Assemblée générale hydrogène", slug="ag-2021",
        start=datetime(2021, 3, 19, 10, tzinfo=ZoneInfo("Europe/Paris")),
    )  # fmt: skip
    roles.open.add_child(instance=meeting)
    meeting.save_revision().publish()
    assert Page.objects.get(pk=meeting.pk).first_published_at.year != 2021

    outcome = search(roles.users["membre"], "assemblée")
    assert [year for year, _label, _n in outcome.facets["annee"]] == [2021]
    assert titles(search(roles.users["membre"], "assemblée", annee=2021)) == ["Assemblée générale hydrogène"]
    assert titles(search(roles.users["membre"], "assemblée", annee=timezone.now().year)) == []


def test_result_urls_are_wagtails_own(roles, make_document, make_news, rf):
    """GIVEN a news item and a document in a group WHEN searching THEN the result and group links
    (built from url_path, without Page.get_url per hit) are exactly the URLs Wagtail serves."""
    news = make_news(roles.open, "Compost partagé", "compost")
    make_document(roles.open, "Compost en pied d'immeuble", "compost")
    hits = run_search(roles.users["membre"], parse("compost"), Filters(), request=rf.get("/recherche/")).hits
    assert {hit.kind for hit in hits} == {"actualite", "document"}
    for hit in hits:
        assert hit.group_url == roles.open.get_url() and hit.group_url.startswith("/")
    assert next(hit.url for hit in hits if hit.kind == "actualite") == news.get_url()


# ------------------------------------------------------------ SQLite, the embedded default


@pytest.mark.skipif(connection.vendor != "sqlite", reason="comportement propre au moteur SQLite (make run)")
@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("déchet", True),  # every word is a prefix: the singular finds the plural
        ("Déchets ménagers", True),
        ("dechets", True),  # FTS5's tokenizer drops accents
        ("mobilités", False),  # no stemmer: a plural does not find its singular, unlike PostgreSQL
    ],
)
def test_sqlite_matches_words_as_prefixes(corpus, roles, query, found):
    """What differs on SQLite: no French stemming, but prefixes keep common searches useful."""
    titles_found = titles(search(roles.users["membre"], query))
    expected = "Plan de mobilité" if query == "mobilités" else "Collecte des Déchets ménagers"
    assert (expected in titles_found) is found


# ------------------------------------------------------------ bounded reading (PostgreSQL)


@pytest.fixture
def small_cap(monkeypatch):
    """MATCH_CAP of 3 and TITLE_CANDIDATES of 2, so a handful of documents goes beyond them."""
    from search import pg_search

    monkeypatch.setattr(pg_search, "MATCH_CAP", 3)
    monkeypatch.setattr(pg_search, "TITLE_CANDIDATES", 2)
    return 3


@pytest.mark.postgres
def test_counts_beyond_the_cap_say_more_and_count_only_visible_rows(roles, make_document, small_cap, search_page):
    """GIVEN 5 open and 4 private documents about « budget » and a cap of 3 matches read
    WHEN a member and an outsider (who sees the open group only) search
    THEN both read « Plus de 3 résultats » with facets over 3 rows, and the outsider's rows, facets
    and tags are all from the open group, never the private one."""
    for n in range(5):
        make_document(roles.open, f"Ouvert {n}", "budget annuel", tags=["public"])
    for n in range(4):
        make_document(roles.private, f"Privé {n}", "budget confidentiel", tags=["secret"])
    member = roles.users["membre"]
    outcome = search(member, "budget")
    assert outcome.capped and outcome.total == small_cap
    assert sum(n for _s, _l, n in outcome.facets["groupe"]) == small_cap
    html = search_page(member, q="budget").content.decode()
    assert "Plus de <strong>3</strong> résultats" in html
    assert "Répartition des 3 premiers résultats" in html
    outsider = search(roles.users["autre_groupe"], "budget")
    assert outsider.capped and outsider.total == small_cap
    assert {slug for slug, _l, _n in outsider.facets["groupe"]} == {"eau"}
    assert {tag for tag, _l, _n in outsider.facets["tag"]} == {"public"}
    assert all(hit.title.startswith("Ouvert") for hit in outsider.hits)
    assert search(roles.users["autre_groupe"], "confidentiel").total == 0
    # 4 private documents, read up to the cap
    assert search(member, "budget", groupe="hydrogene").capped


def test_pagination_reaches_the_cap_and_no_further():
    """The deepest page holds the last of the matches read (500); a page number past it reads as page 25."""
    from django.http import QueryDict

    from search import pg_search
    from search.service import MAX_PAGE, PER_PAGE, Filters

    assert MAX_PAGE * PER_PAGE == pg_search.MATCH_CAP == 500
    assert Filters.from_querydict(QueryDict("page=999")).page == MAX_PAGE
    assert Filters.from_querydict(QueryDict(f"page={MAX_PAGE}")).page == MAX_PAGE


@pytest.mark.postgres
def test_counts_below_the_cap_are_exact(roles, make_document, small_cap, search_page):
    for n in range(2):
        make_document(roles.open, f"Ouvert {n}", "budget annuel")
    make_document(roles.private, "Privé", "budget confidentiel")
    outcome = search(roles.users["membre"], "budget")
    assert outcome.total == 3 and not outcome.capped
    html = search_page(roles.users["membre"], q="budget").content.decode()
    assert "<strong>3</strong> résultats" in html and "Plus de" not in html


@pytest.mark.postgres
def test_document_named_after_the_query_ranks_first_beyond_the_cap(roles, make_document, small_cap):
    """Relevance: GIVEN many documents that mention « tarification incitative » in their text, and one
    titled so, created last (matches are read in the table's order, so it is not among the first
    ones read) WHEN searching THEN it comes first: title matches are ranked whatever the cap."""
    for n in range(8):
        make_document(roles.open, f"Compte rendu {n}", "On a parlé de tarification incitative et de budget.")
    titled = make_document(roles.open, "Tarification incitative", "Étude sur la redevance.")
    outcome = search(roles.users["membre"], "tarification incitative")
    assert outcome.capped  # the title candidates are what brings it in
    assert titles(outcome)[0] == titled.title


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("collecte déchets", "Collecte des Déchets ménagers"),
        ('"plan de mobilité"', "Plan de mobilité"),
        ("mobilité -tourisme", "Plan de mobilité"),
        ("TGAP", "Collecte des Déchets ménagers"),  # a tag
    ],
)
def test_relevance_top_three(corpus, roles, make_document, query, expected):
    """Relevance check on the fixtures: with noise documents mentioning the same words in their text,
    the document the query names is in the top 3."""
    for n in range(6):
        make_document(roles.open, f"Bruit {n}", "Divers : collecte, déchets, plan de mobilité, TGAP.")
    assert expected in titles(search(roles.users["membre"], query))[:3]


def test_page_without_facets_offers_them(corpus, roles, search_page):
    """« facettes=non »: results and total only; a link brings the facets back with the same query."""
    member = roles.users["membre"]
    outcome = search(member, "note", facettes=False)
    assert outcome.total == 2 and outcome.facets == {}
    html = search_page(member, q="note", facettes="non").content.decode()
    assert "<strong>2</strong> résultats" in html
    assert 'class="card facet"><a href="?q=note">Afficher les filtres' in html
    assert "<h2>Groupe</h2>" not in html
    assert "<h2>Groupe</h2>" in search_page(member, q="note").content.decode()
    # the mode is not a filter: an empty result does not ask to remove filters
    empty = search_page(member, q="introuvablemot", facettes="non").content.decode()
    assert "Aucun résultat" in empty and "Retirez les filtres" not in empty


@pytest.mark.postgres
def test_index_keeps_titles_and_search_vector_in_the_row(roles, make_document):
    """Migrations 0003/0004: the vectors and titles read for every match stay in the row
    (``STORAGE MAIN``), not in TOAST, where each read cost a lookup; documents are still found."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'wagtailsearch_indexentry'::regclass"
            " AND attname IN ('search_vector', 'title', 'title_text', 'autocomplete', 'body')"
        )
        storage = dict(cursor.fetchall())
    assert storage == {"search_vector": "m", "title": "m", "title_text": "m", "autocomplete": "m", "body": "x"}
    make_document(roles.open, "Schéma des mobilités", "texte " * 2000)  # a long text: the row is toasted
    assert titles(search(roles.users["membre"], "schéma mobilités")) == ["Schéma des mobilités"]
