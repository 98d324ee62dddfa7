"""The translators' round trip: a language's content out as XLIFF 1.2 or PO, back in as drafts.

Professional translators work in their own tools (CAT tools read XLIFF and PO). An export
holds one unit per translated field of each item: the English source, the current
translation if any, a note saying where the text appears, and the field's length limit.
Markup (HTML tags, Markdown link addresses, URLs, heading ids) is a protected placeholder
(`<x id="1"/>` in XLIFF, `%(m1)s` in PO, which PO tools and `msgfmt --check` treat as a
format variable), so a translator cannot break it by accident.

A unit's id names the field and carries the digests of the English source and of the
translation as they were at export. An import checks each unit: the item still exists and
the importing editor may change it; the English has not changed since (else the placeholders
may not match: export again); the translation has not been changed by someone else since
(never overwritten without saying so); every placeholder is back exactly once; the text is
not empty and fits the field. What passes becomes a draft of its item, through the item's
editorial core's save-draft action (`editorial.actions.SaveDraft`: one revision per item,
its comment naming the import), to be previewed and published like any edit; what fails is
reported unit by unit, and nothing of it is saved.

Where units come from is pluggable: the built-in source is every field registered with
django-modeltranslation (one column per language); an app whose translations live in rows of
their own (the web edition: one version per language) registers a source of its own with
`register_source` (see `UnitSource`). A source gives units and saves the accepted ones as
drafts its own way; the checks above are the same for all.
"""

import html
import re
from dataclasses import dataclass, field

import polib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from translate.storage import xliff
from translate.storage.placeables import StringElem
from translate.storage.placeables import xliff as placeables

from editorial.actions import SaveDraft
from editorial.models import DraftStateMixin
from reportsite.translated_content import (
    DEFAULT,
    column,
    editable_translated_fields,
    other_languages,
)

from .status import CURRENT, MISSING, OUT_OF_DATE, digest, statuses, translated_models

XLIFF_12 = "urn:oasis:names:tc:xliff:document:1.2"
SCOPES = {"all": "everything", "todo": "only what is missing or out of date"}
# HTML tags and comments, Markdown link addresses "](…)", bare URLs, heading ids "{#…}" and
# the tokens a page fills in when it is shown ("@@read@@").
MARKUP = re.compile(
    r"<[^<>\n]+>|\]\([^()\s]*(?:\s\"[^\"]*\")?\)|https?://[^\s<>()\[\]]+|\{#[^}\s]+\}|@@[a-z-]+@@"
)
PO_PLACEHOLDER = re.compile(r"%\(m(\d+)\)s|%%")


class Xliff12Unit(xliff.xliffunit):
    namespace = XLIFF_12


class Xliff12File(xliff.xlifffile):
    """translate-toolkit's XLIFF store, writing version 1.2 (it writes 1.1 by default)."""

    UnitClass = Xliff12Unit
    namespace = XLIFF_12
    XMLskeleton = f"""<?xml version="1.0" ?>
<xliff version='1.2' xmlns='{XLIFF_12}'>
<file original='reportsite' source-language='en' datatype='plaintext'>
<body>
</body>
</file>
</xliff>"""


def split_markup(text):
    """`text` as a list of plain strings and markup strings (odd positions are markup)."""
    parts, last = [], 0
    for match in MARKUP.finditer(text):
        parts += [text[last:match.start()], match.group()]
        last = match.end()
    return parts + [text[last:]]


def placeholders(source):
    """{number: markup} of the English source, numbered from 1 in order of appearance."""
    return {str(i): markup for i, markup in enumerate(split_markup(source)[1::2], start=1)}


class Refused(Exception):
    """A unit an import cannot take; the message says why, in the editor's words."""

    def __init__(self, message, label=None):
        super().__init__(message)
        self.message = message
        self.label = label


