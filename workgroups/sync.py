"""Keep a working group's Wagtail permission objects in step with its page.

For each WorkingGroupPage: two auth groups (membres, animateurs), a collection
for its documents, page permissions on its subtree, collection permissions,
view restrictions matching its visibility, and a "Relecture" workflow whose
task is moderated by the animateurs. Idempotent: safe to run on every save.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.models import (
    Collection,
    CollectionViewRestriction,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    PageViewRestriction,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from .models import Visibility

ANIMATEUR_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]
MEMBER_PAGE_PERMISSIONS = ["add_page"]
ANIMATEUR_DOCUMENT_PERMISSIONS = ["add_document", "change_document", "choose_document", "delete_document"]
MEMBER_DOCUMENT_PERMISSIONS = ["add_document", "choose_document"]


def _permissions(app_label, codenames):
    return list(Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames))


def _group(name):
    group, _ = Group.objects.get_or_create(name=name)
    return group


def _collection(page):
    if page.collection_id:
        collection = page.collection
        if collection.name != page.title:
            collection.name = page.title
            collection.save(update_fields=["name"])
        return collection
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name=page.title).first()
    return existing or root.add_child(name=page.title)


def _set_page_permissions(group, page, codenames):
    wanted = _permissions("wagtailcore", codenames)
    GroupPagePermission.objects.filter(group=group, page=page).exclude(permission__in=wanted).delete()
    for permission in wanted:
        GroupPagePermission.objects.get_or_create(group=group, page=page, permission=permission)


def _set_collection_permissions(group, collection, codenames):
    wanted = _permissions("wagtaildocs", codenames)  # Wagtail checks wagtaildocs.Document perms
    GroupCollectionPermission.objects.filter(group=group, collection=collection).exclude(permission__in=wanted).delete()
    for permission in wanted:
        GroupCollectionPermission.objects.get_or_create(group=group, collection=collection, permission=permission)


def _set_restriction(model, groups, private, **target):
    """LOGIN for open groups (the intranet is never public), GROUPS for private ones."""
    kind = model.GROUPS if private else model.LOGIN
    restriction = model.objects.filter(**target).first()
    if restriction is None:
        restriction = model.objects.create(restriction_type=kind, **target)
    elif restriction.restriction_type != kind:
        restriction.restriction_type = kind
        restriction.save(update_fields=["restriction_type"])
    restriction.groups.set(groups if private else [])


def _workflow(page, animateurs):
    name = f"Relecture – {page.title}"
    workflow_page = WorkflowPage.objects.filter(page=page).select_related("workflow").first()
    if workflow_page:
        workflow = workflow_page.workflow
    else:
        workflow = Workflow.objects.create(name=name, active=True)
        WorkflowPage.objects.create(page=page, workflow=workflow)
    if workflow.name != name:
        workflow.name = name
        workflow.save(update_fields=["name"])
    task_name = f"Relecture par les animateurs – {page.title}"
    workflow_task = WorkflowTask.objects.filter(workflow=workflow).select_related("task").first()
    if workflow_task is None:
        task = GroupApprovalTask.objects.create(name=task_name)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    else:
        task = workflow_task.task.specific
        if task.name != task_name:
            task.name = task_name
            task.save(update_fields=["name"])
    task.groups.set([animateurs])
    return workflow


@transaction.atomic
def sync_group_access(page):
    """Create or update everything that gives ``page``'s group its access rights."""
    members = page.members_group or _group(f"{page.title} – membres")
    animateurs = page.animateurs_group or _group(f"{page.title} – animateurs")
    for group, suffix in ((members, "membres"), (animateurs, "animateurs")):
        wanted = f"{page.title} – {suffix}"
        if group.name != wanted and not Group.objects.filter(name=wanted).exclude(pk=group.pk).exists():
            group.name = wanted
            group.save(update_fields=["name"])
    collection = _collection(page)

    changed = {
        field: value
        for field, value in (("members_group", members), ("animateurs_group", animateurs), ("collection", collection))
        if getattr(page, f"{field}_id") != value.pk
    }
    if changed:
        type(page).objects.filter(pk=page.pk).update(**changed)
        for field, value in changed.items():
            setattr(page, field, value)

    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    members.permissions.add(access_admin)
    animateurs.permissions.add(access_admin)

    _set_page_permissions(animateurs, page, ANIMATEUR_PAGE_PERMISSIONS)
    _set_page_permissions(members, page, MEMBER_PAGE_PERMISSIONS)
    _set_collection_permissions(animateurs, collection, ANIMATEUR_DOCUMENT_PERMISSIONS)
    _set_collection_permissions(members, collection, MEMBER_DOCUMENT_PERMISSIONS)

    private = page.visibility == Visibility.PRIVATE
    _set_restriction(PageViewRestriction, [members, animateurs], private, page=page)
    _set_restriction(CollectionViewRestriction, [members, animateurs], private, collection=collection)
    _workflow(page, animateurs)
    return page
