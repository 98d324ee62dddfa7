"""The report itself on the web: an edition per publication and language, in versions.

An import (editions.importer) turns the authors' source into a DRAFT `EditionVersion`:
chapters, their sections (with their HTML rendered and sanitised once, at import), figures,
tables, footnotes and references, each a row of its own, the figures' files in the
editorial core's private store. A version is draftable content of the editorial core
(editorial.models.DraftStateMixin, registered in editions.apps): nothing of it is visible
until the core's Publish action makes it live (refused while a pre-publish check blocks,
editions.checks); the edition's current version is then what `/publication/<slug>/read/`
shows, and every published version keeps its own address (`…/read/v2/…`).

Every chapter, section, figure and table has a readable identifier that stays the same
across versions (editions.identifiers); `Anchor` lists them per version so that one query
finds where an identifier lives.
"""

import re

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language_info

from editorial.files import editorial_storage
from editorial.models import DraftStateMixin
from editorial.uploads import ContentAddressedPath
from publications.models import Publication

WORDS_PER_MINUTE = 230
DATA_FILE_TYPES = FileExtensionValidator(["csv", "xlsx"], "Attach the data as a .csv or .xlsx file.")
# Addresses under …/read/ that are pages, never identifiers of content.
RESERVED_IDENTIFIERS = {"versions", "changes", "references", "media", "figures", "tables"}
VERSION_PATTERN = re.compile(r"^v\d+$")


class Edition(models.Model):
    """A publication's report text in one language."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="editions")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    current_version = models.ForeignKey(
        "EditionVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False, help_text="The published version visitors read.",
    )
    example = models.BooleanField(
        default=False, editable=False,
        help_text="Loaded by manage.py load_example_edition: every page says it is an example.",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["publication", "language"], name="one_edition_per_language")
        ]
        ordering = ["publication", "language"]

    def __str__(self):
        return f"{self.publication.title} ({self.language_name})"

    @property
    def language_name(self):
        return get_language_info(self.language)["name_local"]

    @property
    def is_rtl(self):
        return get_language_info(self.language)["bidi"]

    def latest_version(self):
        return self.versions.order_by("-number").first()

    def next_number(self):
        return (self.versions.aggregate(models.Max("number"))["number__max"] or 0) + 1


class EditionVersion(DraftStateMixin):
    """One import of an edition: a draft until published, then readable at its own address.

    Its content is what the import made (chapters, sections, figures...); editors edit the
    version's note, figures' alt texts and captions, and errata. The hooks below tell the
    editorial core what publishing it means; the core's actions do the rest.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    note = models.TextField(
        blank=True, help_text="What this version changes, shown on the versions page."
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    title = models.CharField(max_length=500)
    authors = models.TextField(blank=True)
    date_text = models.CharField("date", max_length=100, blank=True)
    source_name = models.CharField(max_length=300, blank=True)
    word_count = models.PositiveIntegerField(default=0)
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False,
        help_text="The English version a translation import made this version from.",
    )

    draft_field_names = ("note",)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["edition", "number"], name="one_version_number")
        ]
        ordering = ["edition", "-number"]
        permissions = [("publish_editionversion", "Can publish an edition version")]

    def __str__(self):
        return f"{self.edition} — version {self.number} ({self.get_status_display().lower()})"

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / WORDS_PER_MINUTE))

    def get_absolute_url(self):
        return reverse("editions:home-version", args=[self.edition.publication.slug, self.number])

    # --- What the editorial core asks (editorial.models.DraftStateMixin hooks) ----------

    @property
    def is_live(self):
        return self.pk is not None and self.is_published

    @property
    def is_visible(self):
        return self.is_published

    @property
    def lifecycle_text(self):
        if not self.is_published:
            return "Draft: visitors cannot read this version"
        current = self.edition.current_version_id == self.pk
        text = "Published, the version visitors read" if current else "Published, an earlier version"
        return f"{text}, with unpublished changes" if self.has_unpublished_changes else text

    def publication_blockers(self):
        from . import checks

        return [problem.message for problem in checks.run(self) if problem.blocking]

    def prepare_publication(self, now):
        self.status = self.Status.PUBLISHED
        self.published_at = now

    def prepare_unpublication(self):
        self.status = self.Status.DRAFT

    def after_publication(self):
        self._move_current_version()

    def after_unpublication(self):
        self._move_current_version()

    def after_recovery(self):
        self._move_current_version()

    def _move_current_version(self):
        """The edition's current version is its newest published one (a derived value)."""
        edition = Edition.objects.select_for_update().get(pk=self.edition_id)
        edition.current_version = (
            edition.versions.filter(status=self.Status.PUBLISHED).order_by("-number").first()
        )
        edition.save(update_fields=["current_version"])
        self.edition = edition

    def editorial_file_names(self, live=True, draft=True):
        """The figures' images and renditions and the data files of figures and tables:
        the import made them for this version alone (their names carry its import's folder)."""
        names = super().editorial_file_names(live, draft)
        for image, renditions, data_file in self.figures.values_list("image", "renditions", "data_file"):
            names.update(filter(None, [image, data_file]))
            names.update(rendition["name"] for rendition in (renditions or {}).get("webp", []))
            fallback = (renditions or {}).get("fallback")
            if fallback:
                names.add(fallback["name"])
        names.update(filter(None, self.tables.values_list("data_file", flat=True)))
        return names


