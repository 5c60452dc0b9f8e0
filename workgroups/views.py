from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from .access import can_view_page
from .forms import MemberForm
from .membership import Role, can_manage_members, members_of, set_role
from .models import FeedToken, WorkingGroupPage


def _group_or_404(user, slug):
    group = get_object_or_404(WorkingGroupPage.objects.live(), slug=slug)
    if not can_view_page(user, group):
        raise Http404
    return group


@require_http_methods(["GET", "POST"])
def members(request, slug):
    """An animateur manages the group's members without being an administrator."""
    group = _group_or_404(request.user, slug)
    manager = can_manage_members(request.user, group)
    form = MemberForm(request.POST or None)
    if request.method == "POST":
        if not manager:
            raise PermissionDenied("Seuls les animateurs du groupe peuvent gérer ses membres.")
        if form.is_valid():
            person, role = form.cleaned_data["user"], form.cleaned_data["role"] or None
            if person == request.user and role != Role.ANIMATEUR and not request.user.is_superuser:
                messages.error(request, "Vous ne pouvez pas vous retirer vous-même le rôle d'animateur.")
            else:
                set_role(group, person, role, actor=request.user)
                name = person.get_full_name() or person.get_username()
                if role:
                    messages.success(request, f"{name} est désormais {Role.LABELS[role].lower()} du groupe.")
                else:
                    messages.success(request, f"{name} a été retiré·e du groupe.")
            return redirect("workgroups:members", slug=group.slug)
    return render(
        request,
        "workgroups/members.html",
        {"group": group, "page": group, "members": members_of(group), "form": form, "can_manage": manager,
         "roles": Role.CHOICES},
    )  # fmt: skip


def my_feeds(request):
    token, _ = FeedToken.objects.get_or_create(user=request.user)
    return render(request, "workgroups/my_feeds.html", {"token": token.token})


@require_POST
def regenerate_feed_token(request):
    token, _ = FeedToken.objects.get_or_create(user=request.user)
    token.regenerate()
    messages.success(request, "Vos liens de flux ont été renouvelés ; les anciens ne fonctionnent plus.")
    return redirect("workgroups:my_feeds")