class TranslationUnit:
    """What every unit offers, whatever its source: `key` (unique, without colons at its
    start that could be read as another source's), `source` (the English text), `target`
    (the translation as it is now), `label` and `note` (where the text appears),
    `max_length` (or None), and `html` (True when the text is HTML: translators see its
    text unescaped, and what they type is escaped back)."""

    html = False
    max_length = None

    @property
    def id(self):
        return f"{self.key}:{digest(self.source)[:12]}:{digest(self.target)[:12]}"

    def refusal(self, user):
        """Why `user` may not import this unit at all (rights, kinds of content), or None."""
        return None

    def conflict(self):
        """Why the import would overwrite someone's pending work, or None."""
        return None


@dataclass
class Unit(TranslationUnit):
    """One translated field of one item, in one language (a modeltranslation column)."""

    obj: object
    field: str
    language: str

    @property
    def key(self):
        meta = self.obj._meta
        return f"{meta.app_label}.{meta.model_name}:{self.obj.pk}:{self.field}"

    @property
    def source(self):
        return getattr(self.obj, column(self.field, DEFAULT)) or ""

    @property
    def target(self):
        return getattr(self.obj, column(self.field, self.language)) or ""

    @property
    def max_length(self):
        return self.obj._meta.get_field(column(self.field, self.language)).max_length

    @property
    def label(self):
        return f"{self.obj._meta.verbose_name.capitalize()} “{self.obj}”, {self.obj._meta.get_field(self.field).verbose_name}"

    @property
    def note(self):
        model_field = self.obj._meta.get_field(self.field)
        where = f"{self.obj._meta.verbose_name.capitalize()} “{self.obj}”, {model_field.verbose_name}"
        if model_field.help_text:
            where += f" ({model_field.help_text})"
        if hasattr(self.obj, "get_absolute_url"):
            where += f"; on the page {self.obj.get_absolute_url()}"
        if self.max_length:
            where += f"; at most {self.max_length} characters"
        return where + "."

    def refusal(self, user):
        meta = self.obj._meta
        if not user.has_perm(f"{meta.app_label}.change_{meta.model_name}"):
            return f"You may not change {meta.verbose_name_plural}."
        if not isinstance(self.obj, DraftStateMixin):
            return (f"{meta.verbose_name_plural.capitalize()} have no drafts, so an import cannot prepare "
                    "them for preview: paste this translation on the item's page in the admin.")
        return None

    def conflict(self):
        draft = getattr(self.obj, "draft", None) or {}
        name = column(self.field, self.language)
        if name in draft and (draft[name] or "") != self.target:
            return f"A draft of this item already holds another {self.language} text; it was not overwritten."
        return None


class UnitSource:
    """Where units come from and where accepted ones go. Subclasses give:

    - `units(language, scope, user)`: the units an export holds;
    - `owns(key)`: whether a unit key is one of theirs;
    - `unit(key, language)`: the unit of a key (raise `Refused` when its item is gone);
    - `save(accepted, language, user)`: store [(unit, text)] as drafts, in the caller's
      transaction, and return the drafts (items with an admin page) to show the editor;
    - `status_counts(user)`: {language: {state: number of items}}, for the dashboard.
    """


