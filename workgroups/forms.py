from django import forms
from django.contrib.auth import get_user_model

from .membership import Role


class MemberForm(forms.Form):
    """Add someone to a group or change their role; ``role=""`` removes them."""

    user = forms.ModelChoiceField(
        label="Personne",
        queryset=get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name", "username"),
        error_messages={"invalid_choice": "Cette personne n'existe pas ou son compte est désactivé."},
    )
    role = forms.ChoiceField(label="Rôle", choices=[("", "Retirer du groupe"), *Role.CHOICES], required=False)
