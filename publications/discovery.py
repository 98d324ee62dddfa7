"""How search engines, feed readers and social networks find and describe the site:
the Atom feed of publications, sitemap.xml, robots.txt and the schema.org data (JSON-LD).

Every address given out here is absolute and built on settings.SITE_URL, the site's one
public origin, rather than on whatever Host a request arrived with.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.core.files.storage import default_storage
from django.db.models import Max
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language, gettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from citations.formats import jsonld_identifiers

from .models import Publication, SiteContent, format_file_size

FEED_LENGTH = 30


def absolute(path):
    """`path` on the site's public origin; addresses that are already absolute stay as they are."""
    if not path:
        return ""
    if urlsplit(path).scheme:
        return path
    return settings.SITE_URL + path


def media_absolute(name):
    return absolute(default_storage.url(name))


def cover_card_image(publication):
    """The cover image for social cards and JSON-LD: the JPEG/PNG rendition (widely
    supported by link previews), or the original when renditions are missing."""
    fallback = (publication.cover_renditions or {}).get("fallback")
    if fallback:
        return {
            "url": media_absolute(fallback["name"]),
            "width": fallback["width"],
            "height": fallback["height"],
            "type": fallback["type"],
        }
    if publication.cover:
        return {
            "url": absolute(publication.cover.url),
            "width": publication.cover_width,
            "height": publication.cover_height,
            "type": "",
        }
    return None


# robots.txt


@require_safe
@cache_control(max_age=24 * 60 * 60, public=True)
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        # Draft previews, in every language (also marked noindex): shared links must not
        # reach an index.
        "Disallow: /preview/",
        *(
            f"Disallow: /{code}/preview/"
            for code, _ in settings.LANGUAGES
            if code != settings.LANGUAGE_CODE
        ),
        "",
        f"Sitemap: {absolute(reverse('discovery:sitemap'))}",
        "",
    ]
    return HttpResponse("\n".join(lines), content_type="text/plain; charset=utf-8")


# Atom feed


class PublicationsFeed(Feed):
    """Atom feed of visible publications. One instance serves every request, so
    per-request data (the site texts) travels as the feed's `obj`, never on `self`."""

    feed_type = Atom1Feed

    def get_object(self, request, *args, **kwargs):
        return SiteContent.load()

    def title(self, site):
        return gettext("%(site_name)s: publications") % {"site_name": site.site_name}

    def subtitle(self):
        return gettext("New reports and key updates, newest first.")

    def link(self):
        return absolute(reverse("publications:index"))

    def feed_url(self):
        return absolute(reverse("publications:feed"))

    def author_name(self, site):
        # Entries without their own authors line inherit this author.
        return site.site_name

    def items(self):
        return Publication.objects.published()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.absolute_url

    def item_guid(self, item):
        return item.absolute_url

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [str(item.get_kind_display())]

    def item_author_name(self, item):
        return item.authors or None


# sitemap.xml


class SiteUrlSitemap(Sitemap):
    """Sitemap entries on settings.SITE_URL (django.contrib.sites is not used), one per
    page and language, each listing the page in every language and x-default (English)."""

    i18n = True
    alternates = True
    x_default = True

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class PagesSitemap(SiteUrlSitemap):
    """The landing page and the publications index, last changed with their content."""

    changefreq = "weekly"

    def items(self):
        return ["publications:home", "publications:index"]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if not hasattr(self, "_latest"):
            self._latest = Publication.objects.published().aggregate(latest=Max("updated_at"))[
                "latest"
            ]
            self._site_texts = SiteContent.objects.aggregate(latest=Max("updated_at"))["latest"]
        if item == "publications:home":
            return max(filter(None, [self._latest, self._site_texts]), default=None)
        return self._latest


class PublicationSitemap(SiteUrlSitemap):
    changefreq = "monthly"

    def items(self):
        return Publication.objects.published()

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {"pages": PagesSitemap, "publications": PublicationSitemap}


def register_sitemap(name, sitemap):
    """Another app's pages in sitemap.xml (its AppConfig.ready calls this)."""
    SITEMAPS[name] = sitemap


# schema.org (JSON-LD)


def organization_data(site):
    return {
        "@context": "https://schema.org",
        "@type": "Organization",
        "name": site.site_name,
        "url": absolute("/"),
        "logo": absolute(static("img/favicon.svg")),
        "description": site.about_plain_text,
    }


def report_data(publication, site, documents):
    publisher = {"@type": "Organization", "name": site.site_name, "url": absolute("/")}
    data = {
        "@context": "https://schema.org",
        "@type": "Report",
        "name": publication.title,
        "headline": publication.title,
        "description": publication.summary,
        "url": publication.absolute_url,
        "datePublished": publication.publication_date.isoformat(),
        "dateModified": publication.updated_at.isoformat(),
        "genre": publication.get_kind_display(),
        "inLanguage": get_language(),
        "author": publisher,
        "publisher": publisher,
        "citation": publication.citation_for(site.site_name),
    }
    if publication.authors:
        data["creditText"] = publication.authors
    # DOI, arXiv and report number as identifiers, the people as authors, the licence.
    data.update(jsonld_identifiers(publication))
    image = cover_card_image(publication)
    if image:
        data["image"] = image["url"]
    same_as = sorted({*data.pop("sameAs", []), *filter(None, [publication.external_url])})
    if same_as:
        data["sameAs"] = same_as[0] if len(same_as) == 1 else same_as
    if documents:
        data["associatedMedia"] = [
            {
                "@type": "MediaObject",
                "name": f"{document.title} ({document.get_language_display()})",
                "contentUrl": absolute(document.file.url),
                "encodingFormat": "application/pdf",
                "inLanguage": document.language,
                **({"contentSize": format_file_size(document.file_size, localize=False)} if document.file_size else {}),
            }
            for document in documents
        ]
    return data