class ContentUnits(UnitSource):
    """Every field registered with django-modeltranslation."""

    def units(self, language, scope, user):
        units = []
        for model in translated_models():
            meta = model._meta
            if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
                continue
            objects = list(model._default_manager.order_by("pk"))
            states = statuses(objects)
            for obj in objects:
                state = states[obj.pk].languages.get(language, {})
                todo = set(state.get(MISSING, [])) | set(state.get(OUT_OF_DATE, []))
                for name in editable_translated_fields(model):
                    unit = Unit(obj, name, language)
                    if not unit.source.strip():
                        continue
                    if scope == "todo" and name not in todo:
                        continue
                    units.append(unit)
        return units

    def _models(self):
        return {f"{m._meta.app_label}.{m._meta.model_name}": m for m in translated_models()}

    def owns(self, key):
        return CONTENT_KEY.match(key) is not None

    def unit(self, key, language):
        match = CONTENT_KEY.match(key)
        model = self._models().get(match.group("model"))
        if model is None or match.group("field") not in editable_translated_fields(model):
            raise Refused("This unit is not one this site exported.")
        obj = find_item(model, match.group("pk"))
        if obj is None:
            raise Refused("The item no longer exists.", label=key)
        return Unit(obj, match.group("field"), language)

    def save(self, accepted, language, user):
        values = {}
        for unit, text in accepted:
            values.setdefault(unit.obj, {})[column(unit.field, language)] = text
        for obj, columns in values.items():
            ImportTranslation(obj, user, values=columns, language=language).execute()
        return list(values)

    def status_counts(self, user):
        counts = {code: {MISSING: 0, OUT_OF_DATE: 0, CURRENT: 0} for code, _name in other_languages()}
        for model in translated_models():
            meta = model._meta
            if not user.has_perm(f"{meta.app_label}.view_{meta.model_name}"):
                continue
            for status in statuses(model._default_manager.all()).values():
                for code in counts:
                    counts[code][status.state(code)] += 1
        return counts


def find_item(model, pk):
    """The item of `model` with primary key `pk` (text from a file), or None, also when no
    primary key could be that text (not a number, or beyond what a database holds)."""
    try:
        value = model._meta.pk.to_python(pk)
    except ValidationError:
        return None
    if isinstance(value, int) and not -(2**63) <= value < 2**63:
        return None
    return model._default_manager.filter(pk=value).first()


CONTENT_KEY = re.compile(r"^(?P<model>[a-z_]+\.[a-z_]+):(?P<pk>[^:]+):(?P<field>[a-z_]+)$")
_sources = [ContentUnits]


def register_source(source_class):
    """Add a kind of UnitSource (from an app's AppConfig.ready)."""
    if source_class not in _sources:
        _sources.append(source_class)


def sources():
    """One new instance of every source: a source may keep what it read for one export or
    import, never longer."""
    return [source_class() for source_class in _sources]


def units_for(language, scope, user):
    """The units of `language` an export holds, of the content `user` may view."""
    return [unit for source in sources() for unit in source.units(language, scope, user)]


def export_xliff(units, language):
    store = Xliff12File(sourcelanguage=DEFAULT, targetlanguage=language)
    for unit in units:
        xml_unit = store.addsourceunit(unit.source, filename="reportsite")
        xml_unit.rich_source = [_rich(unit.source, unit.source, unit.html)]
        if unit.target:
            xml_unit.rich_target = [_rich(unit.target, unit.source, unit.html)]
        xml_unit.setid(unit.id)
        xml_unit.addnote(unit.note, origin="developer")
        if unit.max_length:
            xml_unit.xmlelement.set("maxwidth", str(unit.max_length))
            xml_unit.xmlelement.set("size-unit", "char")
    store.getfilenode("reportsite").set("target-language", language)
    return bytes(store)


def numbered(text, source):
    """`text` split as split_markup does, each markup part paired with its placeholder's
    number in `source` (the same markup repeated is numbered once per occurrence, in order),
    or None for markup the source does not have."""
    free = {}
    for number, markup in placeholders(source).items():
        free.setdefault(markup, []).append(number)
    pairs = []
    for index, part in enumerate(split_markup(text)):
        number = free[part].pop(0) if index % 2 and free.get(part) else None
        pairs.append((part, number))
    return pairs


def _rich(text, source, is_html):
    elements = []
    for part, number in numbered(text, source):
        if number is not None:
            elements.append(placeables.X(id=number))
        elif part:
            elements.append(html.unescape(part) if is_html else part)
    return StringElem(elements)


