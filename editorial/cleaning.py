"""The one cleaning step every file that can ever become public passes through.

Editors' uploads reach storage only through editorial.files.EditorialStorage, whose
`save` calls `clean()`: whichever path stores a file (admin form, draft, restore, shell,
a future import), what is stored is cleaned.

- Images (JPEG, PNG, WebP) lose every metadata block (EXIF but orientation, GPS, XMP,
  IPTC, comments, text chunks, bytes after the end): editorial.image_metadata. Pixels and
  colour profile stay as they were.
- PDFs lose their document information (/Info: author, creator, producer…), every XMP
  stream, JavaScript (document-level names, /JS actions anywhere), automatic actions
  (/OpenAction, /AA) and embedded files (the /EmbeddedFiles tree, associated files /AF,
  file attachment annotations), with pikepdf (qpdf). The pages are untouched.
- Office Open XML files (an edition's .xlsx data files) lose their document properties:
  the core properties (author, last editor, dates, title…) are emptied, the application
  properties lose company and manager, custom properties go; the sheets are untouched.
"""

import io
import re
import zipfile

import pikepdf

from .image_metadata import strip_metadata

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_PARTS = {
    "docProps/core.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
        b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        b'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        b'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>'
    ),
    "docProps/custom.xml": (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties '
        b'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"/>'
    ),
}
_APP_PERSONAL = re.compile(rb"<(Company|Manager|HyperlinkBase)\b[^>]*?(?:/>|>.*?</\1>)", re.S)
_DROPPED_KEYS = ("/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/Metadata", "/AF")


def clean(data):
    """`data` (bytes of an upload) without metadata or active content."""
    if data[:1024].lstrip().startswith(PDF_MAGIC) or PDF_MAGIC in data[:1024]:
        return clean_pdf(data)
    if data.startswith(ZIP_MAGIC):
        return clean_office(data)
    try:
        return strip_metadata(data)
    except (OSError, ValueError, SyntaxError):
        return data  # not an image Pillow reads: the field's validation refuses it


def clean_pdf(data):
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Info" in pdf.trailer:
            del pdf.trailer["/Info"]
        root = pdf.Root
        for key in ("/OpenAction", "/AA", "/Metadata"):
            if key in root:
                del root[key]
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            for key in ("/JavaScript", "/EmbeddedFiles"):
                if key in names:
                    del names[key]
        for page in pdf.pages:
            annotations = page.obj.get("/Annots")
            if isinstance(annotations, pikepdf.Array):
                kept = [
                    annotation for annotation in annotations
                    if not (
                        isinstance(annotation, pikepdf.Dictionary)
                        and annotation.get("/Subtype") == pikepdf.Name.FileAttachment
                    )
                ]
                page.obj["/Annots"] = pikepdf.Array(kept)
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                for key in _DROPPED_KEYS:
                    if key in obj:
                        del obj[key]
                if obj.get("/S") == pikepdf.Name.JavaScript:
                    # An action that runs a script becomes an action that does nothing.
                    obj["/S"] = pikepdf.Name.Named
                    obj["/N"] = pikepdf.Name("/None")
        out = io.BytesIO()
        pdf.remove_unreferenced_resources()
        pdf.save(out, deterministic_id=True, fix_metadata_version=False)
    return out.getvalue()


def clean_office(data):
    """An Office Open XML package (.xlsx, .docx) without its document properties; any
    other zip (or a broken one) as it is, for the field's validation to judge."""
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        if "[Content_Types].xml" not in source.namelist():
            return data
        out = io.BytesIO()
        with source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if info.filename in _EMPTY_PARTS:
                    content = _EMPTY_PARTS[info.filename]
                elif info.filename == "docProps/app.xml":
                    content = _APP_PERSONAL.sub(b"", content)
                # A fixed time: the archive's dates say nothing about who saved it when.
                entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(entry, content)
        return out.getvalue()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return data


def metadata_found(data):
    """What of the above remains in a PDF (for tests and checks): a list of names."""
    found = []
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/Info" in pdf.trailer and len(pdf.trailer.Info.keys()):
            found.append("document information")
        for obj in pdf.objects:
            if isinstance(obj, (pikepdf.Dictionary, pikepdf.Stream)):
                for key in _DROPPED_KEYS:
                    if key in obj:
                        found.append(key)
                if obj.get("/S") == pikepdf.Name.JavaScript:
                    found.append("JavaScript action")
                if obj.get("/Type") == pikepdf.Name.EmbeddedFile:
                    found.append("embedded file")
    return sorted(set(found))
