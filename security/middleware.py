from urllib.parse import urlencode

from django.http import HttpResponseRedirect
from django.urls import reverse

from .twofactor import SESSION_FLAG


class TwoFactorRequiredMiddleware:
    """A user with a confirmed TOTP device who has not yet given a code this
    session sees nothing but the code page (and logout)."""

    allowed_prefixes = ("/static/", "/deconnexion/", "/admin/logout/", "/healthz/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_verify(request):
            target = reverse("security:verify")
            if request.path != target and not request.path.startswith(self.allowed_prefixes):
                return HttpResponseRedirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    def _must_verify(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not request.session.get(SESSION_FLAG):
            return False
        return not user.is_verified()
