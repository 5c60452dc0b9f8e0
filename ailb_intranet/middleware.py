from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import render


class IntranetLoginRequiredMiddleware(LoginRequiredMiddleware):
    """The intranet is private by default: Django's LoginRequiredMiddleware for every
    view, except Wagtail's admin (it runs its own login and permission checks) and
    static files. Public views opt out with ``@login_not_required``.
    """

    exempt_prefixes = ("/admin/", "/static/")

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(self.exempt_prefixes):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)

    def get_login_url(self, view_func):
        return settings.LOGIN_URL


class MethodNotAllowedPageMiddleware:
    """``require_POST`` and friends answer 405 with an empty body: a reader who opens such an address
    (a bookmarked « supprimer » link) gets a blank page. Give them the intranet's French page; the
    ``Allow`` header stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content and not request.path.startswith("/admin/"):
            page = render(request, "405.html", status=405)
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
