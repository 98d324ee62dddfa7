"""The report's public content: publications, partner organisations and the landing page's texts."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from .uploads import ContentAddressedPath, validate_image_upload, validate_pdf_upload


class PublicationQuerySet(models.QuerySet):
    def published(self):
        """What a visitor may see: published, publish time reached, newest first."""
        return self.filter(
            status=Publication.Status.PUBLISHED, publish_at__lte=timezone.now()
        ).order_by("-publication_date", "-publish_at", "-pk")

    def featured(self):
        return self.published().filter(featured=True)


class Publication(models.Model):
    class Kind(models.TextChoices):
        ANNUAL_REPORT = "annual-report", "Annual report"
        INTERIM_REPORT = "interim-report", "Interim report"
        KEY_UPDATE = "key-update", "Key update"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200, unique=True, help_text="The publication's address: /publication/<slug>/."
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.KEY_UPDATE)
    publication_date = models.DateField(help_text="The date printed on the publication.")
    summary = models.TextField(help_text="One paragraph, shown in lists and search results.")
    body = models.TextField(blank=True, help_text="Optional longer text for the publication's page.")
    cover = models.ImageField(
        "front cover",
        upload_to=ContentAddressedPath("covers", "cover"),
        validators=[validate_image_upload],
        width_field="cover_width",
        height_field="cover_height",
        help_text="JPEG, PNG or WebP.",
    )
    cover_width = models.PositiveIntegerField(editable=False, null=True)
    cover_height = models.PositiveIntegerField(editable=False, null=True)
    cover_alt = models.CharField(
        "front cover alt text",
        max_length=250,
        help_text="Describes the cover for people who cannot see it, e.g. 'Front cover of report'.",
    )
    pdf = models.FileField(
        "PDF",
        upload_to=ContentAddressedPath("pdfs", "pdf"),
        validators=[validate_pdf_upload],
        blank=True,
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
        "publish time",
        default=timezone.now,
        help_text="A published publication appears on the site from this time on.",
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

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", kwargs={"slug": self.slug})

    @property
    def is_visible(self):
        return self.status == self.Status.PUBLISHED and self.publish_at <= timezone.now()

    @property
    def hero_text(self):
        return self.hero_label or self.title


class PartnerOrganisation(models.Model):
    name = models.CharField(max_length=200)
    website = models.URLField()
    logo = models.ImageField(
        upload_to=ContentAddressedPath("logos", "logo"),
        validators=[validate_image_upload],
        width_field="logo_width",
        height_field="logo_height",
        help_text="JPEG, PNG or WebP.",
    )
    logo_width = models.PositiveIntegerField(editable=False, null=True)
    logo_height = models.PositiveIntegerField(editable=False, null=True)
    logo_alt = models.CharField("logo alt text", max_length=250)
    description = models.TextField(blank=True, max_length=500)
    order = models.PositiveIntegerField("display order", default=0)
    active = models.BooleanField(default=True, help_text="Shown on the site.")

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "partner organisation"

    def __str__(self):
        return self.name


class SiteContent(models.Model):
    """The landing page's own texts: exactly one record, edited in the admin."""

    site_name = models.CharField(max_length=120, default="International AI Safety Report")
    hero_title = models.CharField(max_length=200, default="International AI Safety Report")
    hero_lead = models.TextField(blank=True)
    about_heading = models.CharField(
        max_length=200, default="About the International AI Safety Report"
    )
    about_text = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    SINGLETON_PK = 1

    class Meta:
        verbose_name = "site texts"
        verbose_name_plural = "site texts"

    def __str__(self):
        return "Site texts"

    def save(self, *args, **kwargs):
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("The site texts cannot be deleted.")

    @classmethod
    def load(cls):
        content, _ = cls.objects.get_or_create(pk=cls.SINGLETON_PK)
        return content

    @classmethod
    def exists(cls):
        return cls.objects.filter(pk=cls.SINGLETON_PK).exists()
