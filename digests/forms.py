from django import forms

from .models import Frequency


class PartnerForm(forms.Form):
    name = forms.CharField(label="Nom", max_length=200)
    organisation = forms.CharField(
        label="Organisme", max_length=200, required=False, help_text="Région, Département, ANCT, GAL LEADER…"
    )
    email = forms.EmailField(label="Adresse électronique")
    frequency = forms.ChoiceField(label="Fréquence", choices=Frequency.choices, initial=Frequency.WEEKLY)
