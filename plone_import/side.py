"""The export's side files: members, local roles, redirects, relations."""

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from documents.models import IntranetDocument
from workgroups.membership import Role, role_of, set_role
from workgroups.models import WorkingGroupPage

from .hashers import from_plone
from .models import PloneObject
from .reader import SITE_ROOT_UIDS

ANIMATEUR_ROLES = {"Editor", "Reviewer", "Site Administrator", "Manager"}
MEMBER_ROLES = {"Reader", "Contributor"}
RANK = {None: 0, Role.MEMBER: 1, Role.ANIMATEUR: 2}


def import_members(export, report):
    """Plone members → users. A Plone ``{SSHA}`` or ``{BCRYPT}`` hash is kept (``plone_ssha$…``, ``bcrypt$…``,
    see hashers.py) so the member logs in with the same password; without one
    the password is unusable ("mot de passe oublié"). Returns {plone group id: {usernames}}."""
    groups, members = export.members()
    User = get_user_model()
    group_members = {g.get("groupid"): set(g.get("principals") or g.get("members") or []) for g in groups}
    without_hash = 0
    for member in members:
        username = (member.get("username") or "").strip()
        if not username:
            report.add("Utilisateur", "failed", "", "identifiant manquant")
            continue
        for gid in member.get("groups") or []:
            group_members.setdefault(gid, set()).add(username)
        fullname = (member.get("fullname") or "").strip()
        first, _, last = fullname.partition(" ")
        try:
            plone_hash = from_plone(member.get("password"))
        except ValueError as exc:
            plone_hash = None
            report.add("Mot de passe", "skipped", username, f"{exc} : mot de passe à redéfinir")
        if plone_hash is None:
            without_hash += 1
        with transaction.atomic():
            user = User.objects.filter(username=username).first()
            if user is not None:
                # Only a password nobody has used yet is replaced: never one the
                # member set or that was already upgraded at a login.
                if plone_hash and user.password != plone_hash and not user.has_usable_password():
                    user.password = plone_hash
                    user.save(update_fields=["password"])
                    report.add("Utilisateur", "updated", username)
                else:
                    report.add("Utilisateur", "unchanged", username)
                continue
            user = User(username=username, email=member.get("email") or "", first_name=first[:150],
                        last_name=last[:150])  # fmt: skip
            if plone_hash:
                user.password = plone_hash
            else:
                user.set_unusable_password()
            user.save()
            report.add("Utilisateur", "created", username)
    if without_hash:
        report.notes.append(
            f"{without_hash} membre(s) sans empreinte de mot de passe {{SSHA}} ou {{BCRYPT}} reconnue : "
            "ils choisiront un mot de passe via « mot de passe oublié »."
        )
    return group_members


def import_local_roles(export, importer, group_members, report):
    User = get_user_model()
    mapping = importer.mapping
    ignored = 0
    for uid, roles in export.local_roles():
        if uid in SITE_ROOT_UIDS:
            ignored += 1
            continue
        record = PloneObject.objects.filter(uid=uid).first()
        if record is None or record.plone_path not in mapping:
            ignored += 1
            continue
        group_page = mapping[record.plone_path]
        for principal, granted in roles.items():
            granted = set(granted or [])
            role = Role.ANIMATEUR if granted & ANIMATEUR_ROLES else Role.MEMBER if granted & MEMBER_ROLES else None
            if role is None:
                continue
            usernames = group_members.get(principal) or {principal}
            for username in sorted(usernames):
                label = f"{record.plone_path} {username}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    report.add("Rôle local", "skipped", label, "utilisateur inconnu")
                    continue
                current = role_of(user, group_page)
                if RANK[current] >= RANK[role]:
                    report.add("Rôle local", "unchanged", label)
                    continue
                set_role(group_page, user, role)
                report.add("Rôle local", "created" if current is None else "updated", label)
    if ignored:
        report.notes.append(
            f"{ignored} rôle(s) local(aux) hors des dossiers de groupe (racine, sous-dossiers) non repris : "
            "les droits suivent les groupes de travail."
        )


def _redirect_to(target, old_path, report):
    old = Redirect.normalise_path(old_path)
    if not old or old == "/":
        return
    if isinstance(target, Page):
        defaults = {"redirect_page": target, "redirect_link": "", "is_permanent": True}
    elif isinstance(target, IntranetDocument):
        defaults = {"redirect_page": None, "redirect_link": target.url, "is_permanent": True}
    else:
        report.add("Redirection", "skipped", old_path, "cible sans adresse propre")
        return
    existing = Redirect.objects.filter(old_path=old, site=None).first()
    if existing is None:
        Redirect.objects.create(old_path=old, site=None, **defaults)
        report.add("Redirection", "created", old_path)
    elif (existing.redirect_page_id, existing.redirect_link, existing.is_permanent) == (
        defaults["redirect_page"].pk if defaults["redirect_page"] else None,
        defaults["redirect_link"],
        True,
    ):
        report.add("Redirection", "unchanged", old_path)
    else:
        for k, v in defaults.items():
            setattr(existing, k, v)
        existing.save()
        report.add("Redirection", "updated", old_path)


def import_redirects(export, report):
    """Every imported object's old path, plus Plone's own redirects, answer with a
    permanent redirect to the new page or document."""
    for record in PloneObject.objects.select_related("target_type").iterator():
        target = record.target
        if isinstance(target, WorkingGroupPage) and record.content_type == "Link":
            continue  # a link became an entry of the group's block, not an address
        if target is not None and getattr(target, "specific", target) is not None:
            _redirect_to(target.specific if isinstance(target, Page) else target, record.plone_path, report)
    for old, new in (export.redirects() or {}).items():
        if not old or not new:
            continue
        record = PloneObject.objects.filter(plone_path=export.normalise_key(new)).first()
        target = record.target if record else None
        if target is None:
            report.add("Redirection", "skipped", old, f"cible inconnue : {new}")
            continue
        _redirect_to(target.specific if isinstance(target, Page) else target, export.normalise_key(old), report)


def note_relations(export, report):
    relations = export.relations()
    if relations:
        report.notes.append(
            f"{len(relations)} relation(s) Plone (relatedItems…) non reprises : pas d'équivalent dans l'intranet."
        )
