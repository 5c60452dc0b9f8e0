import pytest


@pytest.fixture
def directory(site_tree):
    """The directory as ``seed_demo`` fills it from the 2021 report, with its page at /partenaires/."""
    from directory.demo import seed_directory

    seed_directory(log=lambda *_: None)
    return site_tree


@pytest.fixture
def org_factory(db):
    from directory.models import Contact, Organisation

    counter = {"n": 0}

    def make(kind="autre", contacts=1, website=True, **fields):
        counter["n"] += 1
        n = counter["n"]
        org = Organisation.objects.create(
            name=fields.pop("name", f"Organisation {n}"),
            kind=kind,
            website=f"https://org{n}.example.org" if website else "",
            **fields,
        )
        for i in range(contacts):
            Contact.objects.create(
                organisation=org, first_name=f"Prénom{i}", last_name=f"Nom{n}-{i}", email=f"c{n}-{i}@example.org"
            )
        return org

    return make
