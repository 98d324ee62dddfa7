"""The report's public content: publications (with their documents), partner organisations
and the landing page's texts.
"""

import datetime
import html

from django.conf import settings
from django.conf.global_settings import LANGUAGES
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html, strip_tags
from django.utils.text import slugify
from django.utils.translation import get_language_info, gettext, gettext_noop, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

import citations.authors
from citations.models import BibliographicRecord
from reportsite.translated_content import column

from . import renditions
from .drafts import Draftable
from .markup import render_markdown
from .uploads import (
    ContentAddressedPath,
    MetadataFreeImageField,
    inspect_pdf,
    validate_image_upload,
    validate_pdf_upload,
)


class PublicationQuerySet(models.QuerySet):
    def published(self):
        """What a visitor may see: published, go-live time reached, not expired, newest first."""
        now = timezone.now()
        return self.filter(
            models.Q(expire_at__isnull=True) | models.Q(expire_at__gt=now),
            status=Publication.Status.PUBLISHED,
            publish_at__lte=now,
        ).order_by("-publication_date", "-publish_at", "-pk")

    def featured(self):
        return self.published().filter(featured=True)

    def in_lifecycle(self, lifecycle):
        """Publications whose `lifecycle` (see Publication.Lifecycle) is the one given."""
        now = timezone.now()
        published = self.filter(status=Publication.Status.PUBLISHED)
        not_expired = models.Q(expire_at__isnull=True) | models.Q(expire_at__gt=now)
        live = published.filter(not_expired, publish_at__lte=now)
        return {
            Publication.Lifecycle.DRAFT: self.filter(status=Publication.Status.DRAFT),
            Publication.Lifecycle.SCHEDULED: published.filter(not_expired, publish_at__gt=now),
            Publication.Lifecycle.LIVE: live.filter(draft__isnull=True),
            Publication.Lifecycle.LIVE_WITH_CHANGES: live.filter(draft__isnull=False),
            Publication.Lifecycle.EXPIRED: published.filter(expire_at__lte=now),
        }[lifecycle]

    def seconds_until_next_scheduled(self):
        """Seconds until a publication goes live or expires by itself, or None."""
        now = timezone.now()
        published = self.filter(status=Publication.Status.PUBLISHED)
        times = [
            published.filter(publish_at__gt=now).aggregate(next=models.Min("publish_at"))["next"],
            published.filter(expire_at__gt=now).aggregate(next=models.Min("expire_at"))["next"],
        ]
        next_time = min(filter(None, times), default=None)
        return (next_time - now).total_seconds() if next_time else None


