"""Plone's folder order and default pages carried over to the page tree."""

import contextlib
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from home.models import ContentPage
from plone_import.models import PloneObject
from workgroups.models import WorkingGroupPage

from .conftest import UID, build_items, write_collective, write_plone

pytestmark = pytest.mark.django_db

# Plone's positions in /eau, deliberately unlike the alphabetical (path) order of the export.
EAU_ORDER = ["volto", "rapports", "charte", "prive", "actu", "comite"]
PRESENTATION_UID = "p" * 32


def with_default_page(fmt, export_dir, blob_dir):
    """The export's items plus « Présentation », the default page of /eau/rapports."""
    items = build_items(fmt, export_dir, blob_dir)
    rapports = next(i for i in items if i["UID"] == UID["rapports"])
    page = dict(next(i for i in items if i["UID"] == UID["charte"]))
    page.update(UID=PRESENTATION_UID, id="presentation", title="Présentation des rapports",
                parent={"@id": rapports["@id"], "@type": "Folder", "UID": UID["rapports"]},
                text={"data": '<p>Les rapports annuels, voir <a href="resolveuid/' + UID["charte"]
                      + '">la charte</a>.</p>', "content-type": "text/html"})  # fmt: skip
    page["@id"] = rapports["@id"] + "/presentation"
    items.insert(items.index(rapports) + 1, page)
    return items


def write_export(fmt, tmp_path):
    order = [{"uuid": UID[key], "order": n} for n, key in enumerate(EAU_ORDER)]
    order.append({"uuid": PRESENTATION_UID, "order": 0})
    if fmt == "collective":
        export_dir, blob_dir = write_collective(
            tmp_path / "c", items=with_default_page(fmt, tmp_path / "c", tmp_path / "c" / "blobstorage")
        )
        (export_dir / "export_ordering.json").write_text(json.dumps(order), "utf-8")
        (export_dir / "export_defaultpages.json").write_text(
            json.dumps([{"uuid": UID["rapports"], "default_page": "presentation"},
                        {"uuid": "<Portal>", "default_page": "front-page"}]), "utf-8"
        )  # fmt: skip
        return [export_dir, "--blob-home", blob_dir]
    export_dir = write_plone(tmp_path / "p", items=with_default_page(fmt, tmp_path / "p", None))
    metadata_file = export_dir / "content" / "__metadata__.json"
    metadata = json.loads(metadata_file.read_text("utf-8"))
    metadata["ordering"] = {entry["uuid"]: entry["order"] for entry in order}
    metadata["default_page"] = {
        UID["rapports"]: {"default_page": "presentation", "default_page_uuid": PRESENTATION_UID}
    }
    metadata_file.write_text(json.dumps(metadata), "utf-8")
    return [export_dir]


def run(args):
    out = io.StringIO()
    with contextlib.suppress(CommandError):  # the export's two broken items
        call_command("import_plone", *[str(a) for a in args], "--map", "/eau=eau", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def ordered_children(group):
    records = PloneObject.objects.exclude(content_type__in=["File", "Image", "Link"]).order_by("-plone_path")
    imported = {r.target_id: r for r in records}  # a folder wins over its default page
    return [imported[p.pk].uid for p in group.get_children().order_by("path") if p.pk in imported]


@pytest.mark.parametrize("fmt", ["collective", "plone"])
def test_siblings_follow_plone_order_and_default_page_fills_its_folder(eau, tmp_path, client, fmt):
    args = write_export(fmt, tmp_path)
    output = run(args)
    group = WorkingGroupPage.objects.get(slug="eau")
    assert ordered_children(group) == [UID[key] for key in EAU_ORDER]
    assert "Ordre" in output

    # The default page is the folder's page: no page of its own, its text in the folder's body.
    rapports = PloneObject.objects.get(uid=UID["rapports"]).target.specific
    assert PloneObject.objects.get(uid=PRESENTATION_UID).target.pk == rapports.pk
    assert not ContentPage.objects.filter(title="Présentation des rapports").exists()
    assert rapports.title == "Rapports" and rapports.live
    body = json.dumps(list(rapports.body.raw_data))
    assert "Les rapports annuels" in body
    charte = PloneObject.objects.get(uid=UID["charte"]).target
    assert f'linktype=\\"page\\" id=\\"{charte.pk}\\"' in body  # its resolveuid link rewritten
    client.force_login(get_user_model().objects.get(username="marie"))
    response = client.get("/eau/rapports/presentation")
    assert response.status_code == 301 and response["Location"] == rapports.url

    # A second run finds the order and the folder page as they are.
    paths = list(group.get_children().order_by("path").values_list("pk", flat=True))
    revision = rapports.get_latest_revision().pk
    again = run(args)
    ordre = next(line for line in again.splitlines() if line.startswith("Ordre "))
    assert [int(x) for x in ordre.split()[-5:]][:2] == [0, 0]
    assert list(group.get_children().order_by("path").values_list("pk", flat=True)) == paths
    assert ContentPage.objects.get(pk=rapports.pk).get_latest_revision().pk == revision


def test_default_page_of_a_group_folder_becomes_its_presentation(eau, tmp_path):
    items = build_items("collective", tmp_path / "g", tmp_path / "g" / "blobstorage")
    export_dir, blob_dir = write_collective(tmp_path / "g", items=items)
    (export_dir / "export_defaultpages.json").write_text(
        json.dumps([{"uuid": UID["eau"], "default_page": "charte"}]), "utf-8"
    )
    WorkingGroupPage.objects.filter(pk=eau.pk).update(intro=[])
    run([export_dir, "--blob-home", blob_dir])
    group = WorkingGroupPage.objects.get(pk=eau.pk)
    assert PloneObject.objects.get(uid=UID["charte"]).target.pk == group.pk
    assert "Engagements" in json.dumps(list(group.intro.raw_data))
    assert not ContentPage.objects.filter(title="Charte de l'eau").exists()
