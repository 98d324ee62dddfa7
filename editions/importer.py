"""From the authors' source to a DRAFT edition version.

The work happens in memory and in a private folder of files first (reading the source
with pandoc, rendering each section, cleaning and resizing the figures) while the import
reports its progress; the version and everything in it are then written in ONE
transaction. An import that fails (or whose worker is killed) writes no edition content,
and its files are removed (`discard_files`). Errors say where: chapter and element.
"""

import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, UnidentifiedImageError

from editorial.files import private_storage
from editorial.image_metadata import strip_metadata
from publications import renditions

from .identifiers import Previous, Registry, normalised
from .models import (
    Anchor,
    Chapter,
    Edition,
    EditionVersion,
    Figure,
    Footnote,
    Reference,
    Section,
    Table,
)
from .pandoc_source import (
    SUPPORTED_EXTENSIONS,
    SourceError,
    math_to_mathml,
    plain_text,
    read_tree,
    text_key,
)
from .writer import (
    Writer,
    attr_classes,
    attr_id,
    attr_values,
    clean_identifier,
    sanitise,
    sanitise_table_rows,
)

# The reading column is 46rem (736 CSS pixels): 640 for phones, 1280 for wide and
# high-density screens; the JPEG/PNG fallback (browsers without WebP) at 640.
FIGURES = renditions.RenditionSpec("figures", (640, 1280), 640)
# Figures are cleaned and resized in threads (Pillow releases the GIL while it works).
FIGURE_THREADS = min(4, os.cpu_count() or 1)
REFERENCE_TITLES = {"references", "bibliography", "works cited", "références", "bibliographie", "referencias"}
NUMBER_PREFIX = re.compile(r"^\s*(\d+(?:\.\d+)*|[A-Z](?:\.\d+)+)\.?\s+(?=\S)")
SUMMARY_CHARACTERS = 280


class ImportFailure(Exception):
    """What went wrong and where, in words for the editor."""


@dataclass
class SectionData:
    source_id: str
    title: str
    level: int
    blocks: list
    number: str = ""
    identifier: str = ""
    html: str = ""
    text: str = ""
    figures: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    headings: list = field(default_factory=list)


@dataclass
class ChapterData:
    source_id: str
    title: str
    numbered: bool
    part: str
    intro: list
    sections: list = field(default_factory=list)
    number: str = ""
    identifier: str = ""
    notes: list = field(default_factory=list)
    summary: str = ""


def _report_nothing(progress, stage):
    pass


def import_source(path, publication, language="en", *, note="", files_prefix, report=None):
    """Import the source at `path` (a .docx, .md, .tex or .html file, or a .zip holding one
    and its images) as a new draft version of the publication's edition in `language`."""
    report = report or _report_nothing
    storage = private_storage()
    work = Path(tempfile.mkdtemp(prefix="edition-import-"))
    try:
        source = _unpacked(Path(path), work)
        report(2, f"Reading {source.name} with pandoc")
        tree, bookmarks = read_tree(source, work / "media")
        builder = Builder(tree, bookmarks, publication, language, source, work, storage, files_prefix, report)
        return builder.run(note)
    except SourceError as error:
        raise ImportFailure(str(error)) from error
    finally:
        shutil.rmtree(work, ignore_errors=True)


def discard_files(files_prefix):
    """Remove what a failed import stored (its folder in the private store, local or S3)."""
    if not files_prefix:
        return
    storage = private_storage()

    def remove(folder):
        try:
            folders, names = storage.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return
        for name in names:
            storage.delete(f"{folder}/{name}")
        for sub in folders:
            remove(f"{folder}/{sub}")
        try:
            os.rmdir(storage.path(folder))  # a local store keeps empty folders
        except (NotImplementedError, OSError):
            pass

    remove(files_prefix.rstrip("/"))