class Publication(BibliographicRecord, Draftable):
    class Kind(models.TextChoices):
        ANNUAL_REPORT = "annual-report", _("Annual report")
        INTERIM_REPORT = "interim-report", _("Interim report")
        KEY_UPDATE = "key-update", _("Key update")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    class Lifecycle(models.TextChoices):
        """What visitors see of it, as editors are told (computed, never stored)."""

        DRAFT = "draft", "Draft"
        SCHEDULED = "scheduled", "Scheduled"
        LIVE = "live", "Live"
        LIVE_WITH_CHANGES = "live-changed", "Live with unpublished changes"
        EXPIRED = "expired", "Expired"

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True,
        # The admin shows help texts as HTML: the placeholder is escaped to be seen.
        help_text=format_html("The publication's address: {}.", "/publication/<slug>/"),
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.KEY_UPDATE)
    publication_date = models.DateField(help_text="The date printed on the publication.")
    summary = models.TextField(help_text="One paragraph, shown in lists and search results.")
    body = models.TextField(
        blank=True,
        help_text="Optional longer text for the publication's page, in Markdown: blank lines "
        "between paragraphs, ## for a heading, **bold**, *italic*, [link text](https://…), "
        "- for a list item. HTML and scripts are removed.",
    )
    # The body rendered and sanitised when saved (publications.markup), so pages never
    # render Markdown and never show unsanitised HTML.
    body_html = models.TextField(editable=False, blank=True, default="")
    authors = models.CharField(
        max_length=500,
        blank=True,
        help_text="Authors line for the citation, e.g. 'Bengio, Y., Mindermann, S., et al.'. "
        "When empty the site's name is cited as the author.",
    )
    citation = models.TextField(
        "how to cite",
        blank=True,
        help_text="Replaces the generated citation (authors, year, title, address) when filled in.",
    )
    cover = MetadataFreeImageField(
        "front cover",
        upload_to=ContentAddressedPath("covers", "cover"),
        validators=[validate_image_upload],
        width_field="cover_width",
        height_field="cover_height",
        help_text="JPEG, PNG or WebP.",
    )
    cover_width = models.PositiveIntegerField(editable=False, null=True)
    cover_height = models.PositiveIntegerField(editable=False, null=True)
    # Made once from the cover on save (publications.renditions); read by every page.
    cover_renditions = models.JSONField(editable=False, default=dict, blank=True)
    cover_alt = models.CharField(
        "front cover alt text",
        max_length=250,
        help_text="Describes the cover for people who cannot see it, e.g. 'Front cover of report'.",
    )
    external_url = models.URLField(
        "external link", blank=True, help_text="For example the version on arXiv."
    )
    video_url = models.URLField(
        "embedded video",
        blank=True,
        help_text="A YouTube or Vimeo address. Visitors see a placeholder until they allow "
        "embedded external content.",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        "go-live time",
        null=True,
        blank=True,
        help_text="A published publication appears on the site from this time on. "
        "Leave empty to go live at the moment you publish.",
    )
    expire_at = models.DateTimeField(
        "expiry time",
        null=True,
        blank=True,
        help_text="Optional: the publication is taken off the site (pages, lists, feed, "
        "sitemap) at this time, e.g. when it is superseded.",
    )
    featured = models.BooleanField(default=False, help_text="Link to it from the hero banner.")
    hero_label = models.CharField(
        max_length=120, blank=True, help_text="Text of the hero link; the title when empty."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-publication_date", "-publish_at"]
        indexes = [models.Index(fields=["status", "publish_at"])]

    draft_field_names = (
        "title",
        "slug",
        "kind",
        "publication_date",
        "summary",
        "body",
        "authors",
        "citation",
        "cover",
        "cover_alt",
        "external_url",
        "video_url",
        "publish_at",
        "expire_at",
        "featured",
        "hero_label",
        *BibliographicRecord.BIBLIOGRAPHIC_FIELDS,
    )

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= set(self.pagecache_ignored_fields):
            # A draft saved: nothing visitors see, nothing derived from it, changes.
            return super().save(*args, **kwargs)
        if self.status == self.Status.PUBLISHED and self.publish_at is None:
            # Published without a go-live time: it goes live (and is dated) now.
            self.publish_at = timezone.now()
        self.render_bodies()
        update_fields = kwargs.get("update_fields")
        bodies = {column(field, code) for field in ("body", "body_html") for code, _ in settings.LANGUAGES}
        if update_fields is not None and {"body", *bodies} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *bodies}
        super().save(*args, **kwargs)
        renditions.refresh_after_commit(self, "cover", renditions.COVER)

    def clean(self):
        if self.expire_at and self.publish_at and self.expire_at <= self.publish_at:
            raise ValidationError(
                {"expire_at": "The expiry time must come after the go-live time."}
            )

    def get_absolute_url(self):
        return reverse("publications:detail", kwargs={"slug": self.slug})

    @property
    def absolute_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    def citation_for(self, publisher):
        """The "How to cite" text: the editor's own, or authors (year). Title. Publisher. URL."""
        if self.citation.strip():
            return self.citation.strip()
        authors = self.authors.strip() or citations.authors.short_names(self.citation_authors()) or publisher
        title = self.title if self.title.endswith((".", "?", "!")) else f"{self.title}."
        source = "" if authors == publisher else f" {publisher}."
        return f"{authors} ({self.publication_date.year}). {title}{source} {self.absolute_url}"

    # Citations (citations.models.Citable)

    def citation_title(self):
        return self.title

    def citation_url(self):
        return self.absolute_url

    def citation_date(self):
        return self.publication_date

    def citation_publisher(self):
        return SiteContent.load().site_name

    def citation_abstract(self):
        return self.summary

    def citation_genre(self):
        return str(self.get_kind_display())

    def recommended_citation(self):
        return self.citation.strip()

    def current_document(self, kind=None, language=None):
        """The live document of this kind (its `slot_kind`; default: the full report) in
        this language, else in English, else in any language; None when there is none."""
        from django.utils.translation import get_language

        kind = kind or PublicationDocument.Type.FULL_REPORT
        documents = [d for d in self.live_documents() if d.slot_kind == kind and d.file]
        for wanted in (language or get_language(), settings.LANGUAGE_CODE, None):
            for document in documents:
                if wanted is None or document.language == wanted:
                    return document
        return None

    def citation_pdf_url(self):
        document = self.current_document()
        return settings.SITE_URL + document.file.url if document else ""

    # Drafts and publishing (publications.drafts)

    @property
    def is_live(self):
        return self.pk is not None and self.status == self.Status.PUBLISHED

    def prepare_publication(self, now):
        self.status = self.Status.PUBLISHED
        if self.publish_at is None:
            self.publish_at = now

    # A live publication's documents change with its draft: rows the draft adds or removes
    # are marked (PublicationDocument.draft_change) until it is published or discarded.

    def live_documents(self):
        return self.documents.exclude(draft_change=PublicationDocument.DraftChange.ADDED)

    def draft_documents(self):
        return self.documents.exclude(draft_change=PublicationDocument.DraftChange.REMOVED)

    def publish_related(self):
        self.documents.filter(draft_change=PublicationDocument.DraftChange.REMOVED).delete()
        self.documents.filter(draft_change=PublicationDocument.DraftChange.ADDED).update(
            draft_change=PublicationDocument.DraftChange.NONE
        )

    def has_related_draft_changes(self):
        return self.documents.exclude(draft_change=PublicationDocument.DraftChange.NONE).exists()

    def discard_related(self):
        self.documents.filter(draft_change=PublicationDocument.DraftChange.ADDED).delete()
        self.documents.filter(draft_change=PublicationDocument.DraftChange.REMOVED).update(
            draft_change=PublicationDocument.DraftChange.NONE
        )

    def after_draft_applied(self, live):
        if self.cover.name != live.cover.name:
            # Renditions are made when published; a preview shows the new original.
            self.cover_renditions = {}
        self.render_bodies()

    def render_bodies(self):
        """The body rendered in every language (an empty one falls back to English's)."""
        for code, _name in settings.LANGUAGES:
            body = getattr(self, column("body", code)) or ""
            setattr(self, column("body_html", code), render_markdown(body) if body else "")

    @property
    def lifecycle(self):
        now = timezone.now()
        if self.status != self.Status.PUBLISHED:
            return self.Lifecycle.DRAFT
        if self.expire_at is not None and self.expire_at <= now:
            return self.Lifecycle.EXPIRED
        if self.publish_at is not None and self.publish_at > now:
            return self.Lifecycle.SCHEDULED
        if self.has_unpublished_changes:
            return self.Lifecycle.LIVE_WITH_CHANGES
        return self.Lifecycle.LIVE

    @property
    def lifecycle_text(self):
        """The status as editors read it, times with their time zone."""
        lifecycle = self.lifecycle
        text = lifecycle.label
        if lifecycle == self.Lifecycle.SCHEDULED:
            text = f"Scheduled for {format_moment(self.publish_at)}"
        elif lifecycle == self.Lifecycle.EXPIRED:
            text = f"Expired {format_moment(self.expire_at)}"
        elif self.expire_at is not None and lifecycle != self.Lifecycle.DRAFT:
            text = f"{text}, expires {format_moment(self.expire_at)}"
        if self.has_unpublished_changes and lifecycle != self.Lifecycle.LIVE_WITH_CHANGES:
            text = f"{text}, with unpublished changes"
        return text

    @property
    def is_visible(self):
        return self.lifecycle in (self.Lifecycle.LIVE, self.Lifecycle.LIVE_WITH_CHANGES)

    @property
    def hero_text(self):
        return self.hero_label or self.title

    @property
    def public_file_stem(self):
        """Public file names start with this (publications.uploads.ContentAddressedPath)."""
        return self.slug


