"""What of the publications app search finds (search.registry): publications, and the
site texts of the landing page, in every language they have text in.

Only what is published is indexed (a scheduled or expired one is indexed with its times
and found only while visible); the live columns are indexed, never a pending draft. The
index follows publishing through `publication_changed` / `site_texts_changed`, called
from post_save here: a save that writes only draft columns (a draft saved) is ignored,
any other save of a published item re-indexes it after the commit, and a save that
leaves it unpublished removes it. The editorial core's actions (editorial.actions) write
rows exactly so: SaveDraft on a live item writes only the draft columns (never indexed),
Publish and Unpublish write the whole row once (indexed / removed), a deletion removes.
"""

import html

from django.conf import settings
from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy, override

from reportsite.translated_content import column
from search import index, registry

from .models import Publication, SiteContent


def plain(markup):
    return " ".join(html.unescape(strip_tags(markup or "")).split())


class PublicationSearch(registry.SearchKind):
    name = "publication"
    label = gettext_lazy("Publications")
    order = 10

    def live_items(self):
        return Publication.objects.filter(status=Publication.Status.PUBLISHED).iterator()

    def documents(self, publication):
        for code, _name in settings.LANGUAGES:
            title = getattr(publication, column("title", code)) or ""
            if code != settings.LANGUAGE_CODE and not title:
                continue  # not translated: found through the English entry
            summary = getattr(publication, column("summary", code)) or ""
            body = plain(getattr(publication, column("body_html", code)))
            with override(code):
                url = publication.get_absolute_url()
                context = str(publication.get_kind_display())
            yield registry.Document(
                language=code,
                title=title,
                body=f"{summary}\n{body}".strip(),
                url=url,
                year=publication.publication_date.year,
                context=context,
                visible_from=publication.publish_at,
                visible_until=publication.expire_at,
            )


class SiteTextsSearch(registry.SearchKind):
    name = "page"
    label = gettext_lazy("Site pages")
    order = 90

    def live_items(self):
        return SiteContent.objects.filter(pk=SiteContent.SINGLETON_PK)

    def documents(self, site):
        for code, _name in settings.LANGUAGES:
            about = getattr(site, column("about_text", code)) or ""
            if not about:
                continue
            heading = getattr(site, column("about_heading", code)) or site.site_name
            lead = getattr(site, column("hero_lead", code)) or ""
            with override(code):
                url = reverse("publications:home") + "#about"
            yield registry.Document(
                language=code, title=heading, body=f"{lead}\n{about}".strip(), url=url
            )


def _draft_only(sender, update_fields):
    return update_fields is not None and set(update_fields) <= set(sender.pagecache_ignored_fields)


def publication_changed(publication):
    if publication.status == Publication.Status.PUBLISHED:
        index.item_published(PublicationSearch.name, publication)
    else:
        index.item_unpublished(PublicationSearch.name, publication)


def site_texts_changed(site):
    index.item_published(SiteTextsSearch.name, site)


def _publication_saved(sender, instance, update_fields=None, **kwargs):
    if not _draft_only(sender, update_fields):
        publication_changed(instance)


def _publication_deleted(sender, instance, **kwargs):
    index.item_unpublished(PublicationSearch.name, instance)


def _site_texts_saved(sender, instance, update_fields=None, **kwargs):
    if not _draft_only(sender, update_fields):
        site_texts_changed(instance)


def connect():
    """Called from PublicationsConfig.ready."""
    registry.register(PublicationSearch())
    registry.register(SiteTextsSearch())
    post_save.connect(_publication_saved, sender=Publication, dispatch_uid="publications.search.save")
    post_delete.connect(_publication_deleted, sender=Publication, dispatch_uid="publications.search.delete")
    post_save.connect(_site_texts_saved, sender=SiteContent, dispatch_uid="publications.search.site")
