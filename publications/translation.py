"""The publications' texts that editors translate (django-modeltranslation): each field
gets one column per language (`title_fr`, `title_zh_hans`...); reading `title` gives the
active language's text, or the English one when that translation is empty."""

from modeltranslation.translator import TranslationOptions, register

from .models import PartnerOrganisation, Publication, SiteContent


@register(Publication)
class PublicationTranslation(TranslationOptions):
    # body_html is the rendered body, one per language like the body.
    fields = ("title", "summary", "body", "body_html", "cover_alt", "hero_label")
    required_languages = ("en",)
    fallback_undefined = ""


@register(PartnerOrganisation)
class PartnerOrganisationTranslation(TranslationOptions):
    fields = ("name", "description", "logo_alt")
    required_languages = ("en",)
    fallback_undefined = ""


@register(SiteContent)
class SiteContentTranslation(TranslationOptions):
    fields = ("hero_title", "hero_lead", "about_heading", "about_text")
    fallback_undefined = ""
