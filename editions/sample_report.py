"""A made-up report in Markdown, with real images (Pillow), of any size.

Used by `manage.py load_example_edition` (marked as an example on every page), by
bench/edition_import.py (a report of the real one's size) and by the tests, which convert
it with pandoc to Word, LaTeX and HTML and import each.
"""

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

WORDS = (
    "general purpose artificial intelligence systems capabilities risks evidence policy "
    "researchers evaluation compute training data models deployment safety mitigation "
    "benchmark uncertainty governance societal impact labour market cyber biological "
    "misuse malfunction systemic open weights agents reasoning scaling trends"
).split()


@dataclass
class SampleCounts:
    chapters: int
    sections: int
    figures: int
    tables: int
    footnotes: int
    references: int
    equations: int


def _sentence(rng, words):
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraph(rng, words):
    parts, left = [], words
    while left > 0:
        size = min(left, rng.randint(12, 24))
        parts.append(_sentence(rng, size))
        left -= size
    return " ".join(parts)


def make_image(path, width=1200, height=700, seed=0):
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    bars = 8
    for index in range(bars):
        value = rng.randint(height // 6, height - 40)
        left = 40 + index * (width - 80) // bars
        draw.rectangle([left, height - value, left + (width - 80) // bars - 12, height - 20], fill=(11, 37, 69))
    image.save(path, "PNG")


def write_sample(
    folder, *, chapters=3, sections=3, figures=2, tables=1, notes=1, references=6,
    paragraph_words=120, paragraphs=2, image_size=(1200, 700), title="A sample report", seed=1,
):
    """Write `report.md` and its images into `folder`; return (path, SampleCounts).

    Every chapter has `sections` sections, each with `paragraphs` paragraphs and `notes`
    footnotes; `figures` figures and `tables` tables per chapter, spread over its sections.
    Chapter 1 holds the one equation; each chapter cites references and points to a
    section of the next chapter.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    lines = [
        "---",
        f"title: {title}",
        "author: [Ada Lovelace, Alan Turing]",
        "date: 2026-01-29",
        "link-citations: true",
        "nocite: '@*'",
        "references:",
    ]
    for r in range(1, references + 1):
        lines += [
            f"- id: ref{r}",
            "  type: article-journal",
            f"  title: Study number {r} of general-purpose AI",
            f"  author: [{{family: Author{r}, given: A}}]",
            f"  issued: {{date-parts: [[{2000 + r % 25}]]}}",
        ]
        if r % 3 == 1:
            lines.append(f"  DOI: 10.1000/study.{r}")
        elif r % 3 == 2:
            lines.append(f"  URL: https://arxiv.org/abs/2101.{r:05d}")
        else:
            lines.append(f"  URL: https://example.org/study/{r}")
    lines += ["---", ""]
    figure_number = table_number = note_number = 0
    for c in range(1, chapters + 1):
        lines += [f"# Chapter {c} findings {{#chapter-{c}}}", "", _paragraph(rng, paragraph_words), ""]
        for s in range(1, sections + 1):
            lines += [f"## Topic {c}.{s} in depth {{#sec-{c}-{s}}}", ""]
            for p in range(paragraphs):
                text = _paragraph(rng, paragraph_words)
                if p == 0:
                    for _ in range(notes):
                        note_number += 1
                        text += f"[^n{note_number}]"
                    cited = (c * sections + s) % references + 1
                    text += f" As shown in earlier work [@ref{cited}]."
                    if c < chapters and s == 1:
                        text += f" See [the next chapter](#sec-{c + 1}-1)."
                lines += [text, ""]
            if c == 1 and s == 1:
                lines += ["The relation is $$E = m c^2$$", ""]
            for f in range(figures):
                if f % sections == s - 1:
                    figure_number += 1
                    name = f"figure-{figure_number}.png"
                    make_image(folder / name, *image_size, seed=figure_number)
                    lines += [
                        f"![Bar chart {figure_number}: compute used for training grew each year]({name})"
                        f"{{#fig-{figure_number}}}",
                        "",
                    ]
            for t in range(tables):
                if t % sections == s - 1:
                    table_number += 1
                    lines += [
                        "| Year | Systems | Share |",
                        "|------|---------|-------|",
                        *(f"| {2018 + y} | {rng.randint(1, 99)} | {rng.randint(1, 99)}% |" for y in range(4)),
                        "",
                        f": Systems evaluated per year, table {table_number} {{#tbl-{table_number}}}",
                        "",
                    ]
            if s == 2:
                lines += ["::: {.box custom-style=\"Box\"}", "**Key point.** " + _paragraph(rng, 30), ":::", ""]
        for n in range(note_number - notes * sections + 1, note_number + 1):
            lines += [f"[^n{n}]: Note {n}: " + _sentence(rng, 10), ""]
    lines += ["# References {.unnumbered}", "", "::: {#refs}", ":::", ""]
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    counts = SampleCounts(
        chapters=chapters, sections=chapters * sections, figures=figure_number, tables=table_number,
        footnotes=note_number, references=references, equations=1,
    )
    return path, counts
