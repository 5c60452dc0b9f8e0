"""File fields of an export: fingerprint them and decode them to disk in chunks."""

import base64
import binascii
import hashlib
import tempfile

CHUNK = 1024 * 1024  # characters of base64 per step (a multiple of 4)


class BlobError(Exception):
    pass


def fingerprint(ref):
    """A stable digest of a file field without decoding it (for change detection)."""
    digest = hashlib.sha256()
    if ref.inline is not None:
        for start in range(0, len(ref.inline), CHUNK):
            digest.update(ref.inline[start : start + CHUNK].encode("ascii", "replace"))
        return "b64:" + digest.hexdigest()
    try:
        with ref.path.open("rb") as fh:
            for block in iter(lambda: fh.read(CHUNK), b""):
                digest.update(block)
    except OSError as exc:
        raise BlobError(f"fichier introuvable : {ref.path} (option --blob-home ?)") from exc
    return "file:" + digest.hexdigest()


def materialize(ref):
    """An open temporary file (positioned at 0) holding the field's bytes.

    Base64 is decoded slice by slice, so only the item's own text is in memory,
    never a second decoded copy."""
    out = tempfile.TemporaryFile(prefix="plone-blob-")  # noqa: SIM115 - returned to the caller, who closes it
    try:
        if ref.inline is not None:
            _decode_into(ref.inline, out)
        else:
            try:
                with ref.path.open("rb") as fh:
                    for block in iter(lambda: fh.read(CHUNK), b""):
                        out.write(block)
            except OSError as exc:
                raise BlobError(f"fichier introuvable : {ref.path} (option --blob-home ?)") from exc
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _decode_into(text, out):
    carry = ""
    for start in range(0, len(text), CHUNK):
        part = carry + "".join(text[start : start + CHUNK].split())
        cut = len(part) - len(part) % 4
        try:
            out.write(base64.b64decode(part[:cut], validate=True))
        except (binascii.Error, ValueError) as exc:
            raise BlobError(f"contenu base64 invalide ({exc})") from exc
        carry = part[cut:]
    if carry:
        raise BlobError("contenu base64 invalide (longueur incorrecte)")
