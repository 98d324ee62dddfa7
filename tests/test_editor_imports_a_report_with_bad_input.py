"""Bad sources get a clear message and change nothing: a wrong file type, a broken Word
file, a missing image (said with its chapter and figure), a LaTeX file that tries to read
the server's files, markup in the source that must never reach a page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from editions.importer import ImportFailure
from editions.models import EditionImport, EditionVersion
from tests.editions_helpers import imported, sample

pytestmark = pytest.mark.django_db


def test_the_admin_refuses_a_file_it_cannot_import(editor_client, make_publication):
    publication = make_publication()
    response = editor_client.post("/admin/editions/editionimport/add/", {
        "publication": publication.pk, "language": "en", "note": "",
        "upload": SimpleUploadedFile("report<b>.exe", b"MZ..."),
    })
    assert response.status_code == 200
    assert "Choose a .docx, .md" in response.text
    assert "report<b>" not in response.text
    assert not EditionImport.objects.exists()


def test_a_broken_word_file_fails_with_a_message_and_leaves_nothing(tmp_path, make_publication):
    source = tmp_path / "report.docx"
    source.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(ImportFailure, match="report.docx"):
        imported(source, make_publication())
    assert not EditionVersion.objects.exists()


def test_a_missing_image_is_reported_with_its_chapter_and_figure(tmp_path, make_publication):
    path, _ = sample(tmp_path, chapters=2, sections=2, figures=1)
    (path.parent / "figure-2.png").unlink()
    with pytest.raises(ImportFailure) as failure:
        imported(path, make_publication())
    assert "chapter 2 “Chapter 2 findings”" in str(failure.value)
    assert "Figure 2.1 (figure-2.png)" in str(failure.value)
    assert not EditionVersion.objects.exists()


def test_latex_cannot_read_the_servers_files(tmp_path, make_publication):
    source = tmp_path / "report.tex"
    source.write_text(
        "\\documentclass{article}\\begin{document}\\section{Leak}\\input{/etc/hostname}"
        "\\includegraphics{/etc/passwd}\\end{document}"
    )
    try:
        version = imported(source, make_publication())
    except ImportFailure as failure:
        assert "passwd" in str(failure) and "missing" in str(failure)
    else:
        hostname = open("/etc/hostname").read().strip()
        assert hostname not in "".join(version.sections.values_list("html", flat=True))


def test_markup_in_the_source_never_reaches_a_page(tmp_path, make_publication):
    source = tmp_path / "report.md"
    source.write_text(
        "# Chapter {#chapter}\n\nText <script>alert(1)</script> and "
        '<a href="javascript:alert(2)" onclick="x()">a link</a> and <img src=x onerror="y()">.\n\n'
        "[click](javascript:alert(3))\n\n"
        '<div style="position:fixed">styled</div>\n'
    )
    version = imported(source, make_publication())
    html = "".join(version.sections.values_list("html", flat=True))
    for bad in ("<script", "javascript:", "onclick", "onerror", "style=", "<img"):
        assert bad not in html, bad
    assert "a link" in html and "styled" in html


def test_the_checks_list_every_kind_of_problem_with_a_link_to_it(tmp_path, make_publication):
    from editions import checks
    from editions.sample_report import make_image

    make_image(tmp_path / "small.png", 300, 200)
    source = tmp_path / "report.md"
    source.write_text(
        "# Chapter {#chapter}\n\n## Section {#section}\n\nSee [nowhere](#no-such-place).\n\n"
        "#### Too deep\n\nText.\n\n"
        "![A small chart](small.png){#fig-small}\n\n"
        "-------- --------\n1        2\n3        4\n-------- --------\n\n: Numbers without headers {#tbl-plain}\n"
    )
    version = imported(source, make_publication())
    problems = checks.run(version)
    messages = " | ".join(p.message for p in problems)
    assert "skips from level 2 to level 4" in messages
    assert "“no-such-place”, which is nowhere in this version" in messages
    assert "Figure 1.1 is only 300 pixels wide" in messages
    assert "Table 1.1 has no header cells" in messages
    assert not any(p.blocking for p in problems)  # warnings: publishing is allowed
    assert all(p.fix_url.startswith("/") for p in problems)
