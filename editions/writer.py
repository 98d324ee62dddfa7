"""pandoc's document tree to the reader's HTML, block by block.

Everything is escaped here, and each section's HTML then goes through nh3 with the
allow-list below (`sanitise`): nothing the source says (raw HTML, attributes, styles,
scripts, `javascript:` links) reaches a page except what this list allows.

Placeholders filled in later: `@@math:N@@` (MathML from one pandoc run for the whole
document), `@@link:ID@@` (an internal link, resolved when every identifier is known),
and `<!--figure:ID-->` / `<!--table:ID-->` (the rows' own HTML, per page).
"""

import re
from html import escape

import nh3

from .pandoc_source import plain_text

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "div", "dl", "dt",
    "em", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
    # MathML (pandoc --mathml)
    "math", "semantics", "annotation", "mrow", "mi", "mn", "mo", "ms", "mtext", "mspace",
    "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot", "mstyle", "mpadded", "mphantom",
    "menclose", "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mfenced", "merror",
}
_COMMON = {"id", "class", "lang", "dir"}
ALLOWED_ATTRIBUTES = {
    "*": _COMMON,
    "a": _COMMON | {"href", "title", "hreflang", "aria-label", "role"},
    "ol": _COMMON | {"start", "type"},
    "td": _COMMON | {"colspan", "rowspan"},
    "th": _COMMON | {"colspan", "rowspan", "scope"},
    "div": _COMMON | {"role", "aria-label"},
    "span": _COMMON | {"role", "aria-label", "tabindex"},
    "math": {"display", "xmlns"},
    "annotation": {"encoding"},
    "mo": {"stretchy", "fence", "form", "separator", "lspace", "rspace", "accent", "largeop", "movablelimits", "symmetric"},
    "mstyle": {"displaystyle", "scriptlevel", "mathvariant"},
    "mi": {"mathvariant"},
    "mspace": {"width"},
    "mtable": {"columnalign", "rowspacing", "columnspacing", "displaystyle"},
    "mtd": {"columnalign", "columnspan", "rowspan"},
    "mover": {"accent"},
    "munder": {"accentunder"},
    "mfrac": {"linethickness"},
    "mpadded": {"width", "lspace", "voffset"},
    "menclose": {"notation"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        strip_comments=False,
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
    )


def sanitise_table_rows(rows):
    """A table's rows (thead/tbody/tfoot), sanitised. Parsed inside a table: on their own,
    an HTML parser drops row and cell tags outside one and keeps only their text."""
    html = sanitise(f"<table>{rows}</table>")
    start, end = len("<table>"), html.find("</table>")
    # Markup that closed the table early is cut off with everything after it.
    return html[start:end] if html.startswith("<table>") and end >= start else ""


def attr_id(attr):
    return attr[0] if attr else ""


def attr_classes(attr):
    return attr[1] if attr else []


def attr_values(attr):
    return dict(attr[2]) if attr else {}


_SAFE_ID = re.compile(r"[^A-Za-z0-9_.-]+")


def clean_identifier(value):
    """An identifier from the source, usable in addresses ("sec:risks" -> "sec-risks")."""
    return _SAFE_ID.sub("-", value or "").strip("-.")[:180]


class Writer:
    """Renders blocks and inlines; collects footnotes, formulas and internal links.

    `figure_hook(block, caption_blocks, image, attr)` and `table_hook(block)` are called
    for figures and tables and return the marker to put in their place.
    """

    def __init__(self, figure_hook, table_hook, reference_ids):
        self.figure_hook = figure_hook
        self.table_hook = table_hook
        self.reference_ids = reference_ids
        self.formulas = []
        self.notes = []  # HTML of the current chapter's footnotes
        self.heading_ids = []  # identifiers of sub-headings met (h3-h6)
        self.heading_levels = []
        self.new_heading_id = None  # callable(title) -> identifier for sub-headings

    # blocks --------------------------------------------------------------------------

    def blocks(self, blocks):
        return "".join(self.block(block) for block in blocks)

    def block(self, block):
        kind, c = block["t"], block.get("c")
        method = getattr(self, f"b_{kind}", None)
        return method(c) if method else ""

    def b_Plain(self, c):
        return self.inlines(c)

    def b_Para(self, c):
        if len(c) == 1 and c[0]["t"] == "Image":
            image = c[0]["c"]
            return self.figure_hook(None, [], image, ["", [], []])
        body = self.inlines(c)
        return f"<p>{body}</p>" if body.strip() else ""

    def b_LineBlock(self, c):
        return "<p>" + "<br>".join(self.inlines(line) for line in c) + "</p>"

    def b_CodeBlock(self, c):
        return f"<pre><code>{escape(c[1])}</code></pre>"

    def b_RawBlock(self, c):
        return c[1] if c[0] == "html" else ""

    def b_BlockQuote(self, c):
        return f"<blockquote>{self.blocks(c)}</blockquote>"

    def b_OrderedList(self, c):
        start = c[0][0]
        items = "".join(f"<li>{self.blocks(item)}</li>" for item in c[1])
        start_attr = f' start="{int(start)}"' if start != 1 else ""
        return f"<ol{start_attr}>{items}</ol>"

    def b_BulletList(self, c):
        return "<ul>" + "".join(f"<li>{self.blocks(item)}</li>" for item in c) + "</ul>"

    def b_DefinitionList(self, c):
        parts = []
        for term, definitions in c:
            parts.append(f"<dt>{self.inlines(term)}</dt>")
            parts.extend(f"<dd>{self.blocks(d)}</dd>" for d in definitions)
        return "<dl>" + "".join(parts) + "</dl>"

    def b_Header(self, c):
        level, attr, inlines = c
        level = min(max(level, 3), 6)
        identifier = self.new_heading_id(clean_identifier(attr_id(attr)), plain_text(inlines))
        self.heading_ids.append((identifier, plain_text(inlines)))
        self.heading_levels.append(c[0])
        return (
            f'<h{level} id="{escape(identifier)}">{self.inlines(inlines)}'
            f'{permalink(identifier, plain_text(inlines))}</h{level}>'
        )

    def b_HorizontalRule(self, c):
        return "<hr>"

    def b_Figure(self, c):
        attr, caption, blocks = c
        images = []
        _find_images(blocks, images)
        if not images:
            return self.blocks(blocks)
        return self.figure_hook(c, caption[1], images[0], attr)

    def b_Table(self, c):
        return self.table_hook(c)

    def b_Div(self, c):
        attr, blocks = c
        classes = {name.lower() for name in attr_classes(attr)}
        style = attr_values(attr).get("custom-style", "").lower()
        if classes & {"box", "callout", "call-out", "note-box"} or "box" in style or "call" in style:
            return f'<div class="callout" role="note">{self.blocks(blocks)}</div>'
        identifier = clean_identifier(attr_id(attr))
        inner = self.blocks(blocks)
        return f'<div id="{escape(identifier)}">{inner}</div>' if identifier else inner

    # tables ---------------------------------------------------------------------------

    def table_rows(self, c):
        """(rows HTML, has header cells) for a pandoc Table."""
        _attr, _caption, _colspecs, head, bodies, foot = c
        has_header = False
        parts = []
        head_rows = head[1]
        if head_rows:
            has_header = True
            parts.append("<thead>" + "".join(self._row(row, "col", 0) for row in head_rows) + "</thead>")
        for body in bodies:
            _battr, row_head_columns, intermediate, rows = body
            if row_head_columns:
                has_header = True
            parts.append(
                "<tbody>"
                + "".join(self._row(row, "col", 0) for row in intermediate)
                + "".join(self._row(row, None, row_head_columns) for row in rows)
                + "</tbody>"
            )
        if foot[1]:
            parts.append("<tfoot>" + "".join(self._row(row, None, 0) for row in foot[1]) + "</tfoot>")
        return "".join(parts), has_header

    def _row(self, row, header_scope, row_head_columns):
        cells = []
        for index, cell in enumerate(row[1]):
            _cattr, _align, rowspan, colspan, blocks = cell
            spans = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (
                f' colspan="{colspan}"' if colspan > 1 else ""
            )
            content = self.blocks(blocks)
            if header_scope:
                cells.append(f'<th scope="{header_scope}"{spans}>{content}</th>')
            elif index < row_head_columns:
                cells.append(f'<th scope="row"{spans}>{content}</th>')
            else:
                cells.append(f"<td{spans}>{content}</td>")
        return "<tr>" + "".join(cells) + "</tr>"

    # inlines --------------------------------------------------------------------------

    def inlines(self, inlines):
        return "".join(self.inline(inline) for inline in inlines)

    def inline(self, inline):
        kind, c = inline["t"], inline.get("c")
        if kind == "Str":
            return escape(c, quote=False)
        if kind in ("Space", "SoftBreak"):
            return " "
        simple = _SIMPLE_TAGS.get(kind)
        if simple:
            return f"<{simple}>{self.inlines(c)}</{simple}>"
        method = getattr(self, f"i_{kind}", None)
        return method(c) if method else ""

    def i_LineBreak(self, c):
        return "<br>"

    def i_SmallCaps(self, c):
        return f'<span class="smallcaps">{self.inlines(c)}</span>'

    def i_Quoted(self, c):
        quote = ("“", "”") if c[0]["t"] == "DoubleQuote" else ("‘", "’")
        return quote[0] + self.inlines(c[1]) + quote[1]

    def i_Code(self, c):
        return f"<code>{escape(c[1])}</code>"

    def i_Math(self, c):
        display = c[0]["t"] == "DisplayMath"
        self.formulas.append((display, c[1]))
        placeholder = f"@@math:{len(self.formulas) - 1}@@"
        if display:
            # A wide equation scrolls on its own on a phone: keyboard users can scroll it too.
            return f'<span class="reader-equation" role="group" aria-label="Equation" tabindex="0">{placeholder}</span>'
        return placeholder

    def i_RawInline(self, c):
        return c[1] if c[0] == "html" else ""

    def i_Span(self, c):
        attr, inlines = c
        identifier = clean_identifier(attr_id(attr))
        inner = self.inlines(inlines)
        if identifier:
            return f'<span id="{escape(identifier)}">{inner}</span>'
        return inner

    def i_Cite(self, c):
        citations, inlines = c
        rendered = self.inlines(inlines)
        if "<a " in rendered:
            return rendered
        ids = [citation["citationId"] for citation in citations]
        known = [i for i in ids if f"ref-{i}" in self.reference_ids or i in self.reference_ids]
        if not known:
            return rendered
        target = known[0] if known[0] in self.reference_ids else f"ref-{known[0]}"
        return f'<a href="@@link:{escape(target)}@@">{rendered}</a>'

    def i_Link(self, c):
        _attr, inlines, (url, title) = c
        inner = self.inlines(inlines)
        if url.startswith("#"):
            href = f"@@link:{escape(clean_identifier(url[1:]))}@@"
        else:
            href = escape(url)
        title_attr = f' title="{escape(title)}"' if title else ""
        return f'<a href="{href}"{title_attr}>{inner}</a>'

    def i_Image(self, c):
        # An image inside running text: its description stands in for it.
        return escape(plain_text(c[1]), quote=False)

    def i_Note(self, c):
        number = len(self.notes) + 1
        self.notes.append(None)  # keep the number while the note renders (nested notes)
        self.notes[number - 1] = self.blocks(c)
        return (
            f'<sup class="footnote-ref"><a href="#fn-{number}" id="fnref-{number}" '
            f'role="doc-noteref" aria-label="Note {number}">{number}</a></sup>'
        )


_SIMPLE_TAGS = {
    "Emph": "em", "Strong": "strong", "Underline": "u", "Strikeout": "del",
    "Superscript": "sup", "Subscript": "sub",
}


def _find_images(node, found):
    if isinstance(node, list):
        for item in node:
            _find_images(item, found)
    elif isinstance(node, dict):
        if node.get("t") == "Image":
            found.append(node["c"])
        elif "c" in node:
            _find_images(node["c"], found)


def permalink(identifier, title):
    """The link to an element's stable address: shown on hover and keyboard focus. Its
    words ("Permalink to") are put in the page's language when the page is shown."""
    return (
        f' <a class="permalink" href="@@read@@{escape(identifier)}/">'
        f'<span class="visually-hidden">@@permalink-to@@ {escape(title[:120])}</span>'
        '<span aria-hidden="true">#</span></a>'
    )
