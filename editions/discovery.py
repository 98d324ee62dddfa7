"""The reading pages in sitemap.xml: each edition's home and chapters, in each language
the edition exists in (a chapter read on /fr/ in English fallback is not listed there)."""

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import translation

from publications.discovery import SiteUrlSitemap
from publications.models import Publication

from .models import Chapter


class EditionSitemap(SiteUrlSitemap):
    i18n = False
    alternates = False
    x_default = False
    changefreq = "monthly"

    def items(self):
        visible = Publication.objects.published().values_list("pk", flat=True)
        chapters = Chapter.objects.filter(
            version__edition__current_version=F("version"), version__edition__publication__in=visible
        ).select_related("version__edition__publication").order_by("version__edition__publication", "version__edition__language", "order")
        entries = []
        seen = set()
        for chapter in chapters:
            edition = chapter.version.edition
            key = (edition.pk, edition.language)
            if key not in seen:
                seen.add(key)
                entries.append((edition.language, edition.publication.slug, None, chapter.version.published_at))
            entries.append((edition.language, edition.publication.slug, chapter.identifier, chapter.version.published_at))
        return entries

    def location(self, item):
        language, slug, identifier, _published = item
        with translation.override(language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE):
            if identifier:
                return reverse("editions:element", args=[slug, identifier])
            return reverse("editions:home", args=[slug])

    def lastmod(self, item):
        return item[3]



def read_online_link(publication):
    """The "Read online" link on a publication's page, once an edition is published."""
    from django.utils.translation import gettext

    from .models import Edition

    if not Edition.objects.filter(publication=publication, current_version__isnull=False).exists():
        return None
    return {"url": reverse("editions:home", args=[publication.slug]), "label": gettext("Read the report online")}
