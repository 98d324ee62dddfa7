"""Content in every language (django-modeltranslation): which columns hold a field's
translations, which translations are missing, and how a page marks an English fallback.

A translated field `title` is stored in one column per language (`title_en`, `title_fr`,
`title_zh_hans`...); reading `title` gives the active language's text, or the English
one when that translation is empty. Apps register their fields in their `translation.py`.
"""

from django.conf import settings
from django.utils import translation
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

DEFAULT = settings.LANGUAGE_CODE


def translated_fields(model):
    """Names of `model`'s translated fields ("title", "summary"...), in declaration order."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return []
    return [field.name for field in model._meta.concrete_fields if field.name in options.fields]


def column(name, language):
    return build_localized_fieldname(name, language)


def columns(model, name):
    """The columns of field `name`, one per language (English first), or [name] itself."""
    if name not in translated_fields(model):
        return [name]
    return [column(name, code) for code, _name in settings.LANGUAGES]


def other_languages():
    return [(code, name) for code, name in settings.LANGUAGES if code != DEFAULT]


def editable_translated_fields(model):
    return [name for name in translated_fields(model) if model._meta.get_field(name).editable]


def is_missing(obj, name, language):
    """The translation of `name` in `language` is empty while the English text is not."""
    english = getattr(obj, column(name, DEFAULT), None)
    if not english:
        return False
    return not getattr(obj, column(name, language), None)


def missing_languages(obj):
    """{language code: [field names whose translation is missing]} for incomplete languages."""
    missing = {}
    for code, _name in other_languages():
        names = [name for name in editable_translated_fields(type(obj)) if is_missing(obj, name, code)]
        if names:
            missing[code] = names
    return missing


def shows_english_fallback(obj, name):
    """The page's language has no text for `name`: the English one is shown instead."""
    language = translation.get_language() or DEFAULT
    return language != DEFAULT and is_missing(obj, name, language)


# Whether translations are current or out of date is kept by an app (translations), which
# registers a provider here: `provider(objects)` gives {pk: status} for items of one model,
# each status with `state(language)` ("missing", "out of date" or "current").
_status_provider = []


def register_status(provider):
    _status_provider[:] = [provider]


def translation_statuses(objects):
    """{pk: status} for `objects`, or {} when no app keeps translation status."""
    return _status_provider[0](objects) if _status_provider else {}
