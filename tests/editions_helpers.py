"""Shared helpers of the edition tests: sample reports in every source format (made with
real pandoc), imports and publishing as an editor would."""

import re

import pypandoc

from editions.importer import import_source
from editions.sample_report import write_sample
from editorial.actions import Publish


def convert(markdown_path, extension):
    """The Markdown report converted by pandoc to .docx, .tex or .html (beside it)."""
    target = markdown_path.with_suffix(extension)
    extra = ["--citeproc", f"--resource-path={markdown_path.parent}", "--standalone"]
    if extension == ".html":
        extra.append("--mathml")
    pypandoc.convert_file(
        str(markdown_path), extension.lstrip(".").replace("tex", "latex"),
        format="markdown", outputfile=str(target), extra_args=extra, cworkdir=str(markdown_path.parent),
    )
    if extension == ".tex":
        # pandoc's template wraps images in its own \pandocbounded macro; authors write
        # \includegraphics, as here.
        text = target.read_text()
        target.write_text(re.sub(r"\\pandocbounded\{(\\includegraphics(?:\[[^\]]*\])?\{[^}]*\})\}", r"\1", text))
    return target


def sample(tmp_path, extension=".md", **options):
    options.setdefault("image_size", (700, 420))
    path, counts = write_sample(tmp_path / "source", **options)
    if extension != ".md":
        path = convert(path, extension)
    return path, counts


def imported(path, publication, language="en", note=""):
    return import_source(path, publication, language, note=note, files_prefix=f"imports/t{path.stem}{language}/")


def publish(version, user):
    return Publish(version, user).execute()


def import_small_edition(tmp_path):
    """A one-chapter edition of the first publication, as its recorded import made it."""
    from editions.models import EditionImport
    from publications.models import Publication

    publication = Publication.objects.order_by("pk").first()
    path, _ = sample(tmp_path, chapters=1, sections=2, figures=1, tables=1, references=2)
    version = imported(path, publication)
    EditionImport.objects.create(
        publication=publication, source="sources/report.md", source_name="report.md",
        status=EditionImport.Status.DONE, progress=100, version=version,
    )
    version.sections.get(identifier="sec-1-1").errata.create(text="A corrected number.")
    return version