class TranslatedRow(models.Model):
    """A part of a version that translators translate (editions.translating): in a version
    made by a translation import, which of its texts are still the English ones (shown
    marked `lang="en"`), and the digest of the English text each translation was made from
    (it is out of date when the English changes)."""

    english_fields = models.JSONField(default=list, blank=True, editable=False)
    translated_from = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        abstract = True

    def in_english(self, name):
        return name in self.english_fields


class Chapter(TranslatedRow):
    version = models.ForeignKey(EditionVersion, on_delete=models.CASCADE, related_name="chapters")
    identifier = models.CharField(max_length=200)
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=500)
    part = models.CharField(max_length=500, blank=True, help_text="The part this chapter opens, if any.")
    order = models.PositiveIntegerField()
    summary = models.TextField(blank=True)
    word_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "identifier"], name="chapter_identifier_once")
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    @property
    def reading_minutes(self):
        return max(1, round(self.word_count / WORDS_PER_MINUTE))


class Section(TranslatedRow):
    """A chapter's part under one heading (level 2), or its opening text (level 1, no heading).

    `html` is the sanitised body rendered at import; figures and tables appear in it as
    `<!--figure:ID-->` / `<!--table:ID-->` markers replaced by their own rows' HTML, so
    alt texts and captions edited in the admin show without a re-import. Links inside it
    start with `@@read@@` (the reading address of the version shown) and images with
    `@@media@@`, filled in per page.
    """

    version = models.ForeignKey(EditionVersion, on_delete=models.CASCADE, related_name="sections")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="sections")
    identifier = models.CharField(max_length=200)
    number = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=500, blank=True)
    level = models.PositiveSmallIntegerField(default=2)
    order = models.PositiveIntegerField()
    html = models.TextField(blank=True)
    text = models.TextField(blank=True, help_text="Plain text, for comparing versions.")
    word_count = models.PositiveIntegerField(default=0)
    # The section's errata as pages show them (kept in step by Erratum.save/delete), so a
    # chapter page reads them with its sections.
    errata_notes = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "identifier"], name="section_identifier_once")
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip() or self.identifier

    def refresh_errata(self):
        self.errata_notes = [
            {"text": e.text, "date": e.created_at.date().isoformat()} for e in self.errata.order_by("created_at")
        ]
        self.save(update_fields=["errata_notes"])