def format_moment(moment):
    """A date and time in the site's time zone, naming the zone: "3 March 2026, 09:00 CET"."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y, %H:%M} {local.tzname()}"


class PartnerOrganisation(Draftable):
    name = models.CharField(max_length=200)
    website = models.URLField()
    logo = MetadataFreeImageField(
        upload_to=ContentAddressedPath("logos", "logo"),
        validators=[validate_image_upload],
        width_field="logo_width",
        height_field="logo_height",
        help_text="JPEG, PNG or WebP.",
    )
    logo_width = models.PositiveIntegerField(editable=False, null=True)
    logo_height = models.PositiveIntegerField(editable=False, null=True)
    logo_renditions = models.JSONField(editable=False, default=dict, blank=True)
    logo_alt = models.CharField("logo alt text", max_length=250)
    description = models.TextField(blank=True, max_length=500)
    order = models.PositiveIntegerField("display order", default=0)
    active = models.BooleanField(default=True, help_text="Shown on the site.")

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "partner organisation"

    draft_field_names = ("name", "website", "logo", "logo_alt", "description", "order", "active")

    # Logos are shown at most this high (CSS: .partner img), which sets the width needed.
    DISPLAY_HEIGHT_PX = 80

    def __str__(self):
        return self.name

    @property
    def public_file_stem(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        renditions.refresh_after_commit(self, "logo", renditions.LOGO)

    @property
    def is_live(self):
        """Shown on the landing page; an inactive partner is edited directly."""
        return self.pk is not None and self.active

    def after_draft_applied(self, live):
        if self.logo.name != live.logo.name:
            self.logo_renditions = {}

    @property
    def lifecycle_text(self):
        if not self.active:
            return "Not shown"
        return "Live with unpublished changes" if self.has_unpublished_changes else "Live"

    @property
    def logo_sizes(self):
        """The `sizes` attribute for the logo: its width when shown DISPLAY_HEIGHT_PX high."""
        width = self.logo_renditions.get("width") or self.logo_width or 1
        height = self.logo_renditions.get("height") or self.logo_height or 1
        return f"{round(self.DISPLAY_HEIGHT_PX * width / height)}px"


def _language_choices():
    """The site's own languages first, in the site's order (the ones a document is most
    often in), then every other language Django knows, by English name."""
    names = dict(LANGUAGES)
    site = [(code, names.get(code, name)) for code, name in settings.LANGUAGES]
    others = [pair for pair in LANGUAGES if pair[0] not in dict(site)]
    return [
        ("The site's languages", site),
        ("Other languages", sorted(others, key=lambda pair: pair[1])),
    ]


class PublicationDocument(models.Model):
    """A downloadable PDF of a publication: one type (full report, summary…) in one language."""

    class Type(models.TextChoices):
        # Listed in the order a publication page shows them.
        FULL_REPORT = "full-report", _("Full report")
        EXECUTIVE_SUMMARY = "executive-summary", _("Executive summary")
        POLICYMAKERS_SUMMARY = "policymakers-summary", _("Extended summary for policymakers")
        OTHER = "other", _("Other")

    class DraftChange(models.TextChoices):
        NONE = "", "Live"
        ADDED = "added", "Added in the draft"
        REMOVED = "removed", "Removed in the draft"

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="documents"
    )
    document_type = models.CharField(
        "type", max_length=30, choices=Type.choices, default=Type.FULL_REPORT
    )
    label = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shown instead of the type, e.g. 'Annex: list of contributors'. "
        "Required for the type 'Other'.",
    )
    # A callable, so that migrations do not copy Django's list of languages.
    language = models.CharField(max_length=10, choices=_language_choices, default="en")
    file = models.FileField(
        "PDF",
        upload_to=ContentAddressedPath("documents", "file", extension="pdf"),
        validators=[validate_pdf_upload],
    )
    # Read from the file once, when it is uploaded.
    file_size = models.PositiveBigIntegerField("size in bytes", editable=False, null=True)
    page_count = models.PositiveIntegerField("pages", editable=False, null=True)
    order = models.PositiveIntegerField(
        "display order", default=0, help_text="Lower numbers first, within a type."
    )
    # How the publication's pending draft changes this row (publications.drafts): an edit
    # to a live document is a new "added" row replacing the "removed" original.
    draft_change = models.CharField(
        max_length=10, choices=DraftChange.choices, default="", blank=True, editable=False
    )

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "document"

    def __str__(self):
        return f"{self.title} ({self.get_language_display()})"

    def clean(self):
        if self.document_type == self.Type.OTHER and not self.label.strip():
            raise ValidationError({"label": "Name this document: its type is 'Other'."})

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.file_size = self.file.size
            checked = getattr(self.file, "checked_page_count", None)
            self.page_count = checked if checked is not None else inspect_pdf(self.file)
        super().save(*args, **kwargs)

    @property
    def title(self):
        return self.label.strip() or self.get_document_type_display()

    @property
    def public_file_stem(self):
        return f"{self.publication.slug}-{self.label or self.document_type}-{self.language}"

    @property
    def slot_kind(self):
        """What the document is, in its stable address (publications.file_addresses):
        its type, or for type Other its label ("other-annex-contributors")."""
        if self.document_type == self.Type.OTHER:
            return f"other-{slugify(self.label)[:60]}"
        return self.document_type

    def _language_info(self):
        try:
            return get_language_info(self.language)
        except KeyError:
            return {"name": self.language, "name_local": self.language, "bidi": False}

    @property
    def language_name(self):
        """The language's name in the page's language ("French" on an English page)."""
        info = self._language_info()
        return str(info.get("name_translated", info["name"]))

    @property
    def language_name_local(self):
        """The language's name in itself ("Français"), as a reader of it looks for it."""
        return self._language_info()["name_local"]

    @property
    def language_is_rtl(self):
        return self._language_info()["bidi"]

    @property
    def type_rank(self):
        return list(self.Type.values).index(self.document_type)

    @property
    def details(self):
        """What a visitor reads before downloading, e.g. "PDF, 4.45 MB, 298 pages" (in
        French "PDF, 4,45 Mo, 298 pages")."""
        parts = ["PDF"]
        if self.file_size is not None:
            parts.append(format_file_size(self.file_size))
        if self.page_count is not None:
            parts.append(
                ngettext("%(count)s page", "%(count)s pages", self.page_count)
                % {"count": self.page_count}
            )
        # Translators: separates the details of a file ("PDF, 4.45 MB, 298 pages").
        return pgettext("file details", ", ").join(parts)


