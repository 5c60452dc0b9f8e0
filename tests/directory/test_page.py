"""/partenaires/: sections, links out, LEADER contact by territory (plain GET form)."""

from html.parser import HTMLParser

import pytest

from directory.models import DirectoryPage, EpciMember, Organisation


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs)
        if tag == "form":
            self.forms.append(attrs)


def _parse(html):
    parser = Links()
    parser.feed(html)
    return parser


@pytest.fixture
def member_client(client, make_user):
    client.force_login(make_user("lecteur"))
    return client


@pytest.mark.django_db
def test_every_link_out_has_rel_noopener(directory, member_client):
    html = member_client.get("/partenaires/").content.decode()
    external = [a for a in _parse(html).links if a.get("href", "").startswith("http")]
    assert external, "aucun lien externe"
    for a in external:
        rel = a.get("rel", "").split()
        assert "noopener" in rel and "noreferrer" in rel, a
    # Every organisation with a website links out to it.
    hrefs = {a["href"] for a in external}
    websites = set(Organisation.objects.exclude(website="").values_list("website", flat=True))
    assert websites and websites <= hrefs


@pytest.mark.django_db
def test_sections_from_the_report(directory, member_client):
    html = member_client.get("/partenaires/").content.decode()
    for text in [
        "Partenaires financiers",
        "Région Bretagne",
        "Région Pays de la Loire",
        "Département du Morbihan",
        "signée le 20/12/2019, du 20/12/2019 au 20/12/2022",
        "signature en cours",
        "Aucune convention signée.",  # Morbihan
        "Services de l'État",
        "Préfecture du Morbihan",
        "Sylvie Cabassot",
        "Contacts LEADER par territoire",
        "Nina Trallero",
        "Les EPCI membres et leur participation 2021",
    ]:
        assert text in html, text


@pytest.mark.django_db
def test_directory_page_is_at_partenaires_once(directory):
    page = DirectoryPage.objects.get()
    assert page.url == "/partenaires/"
    assert not DirectoryPage.can_create_at(page.get_parent())  # max_count = 1


@pytest.mark.django_db
def test_territory_form_works_without_javascript(directory, member_client):
    html = member_client.get("/partenaires/").content.decode()
    form = next(f for f in _parse(html).forms if "territory-form" in f.get("class", ""))
    assert form["method"] == "get"
    assert '<button type="submit">' in html
    assert "<script" not in html.split("territory-form")[1].split("</form>")[0]


@pytest.mark.django_db
def test_picking_an_epci_shows_its_gal_and_animateur(directory, member_client):
    questembert = EpciMember.objects.get(short_name="Questembert")
    html = member_client.get("/partenaires/", {"epci": questembert.pk}).content.decode()
    result = html.split('class="territory-result"')[1].split("</div>")[0]
    assert "Questembert Communauté" in result
    assert "Communauté d&#x27;agglomération de Vannes et du golfe du Morbihan" in result
    assert "Nina Trallero" in result and "nina.trallero@example.org" in result


@pytest.mark.django_db
@pytest.mark.parametrize("short_name", ["Ploërmel", "Ancenis", "Guer"])
def test_an_epci_without_gal_shows_a_clear_message(directory, member_client, short_name):
    epci = EpciMember.objects.get(short_name=short_name)
    html = member_client.get("/partenaires/", {"epci": epci.pk}).content.decode()
    result = html.split('class="territory-result"')[1].split("</div>")[0]
    assert "Aucun GAL LEADER ne couvre le territoire de" in result
    assert "Animateur" not in result


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["999999", "abc", ""])
def test_a_bad_choice_gets_a_french_message_and_the_page_still_shows(directory, member_client, value):
    response = member_client.get("/partenaires/", {"epci": value})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choisissez une intercommunalité dans la liste." in html
    assert "territory-result" not in html
    assert "Sylvie Cabassot" in html  # the rest of the directory is unaffected


@pytest.mark.django_db
def test_an_empty_directory_says_so_in_french(site_tree, client, make_user):
    from directory.demo import ensure_directory_page

    ensure_directory_page()
    client.force_login(make_user())
    html = client.get("/partenaires/").content.decode()
    assert "Aucun partenaire financier renseigné." in html
    assert "Aucun service de l&#x27;État renseigné." in html or "Aucun service de l'État renseigné." in html
    assert "Aucun EPCI membre ou aucun taux de participation renseigné." in html
