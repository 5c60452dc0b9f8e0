from django.core.exceptions import PermissionDenied
from wagtail import hooks

from .access import can_view_page


@hooks.register("before_serve_page")
def deny_logged_in_outsiders(page, request, serve_args, serve_kwargs):
    """Wagtail answers a failed view restriction with a login redirect, which a
    logged-in member of another group would loop on: tell them "accès refusé"."""
    if request.user.is_authenticated and not can_view_page(request.user, page):
        raise PermissionDenied


@hooks.register("register_log_actions")
def register_membership_actions(actions):
    actions.register_action("ailb.membership", "Changement de membre", "Changement de membre d'un groupe")
