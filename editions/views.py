"""Reading pages: the edition's home, chapters, figures, tables, references, versions and
what changed; the same pages as a staff preview of a draft version (never cached)."""

from django.conf import settings
from django.db.models import F
from django.http import Http404, HttpResponsePermanentRedirect, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_safe

from editorial.files import editorial_storage
from editorial.previews import mark_as_preview, staff_file_base, staff_target
from publications.discovery import report_data
from publications.models import SiteContent
from reportsite.pagecache import public_page

from . import changes, citing
from .models import Anchor, Chapter, Edition, EditionVersion
from .reading import Reading, find_removed, public_media_prefix


def _read_url(slug, number=None):
    if number:
        return reverse("editions:home-version", args=[slug, number])
    return reverse("editions:home", args=[slug])


def _editions(slug):
    """The publication's visible editions in English and the page's language."""
    language = get_language()
    editions = {
        e.language: e
        for e in Edition.objects.select_related("publication", "current_version").filter(
            publication__slug=slug, language__in={settings.LANGUAGE_CODE, language}
        )
    }
    if not editions:
        raise Http404(gettext("No edition at this address."))
    publication = next(iter(editions.values())).publication
    if not publication.is_visible:
        raise Http404(gettext("No edition at this address."))
    return editions, language


def current_reading(slug):
    """The current version in English, and the page language's one: with their chapters,
    in one query."""
    language = get_language()
    chapters = list(
        Chapter.objects.select_related("version__edition__publication").filter(
            version__edition__publication__slug=slug,
            version__edition__language__in={settings.LANGUAGE_CODE, language},
            version__edition__current_version=F("version"),
        ).order_by("version__edition__language", "order")
    )
    by_language = {}
    for chapter in chapters:
        by_language.setdefault(chapter.version.edition.language, []).append(chapter)
    if not chapters or not chapters[0].version.edition.publication.is_visible:
        raise Http404(gettext("No edition at this address."))
    base_language = settings.LANGUAGE_CODE if settings.LANGUAGE_CODE in by_language else language
    base = by_language[base_language]
    reading = Reading(base[0].version, _read_url(slug), public_media_prefix())
    reading.extra["chapters"] = base
    if language != base_language and language in by_language:
        reading.translation = by_language[language][0].version
        reading.extra["translated_chapters"] = by_language[language]
    return reading


def versioned_reading(slug, number):
    editions, language = _editions(slug)
    for code in (language, settings.LANGUAGE_CODE):
        edition = editions.get(code)
        if edition is None:
            continue
        version = edition.versions.filter(number=number, status=EditionVersion.Status.PUBLISHED).first()
        if version is not None:
            version.edition = edition
            is_current = version.pk == edition.current_version_id
            reading = Reading(version, _read_url(slug, number), public_media_prefix(), is_current=is_current)
            reading.extra["address_version"] = number
            return reading
    raise Http404(gettext("No such version."))


def _reading(slug, number):
    return versioned_reading(slug, number) if number else current_reading(slug)


def _render(request, template, reading, context, site=None):
    edition = reading.edition
    site = site or SiteContent.load()
    if reading.preview:
        context.pop("citable", None)  # a draft is not cited: no meta tags, no Cite panel
    elif isinstance(context.get("citable"), citing.ReportPart):
        context["citable"].publisher = site.site_name
        context["structured_data"] = context["citable"].structured_data()
    # The report's title as the page's language has it (its translated version's), else
    # the English one, marked as such.
    titled = reading.translation or reading.version
    if titled.title == reading.version.title:
        titled = reading.version  # a translation that kept the English title
    context.update(
        report_title=titled.title,
        report_title_lang=titled.edition.language if titled.edition.language != get_language() else None,
        report_title_dir="rtl" if titled.edition.is_rtl else "ltr",
        site=site,
        reading=reading,
        edition=edition,
        version=reading.version,
        publication=edition.publication,
        example=edition.example,
        preview=reading.extra.get("preview"),
    )
    response = render(request, template, context)
    if reading.preview:
        mark_as_preview(response)
    return response


def render_home(request, reading):
    toc = reading.toc(reading.chapters())
    other_languages = [
        e for e in Edition.objects.filter(publication=reading.edition.publication, current_version__isnull=False)
        if e.language != get_language()
    ] if not reading.preview else []
    publication = reading.edition.publication
    documents = list(publication.live_documents()) if not reading.preview else []
    site = SiteContent.load()
    return _render(request, "editions/edition_home.html", reading, {
        "citable": publication,
        "structured_data": None if reading.preview else report_data(publication, site, documents),
        "toc": toc,
        "documents": documents,
        "other_languages": other_languages,
    }, site=site)