def export_po(units, language):
    catalogue = polib.POFile(wrapwidth=78)
    catalogue.metadata = {
        "Project-Id-Version": "reportsite content",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Exported": timezone.now().isoformat(timespec="seconds"),
    }
    for unit in units:
        catalogue.append(polib.POEntry(
            msgctxt=unit.id,
            msgid=_po_text(unit.source, unit.source, unit.html),
            msgstr=_po_text(unit.target, unit.source, unit.html) if unit.target else "",
            comment=unit.note,
            flags=["python-format"],
        ))
    return str(catalogue).encode()


def _po_text(text, source, is_html):
    out = []
    for part, number in numbered(text, source):
        if number is not None:
            out.append(f"%(m{number})s")
        else:
            out.append((html.unescape(part) if is_html else part).replace("%", "%%"))
    return "".join(out)


@dataclass
class Outcome:
    """What an import did with one unit."""

    unit_id: str
    label: str
    accepted: bool
    message: str


@dataclass
class Report:
    outcomes: list = field(default_factory=list)
    drafts: list = field(default_factory=list)

    @property
    def accepted(self):
        return [o for o in self.outcomes if o.accepted]

    @property
    def refused(self):
        return [o for o in self.outcomes if not o.accepted]


class UnreadableFile(ValueError):
    """The file as a whole cannot be read as a translation of this language."""


def read_units(data, language):
    """[(unit id, translated text or None, problem or None)] from an XLIFF or PO file."""
    text = data.decode("utf-8-sig", errors="strict") if isinstance(data, bytes) else data
    if "<xliff" in text[:500]:
        return _read_xliff(text.encode(), language)
    return _read_po(text, language)


def _read_xliff(data, language):
    try:
        store = xliff.xlifffile.parsestring(data)
    except Exception as error:  # lxml's errors and translate-toolkit's own
        raise UnreadableFile(f"The file is not valid XLIFF: {error}") from None
    found = {file_node.get("target-language") for file_node in store.document.getroot().iter(f"{{{store.namespace}}}file")}
    if found != {language}:
        raise UnreadableFile(f"The file is a translation into {', '.join(sorted(filter(None, found))) or 'no language'}, not {language}.")
    rows = []
    for unit in store.units:
        unit_id = unit.xmlelement.get("id", "")
        if not unit.target:
            rows.append((unit_id, None, None))
            continue
        pieces, problem = [], None
        for element in unit.rich_target[0].flatten():
            if isinstance(element, placeables.X):
                pieces.append(("placeholder", element.id))
            elif isinstance(element, (placeables.Bx, placeables.Ex, placeables.G, placeables.UnknownXML)):
                problem = "It holds markup that is not one of the source's placeholders."
            else:
                pieces.append(("text", str(element)))
        rows.append((unit_id, pieces, problem))
    return rows


def _read_po(text, language):
    try:
        catalogue = polib.pofile(text)
    except (OSError, ValueError) as error:
        raise UnreadableFile(f"The file is neither XLIFF nor a valid PO file: {error}") from None
    found = catalogue.metadata.get("Language", "")
    if found.replace("_", "-").lower() != language:
        raise UnreadableFile(f"The file is a translation into {found or 'no language'}, not {language}.")
    rows = []
    for entry in catalogue:
        if not entry.msgstr or "fuzzy" in entry.flags:
            rows.append((entry.msgctxt or "", None, None))
            continue
        pieces, last = [], 0
        for match in PO_PLACEHOLDER.finditer(entry.msgstr):
            pieces.append(("text", entry.msgstr[last:match.start()]))
            pieces.append(("placeholder", match.group(1)) if match.group(1) else ("text", "%"))
            last = match.end()
        pieces.append(("text", entry.msgstr[last:]))
        stray = "%" in "".join(value for kind, value in pieces if kind == "text" and value != "%")
        rows.append((entry.msgctxt or "", pieces, "A lone % is not allowed: write %% for a per cent sign." if stray else None))
    return rows


UNIT_ID = re.compile(r"^(?P<key>.+):(?P<source>[0-9a-f]{12}):(?P<base>[0-9a-f]{12})$", re.S)


