from django import forms

from reportsite.translated_content import other_languages

from .exchange import SCOPES

FORMATS = {"xliff": "XLIFF 1.2 (.xlf)", "po": "PO (.po)"}
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ExportForm(forms.Form):
    language = forms.ChoiceField(choices=other_languages)
    scope = forms.ChoiceField(choices=list(SCOPES.items()), initial="todo", widget=forms.RadioSelect, label="Units")
    format = forms.ChoiceField(choices=list(FORMATS.items()), initial="xliff", widget=forms.RadioSelect)


class ImportForm(forms.Form):
    language = forms.ChoiceField(choices=other_languages)
    file = forms.FileField(help_text="The XLIFF or PO file the translators returned (at most 20 MB).")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 20 MB.")
        data = upload.read()
        try:
            data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise forms.ValidationError("The file is not UTF-8 text: save it as UTF-8 XLIFF or PO.") from None
        return data
