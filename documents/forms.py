from django import forms
from taggit.forms import TagField

from .models import IntranetDocument


class DocumentMetadataForm(forms.ModelForm):
    tags = TagField(label="Mots-clés", required=False, help_text="Séparés par des virgules.")

    class Meta:
        model = IntranetDocument
        fields = ["title", "description", "tags", "shared_with_partners"]
        labels = {"title": "Titre"}
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class MoveForm(forms.Form):
    target = forms.TypedChoiceField(label="Déplacer vers le groupe", coerce=int)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [(g.pk, g.title) for g in groups]


class NewVersionForm(forms.Form):
    file = forms.FileField(label="Nouveau fichier")
    comment = forms.CharField(label="Commentaire", max_length=500, required=False)
