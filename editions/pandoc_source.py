"""Reading the authors' source with pandoc: its document tree (JSON), never its HTML.

pandoc comes with the `pypandoc-binary` wheel (requirements.txt), so `make run` installs
everything. It runs with `--sandbox`: a LaTeX `\\input{/etc/passwd}` or an HTML page
pointing at local files reads nothing. Word files are read with their paragraph styles
(`+styles`) so that call-out boxes written with a "Box" style survive, and their bookmarks
(which pandoc's reader drops when they sit outside a paragraph, as Word and pandoc itself
write them) are read from the document's XML: a bookmark set by the authors is the
identifier of the heading, figure, table or reference it marks.
"""

import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pypandoc

FORMATS = {
    ".docx": "docx+styles-auto_identifiers",
    ".md": "markdown-auto_identifiers",
    ".markdown": "markdown-auto_identifiers",
    ".tex": "latex-auto_identifiers",
    ".latex": "latex-auto_identifiers",
    ".html": "html-auto_identifiers",
    ".htm": "html-auto_identifiers",
}
SUPPORTED_EXTENSIONS = tuple(FORMATS)


class SourceError(ValueError):
    """The source cannot be read; the message says why, for the editor."""


@dataclass
class Bookmarks:
    """Authors' bookmarks of a Word file, in document order per kind of element."""

    headings: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    tables: list = field(default_factory=list)
    # paragraph text (first characters, no spaces) -> bookmark
    paragraphs: dict = field(default_factory=dict)


def read_tree(path, media_dir):
    """The pandoc document tree (a dict) of the file at `path`, and a Bookmarks.

    Images inside a Word file are extracted to `media_dir`; other formats name their
    images relative to the source's folder.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise SourceError(
            f"{path.name}: unsupported file type; use one of {', '.join(SUPPORTED_EXTENSIONS)}."
        )
    args = ["--sandbox", "--citeproc"]
    if suffix == ".docx":
        args.append(f"--extract-media={media_dir}")
    try:
        output = pypandoc.convert_file(
            str(path), "json", format=FORMATS[suffix], extra_args=args,
            cworkdir=str(path.parent),
        )
    except RuntimeError as error:
        raise SourceError(f"pandoc could not read {path.name}: {_first_line(error)}") from error
    tree = json.loads(output)
    bookmarks = read_docx_bookmarks(path) if suffix == ".docx" else Bookmarks()
    return tree, bookmarks


def _first_line(error):
    text = str(error).strip().splitlines()
    return text[-1][:300] if text else "unknown error"


_BODY_ITEM = re.compile(
    r"<w:bookmarkStart\b[^>]*\bw:name=\"([^\"]+)\"[^>]*/>|<w:p\b.*?</w:p>|<w:p\b[^>]*/>|<w:tbl>.*?</w:tbl>",
    re.S,
)
_INNER_BOOKMARK = re.compile(r"<w:bookmarkStart\b[^>]*\bw:name=\"([^\"]+)\"")
_STYLE = re.compile(r"<w:pStyle w:val=\"([^\"]+)\"")
_TEXT = re.compile(r"<w:t(?: [^>]*)?>([^<]*)</w:t>")


def text_key(text):
    """A paragraph's first characters without white space, to find it again."""
    return re.sub(r"\s+", "", text)[:40]


def read_docx_bookmarks(path):
    try:
        with zipfile.ZipFile(path) as archive:
            xml = archive.read("word/document.xml").decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError) as error:
        raise SourceError(f"{Path(path).name} is not a Word document ({error}).") from error
    found = Bookmarks()
    pending = []
    caption_bookmark = None
    for match in _BODY_ITEM.finditer(xml):
        if match.group(1) is not None:
            if not match.group(1).startswith("_"):
                pending.append(match.group(1))
            continue
        item = match.group(0)
        names = pending + [n for n in _INNER_BOOKMARK.findall(item) if not n.startswith("_")]
        pending = []
        if item.startswith("<w:tbl"):
            found.tables.append(caption_bookmark or (names[0] if names else ""))
            caption_bookmark = None
            continue
        style = (_STYLE.search(item) or [None, ""])[1]
        if re.fullmatch(r"Heading[1-9]", style):
            found.headings.append(names[0] if names else "")
        elif "<w:drawing" in item or "<w:pict" in item:
            found.figures.append(names[0] if names else "")
        elif style == "TableCaption":
            caption_bookmark = names[0] if names else ""
        elif names:
            found.paragraphs[text_key("".join(_TEXT.findall(item)))] = names[-1]
    return found


def math_to_mathml(formulas):
    """MathML for a list of (display, TeX) formulas, with one pandoc run for all."""
    if not formulas:
        return []
    blocks = [
        {"t": "Para", "c": [{"t": "Math", "c": [{"t": "DisplayMath" if display else "InlineMath"}, tex]}]}
        for display, tex in formulas
    ]
    document = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}
    html = pypandoc.convert_text(
        json.dumps(document), "html5", format="json", extra_args=["--mathml", "--wrap=none"]
    )
    results = re.findall(r"<p>(.*?)</p>", html, re.S)
    if len(results) != len(formulas):
        raise SourceError("pandoc could not convert every equation to MathML.")
    return results


def plain_text(node):
    """The text of inlines or blocks (pandoc's `stringify`)."""
    parts = []
    _collect_text(node, parts)
    return "".join(parts)


def _collect_text(node, parts):
    if isinstance(node, list):
        for item in node:
            _collect_text(item, parts)
        return
    if not isinstance(node, dict):
        return
    kind, content = node.get("t"), node.get("c")
    if kind == "Str":
        parts.append(content)
    elif kind in ("Space", "SoftBreak", "LineBreak"):
        parts.append(" ")
    elif kind in ("Code", "Math"):
        parts.append(content[1])
    elif kind == "Note":
        return
    elif kind in ("Para", "Plain", "Header") and parts and not parts[-1].endswith(" "):
        parts.append(" ")
        _collect_text(content, parts)
    elif content is not None and kind not in ("RawInline", "RawBlock"):
        _collect_text(content, parts)
