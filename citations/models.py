"""What a citable item is (the `Citable` hooks), the bibliographic fields a publication
carries (`BibliographicRecord`), and the addresses its files ever had (`FileVersion`).

An app makes its content citable by mixing in `Citable` and answering its hooks (a web
edition's section answers them from its report: it is cited as part of it, with its own
address), or by inheriting `BibliographicRecord`, which stores the fields editors fill in
and answers most hooks from them. Everything citations produce (meta tags, JSON-LD
identifiers, BibTeX, RIS, CSL-JSON and the formatted styles of the Cite panel) is made from
one CSL-JSON item (`Citable.csl_item`), so the formats never disagree.
"""

import re

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models

from .authors import AuthorsField


class Role(models.TextChoices):
    """What a person did, as the report names it (cited as author unless editor)."""

    AUTHOR = "author", "Author"
    CHAIR = "chair", "Chair"
    WRITING_GROUP = "writing-group", "Writing group"
    EDITOR = "editor", "Editor"


DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
# New-style arXiv identifiers (2501.17805, optionally with a version) and old-style ones
# (cs.AI/0601001, hep-th/9901001).
ARXIV_PATTERN = re.compile(r"^(\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7})(v\d+)?$")


def normalise_doi(value):
    value = (value or "").strip()
    for prefix in ("https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "doi:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix):]
    return value


def normalise_arxiv(value):
    value = (value or "").strip()
    for prefix in ("https://arxiv.org/abs/", "http://arxiv.org/abs/", "arxiv:"):
        if value.lower().startswith(prefix):
            value = value[len(prefix):]
    return value


def validate_doi(value):
    if value and not DOI_PATTERN.match(normalise_doi(value)):
        raise ValidationError(
            "This is not a DOI: a DOI looks like 10.48550/arXiv.2501.17805.", code="doi"
        )


def validate_arxiv(value):
    if value and not ARXIV_PATTERN.match(normalise_arxiv(value)):
        raise ValidationError(
            "This is not an arXiv identifier: one looks like 2501.17805.", code="arxiv"
        )


class Citable:
    """Hooks a citable item answers. Defaults suit a report; override what differs.

    Required: `citation_title()`, `citation_url()` (absolute), `citation_date()` (a date).
    A part of a larger work (a section, a figure) answers `citation_container()` with the
    work it belongs to (itself Citable): it is then cited as part of it.
    """

    # The CSL item type: "report" for reports; "chapter" for a part of one.
    csl_type = "report"

    def citation_key(self):
        return getattr(self, "slug", "") or f"item{self.pk}"

    def citation_title(self):
        raise NotImplementedError

    def citation_url(self):
        raise NotImplementedError

    def citation_date(self):
        raise NotImplementedError

    def citation_authors(self):
        """Ordered people and organisations: dicts with family/given or literal, role,
        affiliation (citations.authors)."""
        container = self.citation_container()
        return container.citation_authors() if container else []

    def citation_container(self):
        return None

    def citation_publisher(self):
        container = self.citation_container()
        return container.citation_publisher() if container else ""

    def citation_pdf_url(self):
        """The absolute address of the current PDF (in the page's language), or ""."""
        return ""

    def citation_language(self):
        from django.utils.translation import get_language

        return get_language() or "en"

    def citation_abstract(self):
        return ""

    def citation_genre(self):
        return ""

    def citation_identifiers(self):
        """{"doi": ..., "arxiv": ..., "report_number": ..., "series": ..., "version": ...,
        "licence": ..., "licence_url": ...}: what is known, the rest left out."""
        container = self.citation_container()
        return container.citation_identifiers() if container else {}

    def recommended_citation(self):
        """The editors' own citation text, which replaces the generated one, or ""."""
        return ""

    def citation_downloads(self):
        """(URL name, kwargs without `suffix`) of the item's downloads (citations.views), for
        `{% cite_panel item %}`; None when it offers none."""
        return None

    def csl_item(self):
        from .formats import csl_item

        return csl_item(self)


class BibliographicRecord(Citable, models.Model):
    """The bibliographic fields editors fill in for a publication (abstract model)."""

    citation_people = AuthorsField(
        "authors (structured)",
        blank=True,
        help_text="One per line, in the order the report names them: "
        "“Family name, Given names; affiliation; role”. Role is one of author, chair, "
        "writing group, editor (author when left out). A line without a comma is an "
        "organisation, e.g. “International AI Safety Report”.",
    )
    corporate_author = models.CharField(
        "corporate author",
        max_length=300,
        blank=True,
        help_text="An organisation cited as the author, after any people above.",
    )
    report_number = models.CharField("report number", max_length=100, blank=True)
    series = models.CharField(
        max_length=200, blank=True, help_text="The series it belongs to, e.g. “Key Updates”."
    )
    doi = models.CharField(
        "DOI", max_length=200, blank=True, validators=[validate_doi],
        help_text="For example 10.48550/arXiv.2501.17805.",
    )
    arxiv_id = models.CharField(
        "arXiv identifier", max_length=50, blank=True, validators=[validate_arxiv],
        help_text="For example 2501.17805.",
    )
    licence = models.CharField(max_length=100, blank=True, help_text="For example “CC BY 4.0”.")
    licence_url = models.URLField("licence address", blank=True)
    version = models.CharField(
        max_length=50, blank=True, help_text="For example “1.1 (corrected)”; empty for the first."
    )

    # The fields above, for a model's draft_field_names and admin fieldsets.
    BIBLIOGRAPHIC_FIELDS = (
        "citation_people",
        "corporate_author",
        "report_number",
        "series",
        "doi",
        "arxiv_id",
        "licence",
        "licence_url",
        "version",
    )

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        self.doi = normalise_doi(self.doi)
        self.arxiv_id = normalise_arxiv(self.arxiv_id)
        super().clean_fields(exclude)

    def citation_authors(self):
        people = [dict(person) for person in self.citation_people or []]
        if self.corporate_author.strip():
            people.append({"literal": self.corporate_author.strip(), "role": Role.AUTHOR})
        return people

    def citation_identifiers(self):
        values = {
            "doi": normalise_doi(self.doi),
            "arxiv": normalise_arxiv(self.arxiv_id),
            "report_number": self.report_number.strip(),
            "series": self.series.strip(),
            "version": self.version.strip(),
            "licence": self.licence.strip(),
            "licence_url": self.licence_url.strip(),
        }
        return {name: value for name, value in values.items() if value}


class FileVersion(models.Model):
    """A stored file a public address once pointed at, for one slot of its owner (e.g. a
    publication's full report in French: owner = the publication, slot = "full-report/fr").

    Versions are numbered per slot from 1 in the order they were first seen; the newest is
    the current file. Old addresses of a file (its media URL) redirect to the slot's stable
    address, and each version stays reachable at its version address (citations.files).
    """

    owner_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    owner_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("owner_type", "owner_id")
    slot = models.CharField(max_length=200)
    number = models.PositiveIntegerField()
    name = models.CharField("stored name", max_length=500, db_index=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner_type", "owner_id", "slot", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "slot", "number"], name="file_version_number"
            ),
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "slot", "name"], name="file_version_name"
            ),
        ]

    def __str__(self):
        return f"{self.slot} v{self.number}: {self.name}"
