"""The consent texts that privacy officers word in every language (django-modeltranslation):
purposes' names and descriptions and the cookie policy; an empty translation shows the
English text."""

from modeltranslation.translator import TranslationOptions, register

from .models import PolicyVersion, Purpose


@register(Purpose)
class PurposeTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("en",)
    fallback_undefined = ""


@register(PolicyVersion)
class PolicyVersionTranslation(TranslationOptions):
    fields = ("text",)
    required_languages = ("en",)
    fallback_undefined = ""
