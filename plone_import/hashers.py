"""Plone's password hashes, kept working after the migration.

Zope's AuthEncoding stores ``{SSHA}`` + base64(sha1(password + salt) + salt)
(the digest is the first 20 bytes, the salt the rest; ``{SHA}`` is the same
without salt). The importer stores them as ``plone_ssha${SSHA}…``; this hasher
sits after Django's own in PASSWORD_HASHERS, so ``check_password`` rehashes the
password with the default hasher on the first successful login.

``{BCRYPT}`` hashes (AuthEncoding with the ``bcrypt`` package, Plone 5.1 and
later) are plain bcrypt: they become Django's own ``bcrypt$…`` and are checked
by Django's BCryptPasswordHasher, upgraded the same way.
"""

import base64
import binascii
import hashlib
import re

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop as _

ALGORITHM = "plone_ssha"
PREFIXES = ("{SSHA}", "{SHA}")
DIGEST_SIZE = 20  # SHA-1
BCRYPT_PREFIX = "{BCRYPT}"
BCRYPT_HASH = re.compile(r"\$2[aby]\$\d\d\$[./A-Za-z0-9]{53}")


def from_plone(value):
    """The Django encoding of a Plone password hash; None when Plone's value is
    no hash we know (empty, ``{CRYPT}``, clear text…); ValueError (French) when
    it claims to be one but cannot be decoded."""
    value = (value or "").strip()
    if value.upper().startswith(BCRYPT_PREFIX):
        payload = value[len(BCRYPT_PREFIX) :].strip()
        if not BCRYPT_HASH.fullmatch(payload):
            raise ValueError("empreinte Plone illisible")
        return f"bcrypt${payload}"
    if not value.upper().startswith(PREFIXES):
        return None
    _split(value)
    return f"{ALGORITHM}${value}"


def _split(plone_value):
    """(digest, salt) from ``{SSHA}base64``; ValueError when malformed."""
    scheme, _sep, payload = plone_value.partition("}")
    try:
        raw = base64.b64decode(payload.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("empreinte Plone illisible") from exc
    if len(raw) < DIGEST_SIZE or (scheme.upper() == "{SHA" and len(raw) != DIGEST_SIZE):
        raise ValueError("empreinte Plone de longueur inattendue")
    return raw[:DIGEST_SIZE], raw[DIGEST_SIZE:]


class PloneSSHAPasswordHasher(BasePasswordHasher):
    algorithm = ALGORITHM

    def salt(self):
        return super().salt()[:8]

    def encode(self, password, salt):
        salt_bytes = salt.encode()
        digest = hashlib.sha1(password.encode() + salt_bytes).digest()  # noqa: S324 - Plone's legacy format
        return f"{self.algorithm}${{SSHA}}{base64.b64encode(digest + salt_bytes).decode()}"

    def decode(self, encoded):
        algorithm, _sep, plone_value = encoded.partition("$")
        if algorithm != self.algorithm:
            raise ValueError("empreinte d'un autre algorithme")
        digest, salt = _split(plone_value)
        return {"algorithm": algorithm, "hash": digest.hex(), "salt": salt.hex()}

    def verify(self, password, encoded):
        algorithm, _sep, plone_value = encoded.partition("$")
        if algorithm != self.algorithm or not plone_value.upper().startswith(PREFIXES):
            return False
        try:
            digest, salt = _split(plone_value)
        except ValueError:
            return False  # a malformed hash never matches, and never crashes the login
        attempt = hashlib.sha1(password.encode() + salt).digest()  # noqa: S324 - Plone's legacy format
        return constant_time_compare(attempt, digest)

    def safe_summary(self, encoded):
        try:
            decoded = self.decode(encoded)
        except ValueError:
            return {_("algorithm"): self.algorithm, _("hash"): "illisible"}
        return {
            _("algorithm"): decoded["algorithm"],
            _("salt"): mask_hash(decoded["salt"], show=2),
            _("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded):
        return True  # always replaced by the default hasher at the next login

    def harden_runtime(self, password, encoded):
        pass
