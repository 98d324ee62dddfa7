"""Translation status of translated content: missing, current, or out of date.

Every model registered with django-modeltranslation takes part; none is named here. A
field's translation into a language is
- **missing** when it is empty while the English text is not;
- **out of date** when the English text has changed since the translation was written
  (translations.models.TranslationSource keeps the English digest of that moment);
- **current** otherwise.
Drafts do not count: a draft save writes only the draft columns, so the live English and
translations (what visitors read, and what translators translate) are unchanged.
"""

import functools
import hashlib
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from modeltranslation.translator import translator

from reportsite.translated_content import (
    DEFAULT,
    column,
    editable_translated_fields,
    other_languages,
)

from .models import TranslationSource

MISSING, OUT_OF_DATE, CURRENT = "missing", "out of date", "current"


def digest(text):
    return hashlib.sha256((text or "").strip().encode()).hexdigest()


@functools.cache
def translated_models():
    """Every model with translated fields an editor writes (modeltranslation's registry)."""
    return tuple(model for model in translator.get_registered_models() if editable_translated_fields(model))


def _text(obj, name, language):
    return getattr(obj, column(name, language), None) or ""


@dataclass
class ItemStatus:
    """One item's fields by state, per language: {"fr": {"missing": [...], ...}}."""

    languages: dict = field(default_factory=dict)

    def state(self, language):
        fields = self.languages.get(language, {})
        if fields.get(MISSING):
            return MISSING
        if fields.get(OUT_OF_DATE):
            return OUT_OF_DATE
        return CURRENT


def status_of(obj, sources=None):
    """The ItemStatus of `obj` (one query, or none when `sources` is given: the item's
    TranslationSource rows by (field, language))."""
    if sources is None:
        sources = {
            (row.field, row.language): row
            for row in TranslationSource.objects.filter(
                content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
            )
        }
    result = ItemStatus()
    for code, _name in other_languages():
        states = {MISSING: [], OUT_OF_DATE: []}
        for name in editable_translated_fields(type(obj)):
            english = _text(obj, name, DEFAULT)
            if not english.strip():
                continue
            translated = _text(obj, name, code)
            if not translated.strip():
                states[MISSING].append(name)
                continue
            row = sources.get((name, code))
            if row is not None and row.source_digest != digest(english):
                states[OUT_OF_DATE].append(name)
        result.languages[code] = states
    return result


def statuses(objects):
    """{pk: ItemStatus} for many items of one model, in one query."""
    objects = list(objects)
    if not objects:
        return {}
    content_type = ContentType.objects.get_for_model(objects[0])
    rows = {}
    for row in TranslationSource.objects.filter(
        content_type=content_type, object_id__in=[str(obj.pk) for obj in objects]
    ):
        rows.setdefault(row.object_id, {})[(row.field, row.language)] = row
    return {obj.pk: status_of(obj, rows.get(str(obj.pk), {})) for obj in objects}


def record(obj, update_fields=None):
    """After a save of `obj`: note the English each changed translation was made from.

    A translation that is new or different from the one recorded is taken as made from the
    English text it is saved beside; a translation that did not change keeps its record, so
    a changed English text makes it out of date. An emptied translation loses its record.
    """
    model = type(obj)
    names = editable_translated_fields(model)
    if update_fields is not None:
        written = set(update_fields)
        names = [name for name in names if any(column(name, code) in written for code, _ in other_languages())]
    if not names:
        return
    content_type = ContentType.objects.get_for_model(model)
    existing = {
        (row.field, row.language): row
        for row in TranslationSource.objects.filter(content_type=content_type, object_id=str(obj.pk))
    }
    with transaction.atomic():
        for name in names:
            english = digest(_text(obj, name, DEFAULT))
            for code, _name in other_languages():
                translated = _text(obj, name, code)
                row = existing.get((name, code))
                if not translated.strip():
                    if row is not None:
                        row.delete()
                    continue
                if row is None:
                    TranslationSource.objects.create(
                        content_type=content_type, object_id=str(obj.pk), field=name, language=code,
                        source_digest=english, translation_digest=digest(translated),
                    )
                elif row.translation_digest != digest(translated):
                    row.source_digest, row.translation_digest = english, digest(translated)
                    row.save(update_fields=["source_digest", "translation_digest", "updated_at"])


def record_baseline():
    """Record every translation that has no record yet as made from today's English (run
    after migrations: translations written before the status existed count as current)."""
    for model in translated_models():
        content_type = ContentType.objects.get_for_model(model)
        known = set(
            TranslationSource.objects.filter(content_type=content_type).values_list("object_id", "field", "language")
        )
        new = []
        for obj in model._default_manager.all().iterator():
            for name in editable_translated_fields(model):
                english = digest(_text(obj, name, DEFAULT))
                for code, _name in other_languages():
                    translated = _text(obj, name, code)
                    if translated.strip() and (str(obj.pk), name, code) not in known:
                        new.append(TranslationSource(
                            content_type=content_type, object_id=str(obj.pk), field=name, language=code,
                            source_digest=english, translation_digest=digest(translated),
                        ))
        TranslationSource.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)


def forget(obj):
    TranslationSource.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).delete()
