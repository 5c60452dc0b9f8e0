import pytest


@pytest.fixture(autouse=True)
def wagtail_roots(request):
    """A transactional test's flush removes the locale, root page and collection that
    Wagtail's migrations create; put them back for the next one."""
    if request.node.get_closest_marker("django_db") is None:
        return
    request.getfixturevalue("transactional_db")
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(language_code="fr")
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root", live=True))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
