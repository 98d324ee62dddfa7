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
"""

import io

import pikepdf

from .image_metadata import strip_metadata

PDF_MAGIC = b"%PDF-"
_DROPPED_KEYS = ("/OpenAction", "/AA", "/JS", "/JavaScript", "/EmbeddedFiles", "/Metadata", "/AF")


def clean(data):
    """`data` (bytes of an upload) without metadata or active content."""
    if data[:1024].lstrip().startswith(PDF_MAGIC) or PDF_MAGIC in data[:1024]:
        return clean_pdf(data)
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
