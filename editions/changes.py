"""What changed between two versions of an edition, section by section.

Sections are the same section when they have the same identifier (editions.identifiers
keeps identifiers across re-imports). Listed: sections added, removed, moved to another
chapter, renamed, and whose text changed (with a word diff). A section whose number
changed only because others moved is not a change.
"""

import difflib
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import Anchor

DIFF_CONTEXT_WORDS = 8


@dataclass
class Change:
    kind: str  # added, removed, moved, renamed, changed
    identifier: str
    title: str
    detail: str = ""
    diff: list = field(default_factory=list)


def _sections(version):
    return {
        s.identifier: s
        for s in version.sections.select_related("chapter").filter(level__gt=1)
    }


def between(earlier, later):
    before, after = _sections(earlier), _sections(later)
    # A section the source now names differently (editions.importer: aliases) is the same.
    renamed_ids = dict(later.anchors.filter(kind=Anchor.Kind.ALIAS).values_list("identifier", "target"))
    before = {renamed_ids.get(identifier, identifier): section for identifier, section in before.items()}
    found = []
    for identifier, section in after.items():
        old = before.get(identifier)
        if old is None:
            found.append(Change("added", identifier, section.title, f"in chapter {section.chapter.number} “{section.chapter.title}”"))
            continue
        if old.chapter.identifier != section.chapter.identifier:
            found.append(Change(
                "moved", identifier, section.title,
                f"from chapter {old.chapter.number} “{old.chapter.title}” to chapter {section.chapter.number} “{section.chapter.title}”",
            ))
        if old.title != section.title:
            found.append(Change("renamed", identifier, section.title, f"was “{old.title}”"))
        if old.text != section.text:
            found.append(Change("changed", identifier, section.title, diff=word_diff(old.text, section.text)))
    for identifier, section in before.items():
        if identifier not in after:
            found.append(Change("removed", identifier, section.title, f"was in chapter {section.chapter.number} “{section.chapter.title}”"))
    return found


def word_diff(old, new):
    """Short excerpts around each changed run of words, with <del> and <ins>."""
    a, b = old.split(), new.split()
    excerpts = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = " ".join(a[max(0, i1 - DIFF_CONTEXT_WORDS):i1])
        after = " ".join(a[i2:i2 + DIFF_CONTEXT_WORDS])
        removed = " ".join(a[i1:i2])
        added = " ".join(b[j1:j2])
        excerpts.append(mark_safe(
            f"… {escape(before)} "
            + (f"<del>{escape(removed)}</del> " if removed else "")
            + (f"<ins>{escape(added)}</ins> " if added else "")
            + f"{escape(after)} …"
        ))
        if len(excerpts) >= 20:
            break
    return excerpts
