from django.core.exceptions import PermissionDenied
from wagtail import hooks

from .access import can_view_page, visible_pages


@hooks.register("before_serve_page")
def deny_logged_in_outsiders(page, request, serve_args, serve_kwargs):
    """Wagtail answers a failed view restriction with a login redirect, which a
    logged-in member of another group would loop on: tell them "accès refusé"."""
    if request.user.is_authenticated and not can_view_page(request.user, page):
        raise PermissionDenied


@hooks.register("register_log_actions")
def register_membership_actions(actions):
    actions.register_action("ailb.membership", "Changement de membre", "Changement de membre d'un groupe")


@hooks.register("construct_page_chooser_queryset")
def hide_unviewable_pages_from_chooser(pages, request):
    """The admin's page chooser (browse and search, used by every editor to make a link) lists only
    pages the editor may view: a private group's pages, even their titles, stay inside the group."""
    return visible_pages(request.user, pages)


@hooks.register("construct_explorer_page_queryset")
def hide_unviewable_pages_from_explorer(parent_page, pages, request):
    """Same rule in the admin's page explorer listing."""
    return visible_pages(request.user, pages)
