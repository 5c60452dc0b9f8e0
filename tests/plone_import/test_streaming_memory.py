import base64
import hashlib
import io
import json
import os
import tracemalloc

import pytest
from django.core.management import call_command

from documents.models import IntranetDocument
from plone_import.models import PloneObject

ITEMS = 40
DECODED_SIZE = 3_750_000  # → 5 MB of base64 per item, 200 MB in all


def write_large_export(path):
    """A collective.exportimport list written item by item, never whole in memory."""
    digests = {}
    with path.open("w", encoding="ascii") as fh:
        fh.write("[\n")
        for n in range(ITEMS):
            data = os.urandom(DECODED_SIZE)
            uid = f"{n:032x}"
            digests[uid] = hashlib.sha256(data).hexdigest()
            head = {
                "@id": f"http://localhost:8080/Plone/eau/fichier-{n}.bin", "@type": "File", "UID": uid,
                "id": f"fichier-{n}.bin", "title": f"Fichier {n}", "review_state": None,
                "parent": {"@id": "http://localhost:8080/Plone/eau", "@type": "Folder"},
                "created": "2020-01-01T00:00:00+00:00", "modified": "2020-01-01T00:00:00+00:00",
            }  # fmt: skip
            fh.write(json.dumps(head)[:-1])
            fh.write(', "file": {"encoding": "base64", "filename": "f.bin", "content-type": '
                     '"application/octet-stream", "data": "')  # fmt: skip
            fh.write(base64.b64encode(data).decode())
            fh.write('"}}' + (",\n" if n < ITEMS - 1 else "\n"))
            del data
        fh.write("]\n")
    return digests


@pytest.mark.django_db
def test_memory_stays_far_below_export_size(make_group, tmp_path):
    """GIVEN a 200 MB export of inline base64 files
    WHEN it is imported
    THEN Python's peak allocation stays a small multiple of ONE item, not of the export."""
    make_group("eau", "Eau")
    export = tmp_path / "gros-export.json"
    digests = write_large_export(export)
    export_size = export.stat().st_size
    assert export_size > 200_000_000

    tracemalloc.start()
    try:
        call_command("import_plone", str(export), "--map", "/eau=eau", stdout=io.StringIO(), stderr=io.StringIO())
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert PloneObject.objects.count() == ITEMS
    for uid, digest in list(digests.items())[:3]:
        doc = PloneObject.objects.get(uid=uid).target
        with doc.file.open("rb") as fh:
            assert hashlib.sha256(fh.read()).hexdigest() == digest
    assert IntranetDocument.objects.count() == ITEMS
    print(f"export {export_size / 1e6:.0f} Mo, pic Python {peak / 1e6:.1f} Mo")
    # One item's base64 text (5 MB) plus parser buffers and slices: far below 200 MB.
    assert peak < 40_000_000, f"pic mémoire {peak / 1e6:.1f} Mo pour un export de {export_size / 1e6:.0f} Mo"
