"""Optional TOTP two-factor authentication (django-otp) for administrators and
animateurs. Once a user has confirmed a device, every login — the intranet's
/connexion/ and Wagtail's /admin/login/ alike — ends with a code before any page."""

import base64

import qrcode
import qrcode.image.svg
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

SESSION_FLAG = "ailb_2fa_required"


def is_eligible(user):
    """Administrators and animateurs may turn two-factor authentication on."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    from workgroups.models import WorkingGroupPage

    return WorkingGroupPage.objects.filter(animateurs_group__in=user.groups.all()).exists()


def has_confirmed_device(user):
    return any(True for _ in devices_for_user(user, confirmed=True))


def pending_device(user):
    """The unconfirmed TOTP device an enrolment works on (created on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Application d'authentification", confirmed=False)


def qr_code_data_uri(device):
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def secret_base32(device):
    return base64.b32encode(device.bin_key).decode()


def verify(request, token):
    """Check ``token`` against the user's confirmed devices; on success mark the session verified."""
    token = (token or "").replace(" ", "")
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_is_allowed()[0] and device.verify_token(token):
            otp_login(request, device)
            request.session.pop(SESSION_FLAG, None)
            return True
    return False