def render_element(request, reading, identifier):
    """A chapter, figure or table page; a section's address leads to its place in its chapter."""
    chapters = reading.chapters()
    chapter = next((c for c in chapters if c.identifier == identifier), None)
    if chapter is not None:
        context = reading.chapter_page(chapter, chapters)
        translated = context["heading"] is not chapter
        language = (reading.translation if translated else reading.version).edition.language
        return _render(request, "editions/chapter.html", reading, {
            **context, "chapters": chapters, "citable": citing.part(reading, "chapter", context["heading"], language),
        })
    anchor = reading.anchor(identifier)
    if anchor is None:
        return _missing(request, reading, identifier)
    if anchor.kind == Anchor.Kind.ALIAS:
        return HttpResponsePermanentRedirect(reading.url(anchor.target))
    if anchor.kind in (Anchor.Kind.SECTION, Anchor.Kind.HEADING):
        return HttpResponseRedirect(f"{reading.url(anchor.chapter_identifier)}#{identifier}")
    if anchor.kind == Anchor.Kind.REFERENCE:
        return HttpResponseRedirect(f"{reading.url('references')}#{identifier}")
    chapter = next(c for c in chapters if c.identifier == anchor.chapter_identifier)
    if anchor.kind == Anchor.Kind.FIGURE:
        figure, language = _element_in_page_language(reading, "figures", identifier)
        return _render(request, "editions/figure.html", reading, {
            "figure": figure, "chapter": chapter, "figure_html": reading.figure_html(figure),
            "citable": citing.part(reading, "figure", figure, language),
        })
    table, language = _element_in_page_language(reading, "tables", identifier)
    return _render(request, "editions/table.html", reading, {
        "table": table, "chapter": chapter, "table_html": reading.table_html(table),
        "citable": citing.part(reading, "table", table, language),
    })


def _element_in_page_language(reading, related_name, identifier):
    """A figure or table as the page's language has it (its translated version's row), else
    the English one; with the language of its texts."""
    for version in filter(None, [reading.translation, reading.version]):
        row = getattr(version, related_name).select_related("section").filter(identifier=identifier).first()
        if row is not None:
            return row, version.edition.language
    raise Http404(gettext("No such part of this edition."))


def _missing(request, reading, identifier):
    if reading.preview:
        raise Http404(gettext("No such part of this version."))
    removed = find_removed(reading.edition, identifier)
    if removed is None:
        raise Http404(gettext("No such part of this edition."))
    last_with, removed_in = removed
    slug = reading.edition.publication.slug
    response = _render(request, "editions/removed.html", reading, {
        "identifier": identifier,
        "removed_in": removed_in,
        "last_with": last_with,
        "old_url": reverse("editions:element-version", args=[slug, last_with, identifier]),
    })
    response.status_code = 410
    return response


def render_references(request, reading):
    return _render(request, "editions/references.html", reading, {
        "references": list(reading.version.references.all()),
    })


# Public pages -----------------------------------------------------------------------


@public_page
def edition_home(request, slug, number=None):
    return render_home(request, _reading(slug, number))


@public_page
def element(request, slug, identifier, number=None):
    return render_element(request, _reading(slug, number), identifier)


@public_page
def references(request, slug, number=None):
    return render_references(request, _reading(slug, number))


def visible_part(request, slug, identifier, number=None):
    """The citable part at this address, as its page shows it (citations.views.download)."""
    found = citing.part_named(_reading(slug, number), identifier)
    if found is None:
        raise Http404(gettext("Nothing to cite at this address."))
    return found


@public_page
def cite(request, slug, identifier, number=None):
    """How to cite one part (a section has no page of its own: its chapter links here)."""
    reading = _reading(slug, number)
    found = citing.part_named(reading, identifier)
    if found is None:
        raise Http404(gettext("Nothing to cite at this address."))
    response = _render(request, "editions/cite.html", reading, {"part": found, "citable": found})
    response["X-Robots-Tag"] = "noindex"
    return response


@public_page
def versions(request, slug):
    reading = current_reading(slug)
    published = list(
        reading.edition.versions.filter(status=EditionVersion.Status.PUBLISHED).order_by("-number")
    )
    return _render(request, "editions/versions.html", reading, {"published_versions": published})


@public_page
def version_changes(request, slug, number):
    reading = versioned_reading(slug, number)
    earlier = (
        reading.edition.versions.filter(status=EditionVersion.Status.PUBLISHED, number__lt=number)
        .order_by("-number").first()
    )
    return _render(request, "editions/changes.html", reading, {
        "earlier": earlier,
        "changes": changes.between(earlier, reading.version) if earlier else [],
    })


# Previews of a version (the editorial core's: editorial.previews) -------------------------

PREVIEW_SEGMENT = "edition"


def preview_version(request, version, banner):
    """The editorial core's preview of a version (registered in editions.apps): its contents
    page, for staff at /preview/edition/<pk>/ and for reviewers through a share link. The
    core decides who may see it; files are addressed as the core serves a preview's files."""
    return render_home(request, _preview_reading(version, banner, media=editorial_storage().url("")))


def _preview_reading(version, banner, media):
    reading = Reading(
        version, reverse("editorial:preview", args=[PREVIEW_SEGMENT, version.pk]), media,
        is_current=False, preview=True,
    )
    reading.extra["preview"] = banner
    return reading


def _staff_reading(request, pk):
    """A chapter, figure or table page of a staff preview (the core's rules: 404 to anyone
    not staff, 403 without rights on versions)."""
    _kind, version = staff_target(request, PREVIEW_SEGMENT, pk)
    banner = {
        "subject": f"Version {version.number} of {version.edition} ({version.lifecycle_text}). "
        "Visitors do not see unpublished changes.",
        "edit_url": reverse("admin:editions_editionversion_change", args=[pk]),
    }
    return _preview_reading(version.with_draft(), banner, media=staff_file_base(version))


@require_safe
def preview_element(request, pk, identifier):
    return mark_as_preview(render_element(request, _staff_reading(request, pk), identifier))


@require_safe
def preview_references(request, pk):
    return mark_as_preview(render_references(request, _staff_reading(request, pk)))
