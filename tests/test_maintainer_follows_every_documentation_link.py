"""A maintainer follows the documentation: every relative link in README.md and docs/ leads
to a file, folder or heading that exists, every page of docs/ is listed in its index, and
the README stays short enough to read in five minutes."""

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DOCS = PROJECT / "docs"
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # https:, mailto:...


def pages():
    return [PROJECT / "README.md", *sorted(DOCS.rglob("*.md"))]


def prose(text):
    """The text outside code blocks and inline code, where links are links."""
    text = re.sub(r"^(```|~~~).*?^\1", "", text, flags=re.S | re.M)
    return re.sub(r"`[^`\n]*`", "", text)


def anchors(text):
    """GitHub's anchors for the headings of a Markdown text."""
    found, seen = set(), {}
    for heading in re.findall(r"^#{1,6}\s+(.+?)\s*#*\s*$", prose(text), re.M):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        found.add(slug if count == 0 else f"{slug}-{count}")
    return found


def broken_links(page):
    """Each relative link of `page` that leads nowhere, with the reason."""
    broken = []
    for target in LINK.findall(prose(page.read_text())):
        if EXTERNAL.match(target):
            continue
        path, _, anchor = target.partition("#")
        destination = (page.parent / path).resolve() if path else page
        if not destination.exists():
            broken.append(f"{target}: no such file")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination.read_text()):
            broken.append(f"{target}: no heading #{anchor}")
        elif anchor and destination.suffix != ".md":
            broken.append(f"{target}: an anchor into a file that has no headings")
    return broken


def test_every_relative_link_in_the_readme_and_docs_leads_somewhere():
    assert len(pages()) > 5
    broken = {str(page.relative_to(PROJECT)): broken_links(page) for page in pages()}
    assert {page: links for page, links in broken.items() if links} == {}


def test_every_page_of_docs_is_listed_in_its_index():
    index = (DOCS / "README.md").read_text()
    listed = {target.partition("#")[0] for target in LINK.findall(index)}
    unlisted = [
        str(page.relative_to(DOCS)) for page in sorted(DOCS.rglob("*.md"))
        if page.name != "README.md" and str(page.relative_to(DOCS)) not in listed
    ]
    assert unlisted == [], "add a row for each to docs/README.md"


def test_the_readme_is_short_and_keeps_the_two_commands():
    readme = (PROJECT / "README.md").read_text()
    assert len(readme.splitlines()) <= 200
    assert "make run    # set up and serve the site" in readme
    assert "make test   # set up and run the whole test suite" in readme
    assert "(docs/README.md)" in readme


def test_the_check_finds_a_missing_file_and_a_missing_heading(tmp_path):
    (tmp_path / "other.md").write_text("# A heading: with punctuation\n\n## Twice\n\n## Twice\n")
    page = tmp_path / "page.md"
    page.write_text(
        "[fine](other.md#a-heading-with-punctuation) [again](other.md#twice-1) [web](https://x.org)\n"
        "[gone](missing.md) [no heading](other.md#nowhere) `[code](not-a-link.md)`\n"
        "```\n[in a block](not-a-link-either.md)\n```\n"
    )
    assert broken_links(page) == ["missing.md: no such file", "other.md#nowhere: no heading #nowhere"]