def format_file_size(size, localize=True):
    """Decimal units, as download pages and operating systems show them: "4.45 MB", "312 kB".

    With `localize`, the number is written by Django's localisation of the active language
    (its format modules, see reportsite/formats) and the unit by the catalogue: "4,45 Mo" in
    French, "4.45 ميغابايت" in Arabic. Without, it is the plain English form that machines
    read (schema.org's contentSize).
    """
    if size >= 1_000_000:
        value, decimals, unit = size / 1_000_000, 2, gettext_noop("%(size)s MB")
    elif size >= 1_000:
        value, decimals, unit = round(size / 1_000), 0, gettext_noop("%(size)s kB")
    else:
        value, decimals, unit = size, 0, None
    if not localize:
        return f"{value:.{decimals}f} {'bytes' if unit is None else unit.split()[-1]}"
    number = number_format(value, decimals)
    if unit is None:
        return ngettext("%(size)s byte", "%(size)s bytes", size) % {"size": number}
    return gettext(unit) % {"size": number}


class SiteContent(Draftable):
    """The landing page's own texts: exactly one record, edited in the admin."""

    site_name = models.CharField(max_length=120, default="International AI Safety Report")
    # No field defaults for translated texts: every language's column would get the English
    # one and pass for a translation. A new record gets them in English (`load`).
    hero_title = models.CharField(max_length=200)
    hero_lead = models.TextField(
        blank=True,
        help_text="A sentence or two under the title, in Markdown: **bold**, *italic*, "
        "[link text](https://…). HTML and scripts are removed.",
    )
    about_heading = models.CharField(max_length=200)
    about_text = models.TextField(
        blank=True,
        help_text="In Markdown: blank lines between paragraphs, **bold**, *italic*, "
        "[link text](https://…), - for a list item. HTML and scripts are removed.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    SINGLETON_PK = 1

    draft_field_names = ("site_name", "hero_title", "hero_lead", "about_heading", "about_text")

    class Meta:
        verbose_name = "site texts"
        verbose_name_plural = "site texts"

    def __str__(self):
        return "Site texts"

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    # Rendered with the publications' sanitiser (publications.markup) when a page needs
    # them; pages are cached, so this runs once per change, not once per visit.
    @cached_property
    def hero_lead_html(self):
        return render_markdown(self.hero_lead)

    @cached_property
    def about_html(self):
        return render_markdown(self.about_text)

    @property
    def about_plain_text(self):
        """The About text without its Markdown, for search engines' descriptions."""
        return " ".join(html.unescape(strip_tags(self.about_html)).split())

    def delete(self, *args, **kwargs):
        raise ValidationError("The site texts cannot be deleted.")

    @property
    def lifecycle_text(self):
        return "Live with unpublished changes" if self.has_unpublished_changes else "Live"

    ENGLISH_DEFAULTS = {
        "hero_title_en": "International AI Safety Report",
        "about_heading_en": "About the International AI Safety Report",
    }

    @classmethod
    def load(cls):
        content, _ = cls.objects.get_or_create(pk=cls.SINGLETON_PK, defaults=cls.ENGLISH_DEFAULTS)
        return content

    @classmethod
    def exists(cls):
        return cls.objects.filter(pk=cls.SINGLETON_PK).exists()


def _preview_link_expiry():
    return timezone.now() + PreviewLink.LIFETIME


class PreviewLink(models.Model):
    """A link that shows one item's draft to a reviewer without an admin account.

    The address carries a token signed with the site's secret key, so it cannot be
    guessed or altered; the link stops working when it expires or is revoked.
    """

    LIFETIME = datetime.timedelta(days=7)
    _SALT = "publications.PreviewLink"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_preview_link_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    class Unusable(Exception):
        """The link was revoked or has expired (`gone`), or never existed."""

        def __init__(self, reason, gone):
            super().__init__(reason)
            self.gone = gone

    def __str__(self):
        return f"Preview link to {self.target}"

    @classmethod
    def create_for(cls, target, user):
        return cls.objects.create(
            content_type=ContentType.objects.get_for_model(target),
            object_id=target.pk,
            created_by=user,
        )

    @classmethod
    def links_to(cls, target):
        return cls.objects.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        )

    @property
    def token(self):
        return signing.Signer(salt=self._SALT).sign(str(self.pk))

    def get_absolute_url(self):
        return reverse("publications:shared-preview", kwargs={"token": self.token})

    @property
    def absolute_url(self):
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def open(cls, token):
        """The usable link behind `token`, or raise PreviewLink.Unusable."""
        try:
            pk = int(signing.Signer(salt=cls._SALT).unsign(token))
            link = cls.objects.select_related("content_type").get(pk=pk)
        except (signing.BadSignature, ValueError, cls.DoesNotExist):
            raise cls.Unusable(gettext("This preview link is not valid."), gone=False)
        if link.revoked_at is not None:
            raise cls.Unusable(gettext("This preview link was withdrawn."), gone=True)
        if link.expires_at <= timezone.now():
            raise cls.Unusable(gettext("This preview link has expired."), gone=True)
        if link.target is None:
            raise cls.Unusable(gettext("What this link showed no longer exists."), gone=True)
        return link

    def revoke(self):
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