class Erratum(models.Model):
    """A correction note shown at the top of a section, added without a re-import."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="errata")
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "errata"

    def __str__(self):
        return self.text[:80]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.section.refresh_errata()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.section.refresh_errata()
        return result


class Figure(TranslatedRow):
    version = models.ForeignKey(EditionVersion, on_delete=models.CASCADE, related_name="figures")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="figures")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="figures")
    identifier = models.CharField(max_length=200)
    label = models.CharField(max_length=40, help_text="e.g. Figure 2.3")
    order = models.PositiveIntegerField()
    caption = models.TextField(blank=True, help_text="Plain text; shown under the figure.")
    alt = models.TextField(
        "alt text", blank=True,
        help_text="What the image shows, for people who cannot see it. Required before publishing.",
    )
    long_description = models.TextField(
        blank=True, help_text="Optional: the data or trend the figure shows, in words."
    )
    source_note = models.CharField(max_length=1000, blank=True)
    image = models.CharField(max_length=300, blank=True, help_text="Name of the cleaned image file.")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    renditions = models.JSONField(default=dict, blank=True)
    data_file = models.FileField(
        upload_to=ContentAddressedPath("edition-data", "data_file"), blank=True, validators=[DATA_FILE_TYPES],
        storage=editorial_storage,
        help_text="Optional CSV or XLSX with the figure's data, offered on its page.",
    )

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "identifier"], name="figure_identifier_once")
        ]

    def __str__(self):
        return f"{self.label}: {self.caption[:60]}"

    @property
    def public_file_stem(self):
        """A data file's name starts with the element's identifier (editorial.uploads)."""
        return self.identifier


class Table(TranslatedRow):
    version = models.ForeignKey(EditionVersion, on_delete=models.CASCADE, related_name="tables")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="tables")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="tables")
    identifier = models.CharField(max_length=200)
    label = models.CharField(max_length=40, help_text="e.g. Table 2.1")
    order = models.PositiveIntegerField()
    caption = models.TextField(blank=True)
    # The rows (thead/tbody/tfoot), sanitised; the caption is added when shown.
    body_html = models.TextField()
    has_header_cells = models.BooleanField(default=True)
    data_file = models.FileField(
        upload_to=ContentAddressedPath("edition-data", "data_file"), blank=True, validators=[DATA_FILE_TYPES],
        storage=editorial_storage,
        help_text="Optional CSV or XLSX with the table's data, offered on its page.",
    )

    class Meta:
        ordering = ["version", "order"]
        constraints = [
            models.UniqueConstraint(fields=["version", "identifier"], name="table_identifier_once")
        ]

    def __str__(self):
        return f"{self.label}: {self.caption[:60]}"

    @property
    def public_file_stem(self):
        """A data file's name starts with the element's identifier (editorial.uploads)."""
        return self.identifier


class Footnote(TranslatedRow):
    version = models.ForeignKey(EditionVersion, on_delete=models.CASCADE, related_name="footnotes")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="footnotes")
    number = models.PositiveIntegerField()
    html = models.TextField()

    class Meta:
        ordering = ["version", "chapter", "number"]

    def __str__(self):
        return f"Note {self.number}"


class Reference(models.Model):
    version = models.ForeignKey(EditionVersion, on_delete=models.CASCADE, related_name="references")
    identifier = models.CharField(max_length=200)
    order = models.PositiveIntegerField()
    html = models.TextField()
    doi = models.CharField(max_length=300, blank=True)
    arxiv = models.CharField(max_length=100, blank=True)
    url = models.URLField(max_length=1000, blank=True)

    class Meta:
        ordering = ["version", "order"]

    def __str__(self):
        return self.identifier


class Anchor(models.Model):
    """Every identifier a version answers to, and what it leads to (one query per lookup).

    `kind` says what the identifier names; an alias (an earlier version's identifier for
    content the source now names differently) points at `target`.
    """

    class Kind(models.TextChoices):
        CHAPTER = "chapter"
        SECTION = "section"
        HEADING = "heading"
        FIGURE = "figure"
        TABLE = "table"
        REFERENCE = "reference"
        ALIAS = "alias"

    version = models.ForeignKey(EditionVersion, on_delete=models.CASCADE, related_name="anchors")
    identifier = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    chapter_identifier = models.CharField(max_length=200, blank=True)
    target = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["version", "identifier"], name="anchor_once")
        ]

    def __str__(self):
        return f"{self.kind} {self.identifier}"


class EditionImport(models.Model):
    """One run of the importer: queued, running (with progress) and done or failed.

    The import writes its version in one transaction at the end: a failed or killed import
    leaves this row (saying what went wrong and where) and no edition content.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="edition_imports")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    source = models.CharField(max_length=300, help_text="Name of the uploaded file in private storage.")
    source_name = models.CharField(max_length=300)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    stage = models.CharField(max_length=500, blank=True, help_text="What the worker is doing.")
    error = models.TextField(blank=True)
    version = models.ForeignKey(
        EditionVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="imports"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    pagecache_ignored_fields = ("status", "progress", "stage", "heartbeat_at", "error", "finished_at")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Import of {self.source_name} ({self.get_status_display().lower()})"

    @property
    def is_active(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @cached_property
    def files_prefix(self):
        return f"imports/{self.pk}/"
