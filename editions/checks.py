"""Pre-publish checks of an edition version: what to fix, with a link to each element.

Blocking: a figure without alt text (people who cannot see it get nothing). Warnings:
skipped heading levels, tables without header cells, internal links to nothing, images
too small for the reading column. Publishing (the editorial core's Publish, through
EditionVersion.publication_blockers) is refused while a blocking item is open; alt texts and captions are fixed on the figure's admin page.
"""

import re
from dataclasses import dataclass

from django.urls import reverse

from . import conf

HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1>", re.S)
INTERNAL_LINK = re.compile(r'href="(?:@@read@@([^"/#]+)/|#([^"]+))"')
TAG = re.compile(r"<[^>]+>")


@dataclass
class Problem:
    blocking: bool
    message: str
    where: str
    fix_url: str


def _figure_admin(figure):
    return reverse("admin:editions_figure_change", args=[figure.pk])


def run(version):
    """Every problem of the version, blocking ones first."""
    problems = []
    preview = reverse("editorial:preview", args=["edition", version.pk])
    for figure in version.figures.select_related("chapter"):
        where = f"{figure.label}, chapter {figure.chapter.number} “{figure.chapter.title}”"
        if not figure.alt.strip():
            problems.append(Problem(True, f"{figure.label} has no alt text.", where, _figure_admin(figure)))
        if figure.width and figure.width < conf.min_figure_width():
            problems.append(Problem(
                False, f"{figure.label} is only {figure.width} pixels wide (at least {conf.min_figure_width()} "
                "are needed to look sharp in the reading column).", where, _figure_admin(figure),
            ))
    for table in version.tables.select_related("chapter").filter(has_header_cells=False):
        problems.append(Problem(
            False, f"{table.label} has no header cells: screen readers cannot say what a cell is.",
            f"{table.label}, chapter {table.chapter.number}",
            reverse("admin:editions_table_change", args=[table.pk]),
        ))
    known = set(version.anchors.values_list("identifier", flat=True)) | {"references"}
    previous_level = {}
    for section in version.sections.select_related("chapter"):
        chapter = section.chapter
        where = f"chapter {chapter.number} “{chapter.title}”" + (f", section {section.number} “{section.title}”" if section.title else "")
        url = f"{preview}{chapter.identifier}/#{section.identifier}"
        level = previous_level.get(chapter.pk, 1)
        level = section.level if section.level > 1 else level
        for match in HEADING.finditer(section.html):
            new = int(match.group(1))
            if new > level + 1:
                title = TAG.sub("", match.group(2)).strip()[:80]
                problems.append(Problem(
                    False, f"Heading “{title}” skips from level {level} to level {new}.", where, url,
                ))
            level = new
        previous_level[chapter.pk] = level
        notes = {f"fn-{n}" for n in range(1, 1000)} | {f"fnref-{n}" for n in range(1, 1000)}
        for match in INTERNAL_LINK.finditer(section.html):
            target = match.group(1) or match.group(2)
            if target not in known and target not in notes and f'id="{target}"' not in section.html:
                problems.append(Problem(False, f"A link points to “{target}”, which is nowhere in this version.", where, url))
    problems.sort(key=lambda p: not p.blocking)
    return problems
