"""Opaque signed unsubscribe tokens (django.core.signing). A token names a
recipient and the groups of one digest; it cannot be forged without SECRET_KEY.
It does not expire: an unsubscribe link in an old email must keep working."""

from django.core import signing

SALT = "ailb.digests.unsubscribe"


def make_token(recipient_key, group_ids):
    return signing.dumps({"r": recipient_key, "g": sorted(group_ids)}, salt=SALT, compress=True)


def read_token(token):
    """(recipient_key, group_ids) or None for a forged, tampered or malformed token."""
    try:
        data = signing.loads(token, salt=SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("r"), str) or not isinstance(data.get("g"), list):
        return None
    if not all(isinstance(g, int) for g in data["g"]):
        return None
    return data["r"], data["g"]
