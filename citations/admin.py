"""Editing bibliographic fields: a model admin adds `BIBLIOGRAPHIC_FIELDSET` to its
fieldsets (one line), and the fields travel with the rest of the form (drafts included)."""

from .models import BibliographicRecord

BIBLIOGRAPHIC_FIELDSET = (
    "Bibliographic data (citation downloads, Google Scholar, Zotero)",
    {"fields": BibliographicRecord.BIBLIOGRAPHIC_FIELDS},
)
