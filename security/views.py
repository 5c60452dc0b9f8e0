from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.log_actions import log

from . import twofactor
from .forms import TokenForm

BAD_CODE = "Code incorrect ou expiré. Saisissez le code à 6 chiffres affiché par votre application."


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@never_cache
def verify(request):
    """Second step of the login for users who enabled two-factor authentication."""
    if not request.session.get(twofactor.SESSION_FLAG):
        return redirect(_safe_next(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify(request, form.cleaned_data["token"]):
            return redirect(_safe_next(request))
        form.add_error("token", BAD_CODE)
    return render(request, "security/verify.html", {"form": form, "next": _safe_next(request)})


@never_cache
def manage(request):
    """Turn two-factor authentication on (scan, confirm with a code) or off."""
    # django-otp wraps request.user in a lazy object, which Wagtail's audit log
    # cannot map to a model: log against the real instance.
    user = get_user_model().objects.get(pk=request.user.pk)
    if not twofactor.is_eligible(user):
        raise PermissionDenied
    confirmed = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    form = TokenForm(request.POST or None)
    if confirmed is None:
        device = twofactor.pending_device(user)
        if request.method == "POST" and form.is_valid():
            if device.verify_token(form.cleaned_data["token"].replace(" ", "")):
                device.confirmed = True
                device.save()
                twofactor.otp_login(request, device)
                log(instance=user, action="ailb.2fa.enable", user=user)
                messages.success(request, "La double authentification est activée.")
                return redirect("security:manage")
            form.add_error("token", BAD_CODE)
        context = {
            "form": form,
            "enabled": False,
            "qr_code": twofactor.qr_code_data_uri(device),
            "secret": twofactor.secret_base32(device),
        }
        return render(request, "security/manage.html", context)
    if request.method == "POST" and form.is_valid():
        if confirmed.verify_token(form.cleaned_data["token"].replace(" ", "")):
            TOTPDevice.objects.filter(user=user).delete()
            log(instance=user, action="ailb.2fa.disable", user=user)
            messages.success(request, "La double authentification est désactivée.")
            return redirect("security:manage")
        form.add_error("token", BAD_CODE)
    return render(request, "security/manage.html", {"form": form, "enabled": True})
