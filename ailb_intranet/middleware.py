from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware


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