def import_translations(data, language, user):
    """Check every unit of `data` (an export of `language`, translated), save what passes as
    drafts in one transaction, and say unit by unit what was done. Raises UnreadableFile when
    the file as a whole is not a translation into `language`."""
    report = Report()
    accepted = {}  # source -> [(unit, text)]
    active = sources()
    for unit_id, pieces, problem in read_units(data, language):
        match = UNIT_ID.match(unit_id)
        source = next((s for s in active if match and s.owns(match.group("key"))), None)
        if source is None:
            report.outcomes.append(Outcome(unit_id, unit_id[:80], False, "This unit is not one this site exported."))
            continue
        try:
            unit = source.unit(match.group("key"), language)
        except Refused as refused:
            label = refused.label or unit_id[:80]
            report.outcomes.append(Outcome(unit_id, label, False, refused.message))
            continue
        refuse = _problem(unit, match, pieces, problem, user)
        if refuse is None and pieces is None:
            continue  # left untranslated: nothing to do, nothing to say
        if refuse:
            report.outcomes.append(Outcome(unit_id, unit.label, False, refuse))
            continue
        text = _text(unit, pieces)
        if text == unit.target:
            report.outcomes.append(Outcome(unit_id, unit.label, True, "Unchanged."))
            continue
        length_problem = _length_problem(unit, text)
        if length_problem:
            report.outcomes.append(Outcome(unit_id, unit.label, False, length_problem))
            continue
        accepted.setdefault(source, []).append((unit, text))
        report.outcomes.append(Outcome(unit_id, unit.label, True, "Saved in a draft."))
    with transaction.atomic():
        for source, pairs in accepted.items():
            report.drafts.extend(source.save(pairs, language, user))
    return report


class ImportTranslation(SaveDraft):
    """The editorial core's save-draft action, its revision saying the text was imported."""

    def __init__(self, item, user, values, language):
        super().__init__(item, user, values=values)
        self.language = language

    def record(self, comment):
        super().record(f"Translation imported ({self.language}). {comment}")


def _problem(unit, match, pieces, problem, user):
    if pieces is None:
        return None  # left untranslated
    refusal = unit.refusal(user)
    if refusal:
        return refusal
    if digest(unit.source)[:12] != match.group("source"):
        return "The English text changed after the export: export again to translate the new text."
    if digest(unit.target)[:12] != match.group("base"):
        return (f"The {unit.language} text was changed on the site after the export; it was not "
                "overwritten. Export again, or compare the two and edit the item in the admin.")
    conflict = unit.conflict()
    if conflict:
        return conflict
    if problem:
        return problem
    expected = placeholders(unit.source)
    used = [value for kind, value in pieces if kind == "placeholder"]
    unknown = sorted(set(used) - set(expected))
    missing = sorted(set(expected) - set(used))
    twice = sorted({number for number in used if used.count(number) > 1})
    if unknown or missing or twice:
        details = []
        if missing:
            details.append("missing " + ", ".join(f"{n} ({expected[n]})" for n in missing))
        if unknown:
            details.append("unknown " + ", ".join(unknown))
        if twice:
            details.append("repeated " + ", ".join(twice))
        return "Placeholders do not match the English text: " + "; ".join(details) + "."
    if not "".join(value for kind, value in pieces if kind == "text").strip():
        return "The translation is empty."
    return None


def _text(unit, pieces):
    """The translation as stored: placeholders back to the English markup; in HTML, what the
    translator typed is text (escaped), never markup."""
    expected = placeholders(unit.source)
    return "".join(
        expected[value] if kind == "placeholder" else (html.escape(value, quote=False) if unit.html else value)
        for kind, value in pieces
    )


def _length_problem(unit, text):
    if unit.max_length and len(text) > unit.max_length:
        return f"The translation has {len(text)} characters; this field takes at most {unit.max_length}."
    return None
