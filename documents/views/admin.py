"""Wagtail's document listing, narrowed to what it should show here."""

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.http import JsonResponse
from taggit.models import Tag
from wagtail.admin.filters import PopularTagsFilter
from wagtail.documents.views import documents as wagtail_documents

from ..models import IntranetDocument


def visible_popular_tags(queryset, count=10):
    """The most used tags among ``queryset`` (Wagtail ranks the tags of every
    document, which would name tags that exist only in a private group)."""
    return (
        tags_of(queryset).annotate(item_count=Count("taggit_taggeditem_items")).order_by("-item_count", "name")[:count]
    )


def tags_of(documents):
    """Tags carried by any of ``documents`` (a queryset)."""
    content_type = ContentType.objects.get_for_model(IntranetDocument)
    return Tag.objects.filter(
        taggit_taggeditem_items__content_type=content_type,
        taggit_taggeditem_items__object_id__in=documents.values("pk"),
    )


def tag_autocomplete(request, app_name=None, model_name=None):
    """Wagtail's tag autocompletion (admin tag fields), offering only tags of documents the editor
    may view: Wagtail's own view completes from every tag, which named tags used only in a private
    group (« confidentiel », a project's name) to anyone with admin access. Documents are the only
    tagged models here, so the ``<app>/<model>`` form answers the same."""
    from workgroups.access import visible_documents

    term = (request.GET.get("term") or "").strip()[:100]
    if not term:
        return JsonResponse([], safe=False)
    names = (
        tags_of(visible_documents(request.user))
        .filter(name__istartswith=term)
        .distinct()
        .order_by("name")
        .values_list("name", flat=True)[:10]
    )
    return JsonResponse(list(names), safe=False)


class DocumentsFilterSet(wagtail_documents.DocumentsFilterSet):
    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, is_searching=None):
        super().__init__(data, queryset, request=request, prefix=prefix, is_searching=is_searching)
        self.filters.pop("tag", None)
        manageable = self.permission_policy.instances_user_has_any_permission_for(request.user, ["change", "delete"])
        tags = visible_popular_tags(manageable.filter(deleted_at__isnull=True))
        if tags:
            self.filters["tag"] = PopularTagsFilter(
                label="Mot-clé",
                field_name="tags__name",
                choices=[(tag.name, tag.name) for tag in tags],
                widget=forms.CheckboxSelectMultiple,
                use_subquery=is_searching,
                help_text="Filtrer par les dix mots-clés les plus utilisés.",
            )


class IndexView(wagtail_documents.IndexView):
    """Wagtail's listing without documents in the trash and with tags from visible documents only."""

    filterset_class = DocumentsFilterSet

    def get_base_queryset(self):
        return super().get_base_queryset().filter(deleted_at__isnull=True)
