from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail.log_actions import log

from documents.views.serve import file_response
from workgroups.access import can_view_page
from workgroups.membership import can_manage_members
from workgroups.models import Visibility, WorkingGroupPage

from . import partner_links, services
from .forms import PartnerForm
from .models import Frequency, Subscription
from .recipients import from_key
from .tokens import read_token


@require_http_methods(["GET", "POST"])
def my_subscriptions(request):
    rows = services.member_subscriptions(request.user)
    if request.method == "POST":
        valid = dict(Frequency.choices)
        wanted = [(sub, request.POST.get(f"frequence-{sub.group_id}")) for _group, sub in rows]
        wanted = [(sub, value) for sub, value in wanted if value is not None]
        # Every value is checked before any is saved: the message must be true for the whole form.
        if any(value not in valid for _sub, value in wanted):
            messages.error(request, "Fréquence inconnue : aucun changement n'a été enregistré.")
            return redirect("digests:my_subscriptions")
        changed = 0
        for sub, value in wanted:
            if value != sub.frequency:
                sub.frequency = value
                sub.save(update_fields=["frequency", "updated_at"])
                changed += 1
        messages.success(request, "Vos abonnements ont été enregistrés." if changed else "Aucun changement.")
        return redirect("digests:my_subscriptions")
    return render(request, "digests/my_subscriptions.html", {"rows": rows, "choices": Frequency.choices})


@login_not_required
@never_cache  # neither a shared proxy nor the browser keeps the file or the refusal
@require_GET
def partner_document(request, token):
    """A document from a partner's digest, for a partner without an account: the
    signed link is the credential, and the partners' rule is checked again now."""
    resolved = partner_links.resolve(token)
    if resolved is None:
        context = {"max_age_days": settings.DIGEST_PARTNER_LINK_MAX_AGE_DAYS}
        return render(request, "digests/partner_link_invalid.html", context, status=404)
    partner, document = resolved
    log(
        instance=document,
        action="ailb.document.download",
        user=None,
        data={"file": document.file.name, "partner": partner.pk, "partner_email": partner.email},
    )
    return file_response(document.file, document.filename)


@login_not_required
@csrf_exempt  # RFC 8058: mail clients POST without cookies or CSRF token; the signed token is the credential
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    data = read_token(token)
    recipient = from_key(data[0]) if data else None
    if recipient is None:
        return render(request, "digests/unsubscribe_invalid.html", status=400)
    key, group_ids = data
    if request.method == "POST":
        titles = services.unsubscribe(key, group_ids)
        return render(request, "digests/unsubscribe_done.html", {"recipient": recipient, "titles": titles})
    subs = Subscription.objects.filter(group_id__in=group_ids, **_filter(key)).select_related("group")
    return render(
        request,
        "digests/unsubscribe_confirm.html",
        {"recipient": recipient, "subscriptions": subs.order_by("group__title"), "token": token},
    )


def _filter(key):
    from .recipients import subscriptions_filter

    return subscriptions_filter(key)


def _group_for_animateur(request, slug):
    group = get_object_or_404(WorkingGroupPage.objects.live(), slug=slug)
    if not can_view_page(request.user, group):
        raise Http404
    if not can_manage_members(request.user, group):
        raise PermissionDenied("Seuls les animateurs du groupe gèrent ses partenaires abonnés.")
    return group


@require_http_methods(["GET", "POST"])
def group_partners(request, slug):
    """An animateur subscribes the group's external partners (no account needed)."""
    group = _group_for_animateur(request, slug)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        partner, _ = services.subscribe_partner(group, actor=request.user, **form.cleaned_data)
        messages.success(request, f"{partner} est abonné·e à la lettre du groupe.")
        return redirect("digests:group_partners", slug=group.slug)
    subs = Subscription.objects.filter(group=group, partner__isnull=False).select_related("partner")
    return render(
        request,
        "digests/group_partners.html",
        {
            "group": group,
            "page": group,
            "form": form,
            "subscriptions": subs.order_by("partner__organisation"),
            "private": group.visibility == Visibility.PRIVATE,
        },
    )


@require_POST
def group_partner_remove(request, slug, pk):
    group = _group_for_animateur(request, slug)
    sub = get_object_or_404(Subscription, pk=pk, group=group, partner__isnull=False)
    sub.frequency = Frequency.NEVER
    sub.save(update_fields=["frequency", "updated_at"])
    messages.success(request, f"{sub.partner} ne recevra plus la lettre du groupe.")
    return redirect("digests:group_partners", slug=group.slug)
