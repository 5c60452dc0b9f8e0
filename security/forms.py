from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code à 6 chiffres",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )
