from django import forms
from taggit.forms import TagField
from wagtail.documents.forms import BaseDocumentForm as WagtailBaseDocumentForm

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


class AdminDocumentFormBase(WagtailBaseDocumentForm):
    """Base of the Wagtail admin document forms (WAGTAILDOCS_DOCUMENT_FORM_BASE): the same
    content checks as the library, and a replaced file is kept as an earlier version."""

    def clean_file(self):
        from .services.guards import UploadRefused, check_upload

        uploaded = self.cleaned_data.get("file")
        if uploaded is not None and "file" in self.changed_data:
            try:
                checked = check_upload(uploaded)
            except UploadRefused as refused:
                raise forms.ValidationError(refused.message) from refused
            self.instance.kind = checked.kind
            self.instance.detected_type = checked.detected_type
            self.instance.extraction_status = "en_attente"
        return uploaded

    def save(self, commit=True):
        # Wagtail deletes the previous file when a new one is uploaded; ours stays as a version.
        self.original_file = None
        return super().save(commit=commit)