def _unpacked(path, work):
    if path.suffix.lower() != ".zip":
        return path
    folder = work / "source"
    try:
        with zipfile.ZipFile(path) as archive:
            for member in archive.infolist():
                target = (folder / member.filename).resolve()
                if not target.is_relative_to(folder.resolve()):
                    raise ImportFailure(f"{path.name}: the archive names a file outside itself ({member.filename}).")
            archive.extractall(folder)
    except zipfile.BadZipFile as error:
        raise ImportFailure(f"{path.name} is not a readable .zip file.") from error
    sources = sorted(p for p in folder.rglob("*") if p.suffix.lower() in SUPPORTED_EXTENSIONS)
    if len(sources) != 1:
        raise ImportFailure(
            f"{path.name} must hold exactly one source file ({', '.join(SUPPORTED_EXTENSIONS)}); found {len(sources)}."
        )
    return sources[0]


def _flatten(blocks):
    """Unwrap the containers pandoc keeps around headings (HTML sections, Word styles)."""
    flat = []
    for block in blocks:
        if block["t"] == "Div" and attr_id(block["c"][0]) in ("title-block-header", "TOC"):
            continue  # a standalone HTML file's title block and contents
        if block["t"] == "Div":
            attr, inner = block["c"]
            classes = {name.lower() for name in attr_classes(attr)}
            style = attr_values(attr).get("custom-style", "").lower()
            is_box = classes & {"box", "callout", "call-out"} or "box" in style or "call" in style
            has_heading = any(b["t"] == "Header" for b in inner)
            plain_style = attr_values(attr).keys() <= {"custom-style"} and not classes and not attr_id(attr)
            if (has_heading or plain_style) and not is_box and attr_id(attr) != "refs":
                flat.extend(_flatten(inner))
                continue
        flat.append(block)
    return flat


def _meta_text(meta, key):
    value = meta.get(key)
    if not value:
        return ""
    if value["t"] == "MetaList":
        return ", ".join(plain_text(item["c"]) for item in value["c"])
    if value["t"] in ("MetaInlines", "MetaBlocks"):
        return plain_text(value["c"])
    if value["t"] == "MetaString":
        return value["c"]
    return ""


def _heading_title(inlines):
    return re.sub(r"\s+", " ", plain_text(inlines)).strip()


def _summary(blocks):
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            text = re.sub(r"\s+", " ", plain_text(block["c"])).strip()
            if len(text) > 40:
                if len(text) > SUMMARY_CHARACTERS:
                    text = text[:SUMMARY_CHARACTERS].rsplit(" ", 1)[0] + "…"
                return text
    return ""


def _words(text):
    return len(text.split())


class Builder:
    def __init__(self, tree, bookmarks, publication, language, source, work, storage, files_prefix, report):
        self.tree = tree
        self.bookmarks = bookmarks
        self.publication = publication
        self.language = language
        self.source = source
        self.work = work
        self.storage = storage
        self.files_prefix = files_prefix
        self.report = report
        self.registry = Registry()
        self.references = []
        self.reference_ids = set()
        self.figure_rows = []
        self.table_rows = []
        self.where = ""

    # structure ------------------------------------------------------------------------

    def run(self, note):
        edition = Edition.objects.filter(publication=self.publication, language=self.language).first()
        previous_version = edition.latest_version() if edition else None
        by_title = True
        if previous_version is None and self.language != settings.LANGUAGE_CODE:
            english = Edition.objects.filter(publication=self.publication, language=settings.LANGUAGE_CODE).first()
            previous_version = english.current_version or english.latest_version() if english else None
            by_title = False
        self.previous = Previous(previous_version, by_title=by_title)

        blocks = _flatten(self.tree["blocks"])
        self._apply_docx_bookmarks(blocks)
        chapters = self._split(blocks)
        if not chapters:
            raise ImportFailure(f"{self.source.name}: no chapters found (a chapter starts at a level-1 heading).")
        self._number(chapters)
        self._assign_identifiers(chapters)
        self.report(10, "Rendering chapters")
        self._render(chapters)
        self.report(55, "Converting equations to MathML")
        self._math(chapters)
        self._process_figures()
        self.report(95, "Saving the draft version")
        return self._save(chapters, note)

    def _apply_docx_bookmarks(self, blocks):
        marks = self.bookmarks
        if not (marks.headings or marks.figures or marks.tables or marks.paragraphs):
            return
        headers = [b for b in blocks if b["t"] == "Header"]
        if len(headers) == len(marks.headings):
            for header, name in zip(headers, marks.headings, strict=True):
                if name:
                    header["c"][1][0] = name
        figures = [b for b in blocks if b["t"] == "Figure"]
        if len(figures) == len(marks.figures):
            for figure, name in zip(figures, marks.figures, strict=True):
                if name:
                    figure["c"][0][0] = name
        tables = [b for b in blocks if b["t"] == "Table"]
        if len(tables) == len(marks.tables):
            for table, name in zip(tables, marks.tables, strict=True):
                if name:
                    table["c"][0][0] = name
        self.paragraph_ids = marks.paragraphs

    def _split(self, blocks):
        chapters, part = [], ""
        chapter = None
        section = None
        front = []
        for block in blocks:
            if block["t"] == "Header" and block["c"][0] == 1:
                level, attr, inlines = block["c"]
                title = _heading_title(inlines)
                classes = {c.lower() for c in attr_classes(attr)}
                if "part" in classes:
                    part = title
                    continue
                chapter = ChapterData(
                    source_id=clean_identifier(attr_id(attr)),
                    title=title,
                    numbered=not (classes & {"unnumbered", "-"}),
                    part=part,
                    intro=[],
                )
                part = ""
                section = None
                chapters.append(chapter)
                continue
            if chapter is None:
                front.append(block)
                continue
            if block["t"] == "Header" and block["c"][0] == 2:
                level, attr, inlines = block["c"]
                classes = {c.lower() for c in attr_classes(attr)}
                section = SectionData(
                    source_id=clean_identifier(attr_id(attr)), title=_heading_title(inlines), level=2, blocks=[],
                )
                section.numbered = not (classes & {"unnumbered", "-"})
                chapter.sections.append(section)
                continue
            (section.blocks if section else chapter.intro).append(block)
        if any(plain_text(b).strip() for b in front):
            chapters.insert(0, ChapterData("", "Introductory material", False, "", front))
        return self._take_references(chapters)

    def _take_references(self, chapters):
        """Move the reference list (pandoc's #refs, or a References chapter) out of the
        chapters: it becomes Reference rows and a page of its own."""
        kept = []
        for chapter in chapters:
            if normalised(chapter.title) in REFERENCE_TITLES and not chapter.sections:
                self._read_references(chapter.intro)
                continue
            for container in [chapter.intro] + [s.blocks for s in chapter.sections]:
                for block in list(container):
                    if block["t"] == "Div" and attr_id(block["c"][0]) == "refs":
                        self._read_references(block["c"][1])
                        container.remove(block)
            kept.append(chapter)
        return kept

    def _read_references(self, blocks):
        entries = []
        for block in blocks:
            if block["t"] == "Div" and attr_id(block["c"][0]) == "refs":
                self._read_references(block["c"][1])
            elif block["t"] in ("BulletList", "OrderedList"):
                items = block["c"] if block["t"] == "BulletList" else block["c"][1]
                entries.extend(("", item) for item in items)
            elif block["t"] == "Div" and block["c"][1]:
                entries.append((clean_identifier(attr_id(block["c"][0])), block["c"][1]))
            elif block["t"] in ("Para", "Plain"):
                entries.append(("", [block]))
        for identifier, content in entries:
            text = plain_text(content)
            if not text.strip():
                continue
            if not identifier:
                identifier = self._anchor_in(content) or getattr(self, "paragraph_ids", {}).get(text_key(text), "")
            identifier = self.registry.take(clean_identifier(identifier), f"ref-{len(self.references) + 1}")
            self.reference_ids.add(identifier)
            self.references.append({"identifier": identifier, "blocks": content, "text": text})

    def _anchor_in(self, content):
        found = []

        def walk(node):
            if isinstance(node, list):
                for item in node:
                    walk(item)
            elif isinstance(node, dict):
                if node.get("t") == "Span" and attr_id(node["c"][0]):
                    found.append(attr_id(node["c"][0]))
                elif "c" in node:
                    walk(node["c"])

        walk(content)
        return found[0] if found else ""

    def _number(self, chapters):
        counter = 0
        for chapter in chapters:
            match = NUMBER_PREFIX.match(chapter.title)
            if match:
                chapter.number, chapter.title = match.group(1), chapter.title[match.end():]
            elif chapter.numbered:
                counter += 1
                chapter.number = str(counter)
            section_counter = 0
            for section in chapter.sections:
                match = NUMBER_PREFIX.match(section.title)
                if match:
                    section.number, section.title = match.group(1), section.title[match.end():]
                elif getattr(section, "numbered", True) and chapter.number:
                    section_counter += 1
                    section.number = f"{chapter.number}.{section_counter}"

    def _assign_identifiers(self, chapters):
        chapter_items = [
            {"source_id": c.source_id, "title": c.title, "number": c.number, "chapter": c} for c in chapters
        ]
        self.previous.assign(Anchor.Kind.CHAPTER, chapter_items, self.registry)
        for item in chapter_items:
            item["chapter"].identifier = item["identifier"]
        section_items = [
            {"source_id": s.source_id, "title": s.title, "number": s.number, "section": s}
            for c in chapters for s in c.sections
        ]
        self.previous.assign(Anchor.Kind.SECTION, section_items, self.registry)
        for item in section_items:
            item["section"].identifier = item["identifier"]

    # rendering ------------------------------------------------------------------------

    def _render(self, chapters):
        self.writer = Writer(self._figure, self._table, self.reference_ids)
        self.writer.new_heading_id = self._heading_identifier
        total = len(chapters)
        for index, chapter in enumerate(chapters):
            self.chapter = chapter
            self.figure_count = self.table_count = 0
            self.writer.notes = []
            intro = SectionData(source_id="", title="", level=1, blocks=chapter.intro)
            intro.identifier = f"{chapter.identifier}--intro"
            chapter.all_sections = ([intro] if chapter.intro else []) + chapter.sections
            for section in chapter.all_sections:
                self.section = section
                self.where = f"chapter {chapter.number or chapter.title} “{chapter.title}”" + (
                    f", section {section.number} “{section.title}”" if section.title else ""
                )
                self.writer.heading_ids = section.headings
                try:
                    section.html = self.writer.blocks(section.blocks)
                except ImportFailure:
                    raise
                except Exception as error:  # noqa: BLE001 - any failure is reported with its place
                    raise ImportFailure(f"In {self.where}: {error.__class__.__name__}: {error}") from error
                section.text = re.sub(r"\s+", " ", plain_text(section.blocks)).strip()
            chapter.notes = list(self.writer.notes)
            chapter.summary = _summary(chapter.intro) or next(
                (_summary(s.blocks) for s in chapter.sections if _summary(s.blocks)), ""
            )
            self.report(10 + int(45 * (index + 1) / total), f"Rendered chapter {index + 1} of {total}: {chapter.title}")
        for reference in self.references:
            reference["html"] = self.writer.blocks(reference["blocks"])
        self._resolve_links(chapters)

    def _heading_identifier(self, source_id, title):
        previous = [
            e["identifier"] for e in self.previous.items.get(Anchor.Kind.HEADING, [])
            if e["title"] == normalised(title) and self.registry.free(e["identifier"])
        ]
        return self.registry.take(source_id or (previous[0] if previous else ""), title)

    def _figure(self, figure_block, caption_blocks, image, attr):
        chapter = self.chapter
        self.figure_count += 1
        label = f"Figure {chapter.number}.{self.figure_count}" if chapter.number else f"Figure {self.figure_count}"
        image_attr, description, (src, _title) = image
        values = {**attr_values(image_attr), **attr_values(attr)}
        caption = re.sub(r"\s+", " ", plain_text(caption_blocks)).strip()
        alt = values.get("alt") or values.get("fig-alt") or re.sub(r"\s+", " ", plain_text(description)).strip()
        source_id = clean_identifier(attr_id(attr) or attr_id(image_attr))
        wanted = source_id
        if not wanted:
            matches = [
                e["identifier"] for e in self.previous.items.get(Anchor.Kind.FIGURE, [])
                if caption and e["title"] == normalised(caption) and self.registry.free(e["identifier"])
            ]
            wanted = matches[0] if matches else ""
        identifier = self.registry.take(wanted, f"figure-{label.split()[-1]}")
        self.where_element = f"{label} ({src})"
        self.figure_rows.append({
            "identifier": identifier, "label": label, "caption": caption, "alt": alt,
            "long_description": values.get("longdesc", ""), "source_note": values.get("source", ""),
            "src": src, "chapter": chapter, "section": self.section, "where": f"{self.where}, {label} ({src})",
        })
        self.section.figures.append(identifier)
        return f"<!--figure:{identifier}-->"

    def _table(self, c):
        chapter = self.chapter
        self.table_count += 1
        label = f"Table {chapter.number}.{self.table_count}" if chapter.number else f"Table {self.table_count}"
        attr, caption = c[0], c[1]
        caption_text = re.sub(r"\s+", " ", plain_text(caption[1])).strip()
        rows, has_header = self.writer.table_rows(c)
        wanted = clean_identifier(attr_id(attr))
        if not wanted:
            matches = [
                e["identifier"] for e in self.previous.items.get(Anchor.Kind.TABLE, [])
                if caption_text and e["title"] == normalised(caption_text) and self.registry.free(e["identifier"])
            ]
            wanted = matches[0] if matches else ""
        identifier = self.registry.take(wanted, f"table-{label.split()[-1]}")
        self.table_rows.append({
            "identifier": identifier, "label": label, "caption": caption_text, "body_html": rows,
            "has_header_cells": has_header, "chapter": chapter, "section": self.section,
        })
        self.section.tables.append(identifier)
        return f"<!--table:{identifier}-->"

    def _resolve_links(self, chapters):
        home = {}
        for chapter in chapters:
            home[chapter.identifier] = chapter.identifier
            for section in chapter.all_sections:
                home[section.identifier] = chapter.identifier
                for identifier, _title in section.headings:
                    home[identifier] = chapter.identifier
                for identifier in section.figures + section.tables:
                    home[identifier] = chapter.identifier
        for row in self.figure_rows + self.table_rows:
            home[row["identifier"]] = row["chapter"].identifier

        def resolver(chapter_identifier):
            def resolve(match):
                target = match.group(1)
                if target in self.reference_ids:
                    return f"@@read@@references/#{target}"
                if home.get(target) == chapter_identifier and target != chapter_identifier:
                    return f"#{target}"
                return f"@@read@@{target}/"
            return resolve

        link = re.compile(r"@@link:([^@]*)@@")
        for chapter in chapters:
            resolve = resolver(chapter.identifier)
            for section in chapter.all_sections:
                section.html = link.sub(resolve, section.html)
            chapter.notes = [link.sub(resolve, note) for note in chapter.notes]
        for row in self.table_rows:
            row["body_html"] = link.sub(resolver(row["chapter"].identifier), row["body_html"])
        for reference in self.references:
            reference["html"] = link.sub(resolver(""), reference["html"])

    def _math(self, chapters):
        formulas = self.writer.formulas
        if not formulas:
            return
        mathml = math_to_mathml(formulas)
        placeholder = re.compile(r"@@math:(\d+)@@")

        def fill(text):
            return placeholder.sub(lambda m: mathml[int(m.group(1))], text)

        for chapter in chapters:
            for section in chapter.all_sections:
                section.html = fill(section.html)
            chapter.notes = [fill(note) for note in chapter.notes]
        for row in self.table_rows:
            row["body_html"] = fill(row["body_html"])
        for reference in self.references:
            reference["html"] = fill(reference["html"])

    # figures --------------------------------------------------------------------------

    def _image_path(self, src):
        for folder in (self.work / "media", self.source.parent):
            candidate = (folder / src).resolve() if not Path(src).is_absolute() else Path(src).resolve()
            allowed = folder.resolve()
            if candidate.is_relative_to(allowed) and candidate.is_file():
                return candidate
            if src.startswith(str(self.work)) and Path(src).resolve().is_file():
                return Path(src).resolve()
        return None

    def _process_figures(self):
        total = len(self.figure_rows)
        for row in self.figure_rows:
            row["path"] = self._image_path(row["src"])
            if row["path"] is None:
                raise ImportFailure(f"In {row['where']}: the image file is missing from the source.")

        def process(row):
            try:
                return row, self._store_image(row["path"].read_bytes())
            except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as error:
                raise ImportFailure(f"In {row['where']}: the image cannot be read ({error}).") from error

        with ThreadPoolExecutor(max_workers=FIGURE_THREADS) as pool:
            for done, (row, (stored, width, height, made)) in enumerate(pool.map(process, self.figure_rows), start=1):
                row.update(image=stored, width=width, height=height, renditions=made)
                if done % 5 == 0 or done == total:
                    self.report(55 + int(40 * done / total), f"Figures: {done} of {total}")

    def _store_image(self, data):
        Image.MAX_IMAGE_PIXELS = settings.MAX_IMAGE_PIXELS
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            width, height = image.size
            if image_format not in ("JPEG", "PNG", "WEBP"):
                buffer = io.BytesIO()
                image.convert("RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB").save(buffer, "PNG")
                data, image_format = buffer.getvalue(), "PNG"
        cleaned = strip_metadata(data)
        digest = hashlib.sha256(cleaned).hexdigest()[:16]
        extension = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}[image_format]
        name = f"{self.files_prefix}figures/figure-{digest}.{extension}"
        if not self.storage.exists(name):
            name = self.storage.save(name, ContentFile(cleaned))
        spec = renditions.RenditionSpec(f"{self.files_prefix}figures", FIGURES.widths, FIGURES.fallback_width)
        # In the private store, like the figure itself: a draft's files are not public.
        made, _counts = renditions.generate(_StoredFile(self.storage, name), spec, storage=self.storage)
        return name, width, height, made

    # saving ---------------------------------------------------------------------------

    def _save(self, chapters, note):
        meta = self.tree.get("meta", {})
        with transaction.atomic():
            edition, _created = Edition.objects.get_or_create(publication=self.publication, language=self.language)
            words = sum(_words(s.text) for c in chapters for s in c.all_sections)
            version = EditionVersion.objects.create(
                edition=edition,
                number=edition.next_number(),
                note=note,
                title=_meta_text(meta, "title") or self.publication.title,
                authors=_meta_text(meta, "author"),
                date_text=_meta_text(meta, "date"),
                source_name=self.source.name,
                word_count=words,
            )
            chapter_rows = Chapter.objects.bulk_create([
                Chapter(
                    version=version, identifier=c.identifier, number=c.number, title=c.title[:500],
                    part=c.part[:500], order=i, summary=c.summary,
                    word_count=sum(_words(s.text) for s in c.all_sections),
                )
                for i, c in enumerate(chapters)
            ])
            by_chapter = dict(zip([c.identifier for c in chapters], chapter_rows, strict=True))
            section_objects, order = [], 0
            for chapter in chapters:
                for section in chapter.all_sections:
                    section_objects.append(Section(
                        version=version, chapter=by_chapter[chapter.identifier], identifier=section.identifier,
                        number=section.number, title=section.title[:500], level=section.level, order=order,
                        html=sanitise(section.html), text=section.text, word_count=_words(section.text),
                    ))
                    order += 1
            section_rows = Section.objects.bulk_create(section_objects)
            by_section = {s.identifier: s for s in section_rows}
            Figure.objects.bulk_create([
                Figure(
                    version=version, chapter=by_chapter[r["chapter"].identifier],
                    section=by_section[r["section"].identifier], identifier=r["identifier"], label=r["label"],
                    order=i, caption=r["caption"], alt=r["alt"], long_description=r["long_description"],
                    source_note=r["source_note"], image=r["image"], width=r["width"], height=r["height"],
                    renditions=r["renditions"],
                )
                for i, r in enumerate(self.figure_rows)
            ])
            Table.objects.bulk_create([
                Table(
                    version=version, chapter=by_chapter[r["chapter"].identifier],
                    section=by_section[r["section"].identifier], identifier=r["identifier"], label=r["label"],
                    order=i, caption=r["caption"], body_html=sanitise_table_rows(r["body_html"]),
                    has_header_cells=r["has_header_cells"],
                )
                for i, r in enumerate(self.table_rows)
            ])
            Footnote.objects.bulk_create([
                Footnote(version=version, chapter=by_chapter[c.identifier], number=n, html=sanitise(html))
                for c in chapters for n, html in enumerate(c.notes, start=1)
            ])
            Reference.objects.bulk_create([
                Reference(version=version, identifier=r["identifier"], order=i, html=sanitise(r["html"]), **_links(r["text"], r["html"]))
                for i, r in enumerate(self.references)
            ])
            Anchor.objects.bulk_create(self._anchors(version, chapters))
        return version

    def _anchors(self, version, chapters):
        anchors = []
        for chapter in chapters:
            anchors.append(Anchor(version=version, identifier=chapter.identifier, kind=Anchor.Kind.CHAPTER,
                                  chapter_identifier=chapter.identifier, title=chapter.title[:500]))
            for section in chapter.all_sections:
                if section.level > 1:
                    anchors.append(Anchor(version=version, identifier=section.identifier, kind=Anchor.Kind.SECTION,
                                          chapter_identifier=chapter.identifier, title=section.title[:500]))
                anchors.extend(
                    Anchor(version=version, identifier=identifier, kind=Anchor.Kind.HEADING,
                           chapter_identifier=chapter.identifier, title=title[:500])
                    for identifier, title in section.headings
                )
        anchors.extend(
            Anchor(version=version, identifier=r["identifier"], kind=Anchor.Kind.FIGURE,
                   chapter_identifier=r["chapter"].identifier, title=r["caption"][:500])
            for r in self.figure_rows
        )
        anchors.extend(
            Anchor(version=version, identifier=r["identifier"], kind=Anchor.Kind.TABLE,
                   chapter_identifier=r["chapter"].identifier, title=r["caption"][:500])
            for r in self.table_rows
        )
        anchors.extend(
            Anchor(version=version, identifier=r["identifier"], kind=Anchor.Kind.REFERENCE)
            for r in self.references
        )
        return anchors + self._aliases(version, chapters)

    def _aliases(self, version, chapters):
        """The previous version's identifiers for chapters and sections the source now
        names differently (a new `{#id}`), found by title: they lead to the new ones."""
        current = {}
        for chapter in chapters:
            current.setdefault((Anchor.Kind.CHAPTER, normalised(chapter.title)), []).append((chapter.identifier, chapter.identifier))
            for section in chapter.sections:
                current.setdefault((Anchor.Kind.SECTION, normalised(section.title)), []).append((section.identifier, chapter.identifier))
        aliases = []
        for kind in (Anchor.Kind.CHAPTER, Anchor.Kind.SECTION):
            for entry in self.previous.items.get(kind, []):
                matches = current.get((kind, entry["title"]), [])
                if entry["identifier"] in self.registry.used or len(matches) != 1:
                    continue
                self.registry.used.add(entry["identifier"])
                aliases.append(Anchor(
                    version=version, identifier=entry["identifier"], kind=Anchor.Kind.ALIAS,
                    target=matches[0][0], chapter_identifier=matches[0][1], title=entry["title"][:500],
                ))
        return aliases


class _StoredFile:
    """What publications.renditions needs of a file: its storage and name."""

    def __init__(self, storage, name):
        self.storage = storage
        self.name = name


DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+?)[.,;)]?(?=\s|$|\"|<)")
ARXIV = re.compile(r"(?:arxiv\.org/(?:abs|pdf)/|arXiv:\s?)(\d{4}\.\d{4,5}(?:v\d+)?)", re.I)
URL = re.compile(r"https?://[^\s\"<>]+")


def _links(text, html):
    """DOI, arXiv identifier and address of a reference, from its text and links."""
    combined = f"{text} {html}"
    doi = DOI.search(combined)
    arxiv = ARXIV.search(combined)
    urls = [u.rstrip(".,;)") for u in URL.findall(text) if "doi.org" not in u and "arxiv.org" not in u]
    return {
        "doi": doi.group(1)[:300] if doi else "",
        "arxiv": arxiv.group(1) if arxiv else "",
        "url": urls[0][:1000] if urls else "",
    }
