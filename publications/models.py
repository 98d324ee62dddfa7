"""The report's public content: publications (with their documents), partner organisations
and the landing page's texts.
"""

import html

from django.conf import settings
from django.conf.global_settings import LANGUAGES
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.html import format_html, strip_tags
from django.utils.text import slugify
from django.utils.translation import get_language_info, gettext, gettext_noop, ngettext, pgettext
from django.utils.translation import gettext_lazy as _

import citations.authors
from citations.models import BibliographicRecord
from editorial.files import editorial_storage
from editorial.models import (
    DraftRowMixin,
    DraftStateMixin,
    ScheduledPublishingMixin,
    ScheduledQuerySet,
)
from editorial.uploads import (
    ContentAddressedPath,
    MetadataFreeImageField,
    clean_pending,
    inspect_pdf,
    validate_image_upload,
    validate_pdf_upload,
)
from reportsite.translated_content import column

from . import renditions
from .markup import render_markdown


class PublicationQuerySet(ScheduledQuerySet):
    def published(self):
        """What a visitor may see (editorial.models.ScheduledQuerySet), newest first."""
        return super().published().order_by("-publication_date", "-publish_at", "-pk")

    def featured(self):
        return self.published().filter(featured=True)


class Publication(BibliographicRecord, ScheduledPublishingMixin):
    class Kind(models.TextChoices):
        ANNUAL_REPORT = "annual-report", _("Annual report")
        INTERIM_REPORT = "interim-report", _("Interim report")
        KEY_UPDATE = "key-update", _("Key update")
        OTHER = "other", _("Other")

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
        storage=editorial_storage,
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

    # What a draft holds and what belongs to the publication (editorial.models).
    editorial_related = ("documents",)

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) <= set(self.pagecache_ignored_fields):
            # A draft saved: nothing visitors see, nothing derived from it, changes.
            return super().save(*args, **kwargs)
        self.render_bodies()
        update_fields = kwargs.get("update_fields")
        bodies = {column(field, code) for field in ("body", "body_html") for code, _ in settings.LANGUAGES}
        if update_fields is not None and {"body", *bodies} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *bodies}
        super().save(*args, **kwargs)
        self.after_publication()

    def after_publication(self):
        if self.public_files_wanted():
            # Renditions are public files: made for what visitors may see only.
            renditions.refresh_after_commit(self, "cover", renditions.COVER)

    def after_recovery(self):
        self.after_publication()

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

    # Its documents, as visitors see them and as its draft has them (editorial.models).

    def live_documents(self):
        return self.live_rows("documents")

    def draft_documents(self):
        return self.draft_rows("documents")

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
    def hero_text(self):
        return self.hero_label or self.title

    @property
    def public_file_stem(self):
        """Public file names start with this (editorial.uploads.ContentAddressedPath)."""
        return self.slug


class PartnerOrganisation(DraftStateMixin):
    name = models.CharField(max_length=200)
    website = models.URLField()
    logo = MetadataFreeImageField(
        upload_to=ContentAddressedPath("logos", "logo"),
        storage=editorial_storage,
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
        self.after_publication()

    def after_publication(self):
        if self.public_files_wanted():
            renditions.refresh_after_commit(self, "logo", renditions.LOGO)

    def after_recovery(self):
        self.after_publication()

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


class PublicationDocument(DraftRowMixin):
    """A downloadable PDF of a publication: one type (full report, summary…) in one language."""

    class Type(models.TextChoices):
        # Listed in the order a publication page shows them.
        FULL_REPORT = "full-report", _("Full report")
        EXECUTIVE_SUMMARY = "executive-summary", _("Executive summary")
        POLICYMAKERS_SUMMARY = "policymakers-summary", _("Extended summary for policymakers")
        OTHER = "other", _("Other")

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
        storage=editorial_storage,
        validators=[validate_pdf_upload],
    )
    # Read from the file once, when it is uploaded.
    file_size = models.PositiveBigIntegerField("size in bytes", editable=False, null=True)
    page_count = models.PositiveIntegerField("pages", editable=False, null=True)
    order = models.PositiveIntegerField(
        "display order", default=0, help_text="Lower numbers first, within a type."
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
            checked = getattr(self.file, "checked_page_count", None)
            self.page_count = checked if checked is not None else inspect_pdf(self.file)
            clean_pending(self.file)
            self.file_size = self.file.size
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


class SiteContent(DraftStateMixin):
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
