"""The real content the site launches with (verbatim from the public site, November 2025),
and the artwork drawn for it with Pillow so that no binary files are shipped.
"""

import datetime
import io
import textwrap

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from editorial.actions import Publish

from . import renditions

SITE = {
    "site_name": "International AI Safety Report",
    "hero_title": "International AI Safety Report",
    "hero_lead": "",
    "about_heading": "About the International AI Safety Report",
    "about_text": (
        "The International AI Safety Report is the world’s first comprehensive review of the "
        "latest science on the capabilities and risks of general-purpose AI systems. Written "
        "by over 100 independent experts and led by Turing Award winner Yoshua Bengio, it "
        "represents the largest international collaboration on AI safety research to date. "
        "The Report gives decision-makers a shared global picture of AI's risks and impacts, "
        "serving as the authoritative reference for governments and organisations developing "
        "AI policies worldwide. It is already shaping debates and informing evidence-based "
        "decisions across research and policy communities."
    ),
}

# Citation data stated by the public site: the arXiv identifier of each publication and
# the Report's chair, Yoshua Bengio ("led by Turing Award winner Yoshua Bengio"). The other
# authors, report numbers and licences are not stated there: editors add them.
CHAIR = [{"family": "Bengio", "given": "Yoshua", "role": "chair"}]
ARXIV_IDS = {
    "second-key-update-technical-safeguards-and-risk-management": "2511.19863",
    "first-key-update-capabilities-and-risk-implications": "2510.13653",
    "international-ai-safety-report-2025": "2501.17805",
}

PUBLICATIONS = [
    {
        "title": "Second Key Update: Technical Safeguards and Risk Management",
        "slug": "second-key-update-technical-safeguards-and-risk-management",
        "kind": "key-update",
        "publication_date": datetime.date(2025, 11, 25),
        "cover_alt": "Front cover of report",
        "external_url": "https://arxiv.org/abs/2511.19863",
        "featured": True,
        "hero_label": "Key Updates: Oct and Nov 2025",
        "summary": (
            "This Key Update examines developments in technical approaches to general-purpose "
            "AI risk management, from training models to refuse harmful requests to "
            "watermarking AI-generated content. Since the publication of the 2025 International "
            "AI Safety Report, the number of companies publishing Frontier AI Safety Frameworks "
            "has more than doubled, and researchers have refined techniques for training safer "
            "models and detecting AI-generated content. However, significant gaps remain: "
            "sophisticated attackers can often bypass current defences, and the real-world "
            "effectiveness of many safeguards is uncertain."
        ),
    },
    {
        "title": "First Key Update: Capabilities and Risk Implications",
        "slug": "first-key-update-capabilities-and-risk-implications",
        "kind": "key-update",
        "publication_date": datetime.date(2025, 10, 15),
        "cover_alt": "Front cover of publication, entitled First Key Update",
        "external_url": "https://arxiv.org/abs/2510.13653",
        "featured": False,
        "hero_label": "",
        "summary": (
            "This Key Update covers major breakthroughs in AI capabilities since the "
            "publication of the last Report in January 2025 and some implications for major "
            "risks. New training techniques that allow AI systems to use more computing power "
            "have helped them solve more complex problems, particularly in mathematics, coding, "
            "and other scientific disciplines. These capability improvements also have "
            "implications for multiple risks, including risks from biological weapons and cyber "
            "attacks, and pose new challenges for monitoring and controllability."
        ),
    },
    {
        "title": "International AI Safety Report 2025",
        "slug": "international-ai-safety-report-2025",
        "kind": "annual-report",
        "publication_date": datetime.date(2025, 1, 29),
        "cover_alt": "Report Front Page",
        "external_url": "https://arxiv.org/abs/2501.17805",
        "featured": True,
        "hero_label": "International AI Safety Report: Jan 2025",
        "summary": (
            "The inaugural International AI Safety Report, published in January 2025, is the "
            "first comprehensive review of scientific research on the capabilities and risks of "
            "general-purpose AI systems. Led by Turing Award winner Yoshua Bengio and authored "
            "by over 100 AI experts. It is backed by 30 countries and international "
            "organisations. It represents the largest global collaboration on AI safety to date."
        ),
    },
]

PARTNERS = [
    {
        "name": "UK AI Security Institute",
        "website": "https://www.aisi.gov.uk/",
        "logo_alt": "AISI logo",
        "order": 1,
        "mark": "AISI",
        "colours": ("#ffffff", "#000000"),
    },
    {
        "name": "Mila - Quebec Artificial Intelligence Institute",
        "website": "https://mila.quebec/en",
        "logo_alt": "Mila",
        "order": 2,
        "mark": "Mila",
        "colours": ("#ffffff", "#1f1f3a"),
    },
]

NAVY = (11, 37, 69)
TEAL = (15, 110, 120)


def _font(size, bold=False):
    # Pillow's bundled font scales when FreeType is available; no system fonts needed.
    return ImageFont.load_default(size=size)


def draw_cover(title, kind_label, year):
    """A front cover: navy page, a band of teal, the report's name, the title and year."""
    width, height = 800, 1132
    image = Image.new("RGB", (width, height), NAVY)
    draw = ImageDraw.Draw(image)
    for y in range(height):
        # A soft vertical gradient from navy to a deeper blue.
        shade = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=(int(11 + 8 * shade), int(37 + 30 * shade), int(69 + 50 * shade)),
        )
    draw.rectangle([0, 120, width, 132], fill=TEAL)
    draw.text((64, 170), "INTERNATIONAL", font=_font(34), fill=(200, 220, 235))
    draw.text((64, 212), "AI SAFETY REPORT", font=_font(34), fill=(200, 220, 235))
    y = 420
    for line in textwrap.wrap(title, width=22):
        draw.text((64, y), line, font=_font(56), fill="white")
        y += 72
    draw.text((64, height - 170), kind_label.upper(), font=_font(30), fill=(140, 210, 215))
    draw.text((64, height - 120), str(year), font=_font(30), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()


def draw_logo(mark, background, foreground):
    width, height = 360, 120
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    font = _font(64)
    left, top, right, bottom = draw.textbbox((0, 0), mark, font=font)
    draw.text(
        ((width - (right - left)) / 2 - left, (height - (bottom - top)) / 2 - top),
        mark,
        font=font,
        fill=foreground,
    )
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


# The hero's link labels in each language (the reports' own titles stay in English).
HERO_LABELS = {
    "Key Updates: Oct and Nov 2025": {
        "fr": "Mises à jour clés\xa0: octobre et novembre 2025",
        "es": "Actualizaciones clave: octubre y noviembre de 2025",
        "ru": "Ключевые обновления: октябрь и ноябрь 2025 г.",
        "zh_hans": "关键更新：2025 年 10 月和 11 月",
        "ar": "التحديثات الرئيسية: أكتوبر ونوفمبر 2025",
    },
    "International AI Safety Report: Jan 2025": {
        "fr": "International AI Safety Report\xa0: janvier 2025",
        "es": "International AI Safety Report: enero de 2025",
        "ru": "International AI Safety Report: январь 2025 г.",
        "zh_hans": "International AI Safety Report：2025 年 1 月",
        "ar": "International AI Safety Report: يناير 2025",
    },
}


def translate_hero_labels(publications):
    """Give each seeded hero label its translations where a language has none yet."""
    for publication in publications:
        for language, label in HERO_LABELS.get(publication.hero_label_en, {}).items():
            if not getattr(publication, f"hero_label_{language}"):
                setattr(publication, f"hero_label_{language}", label)


# The seed's publications went live at this time of their publication day.
SEED_GO_LIVE = datetime.time(9, 0)


@transaction.atomic
def load_seed_content():
    """Create whatever of the seed content is missing; never touch what exists.

    Returns a list of human-readable lines describing what was created.
    """
    from .models import PartnerOrganisation, Publication, SiteContent

    created = []
    if not SiteContent.exists():
        SiteContent.objects.create(pk=SiteContent.SINGLETON_PK, **SITE)
        created.append("site texts")

    for entry in PUBLICATIONS:
        if Publication.objects.filter(slug=entry["slug"]).exists():
            continue
        # Live since the date printed on it, as the real publication was; a draft until
        # published, like any new item (editorial.actions.Publish is the one way live).
        go_live = timezone.make_aware(datetime.datetime.combine(entry["publication_date"], SEED_GO_LIVE))
        publication = Publication(
            publish_at=go_live,
            arxiv_id=ARXIV_IDS[entry["slug"]],
            citation_people=CHAIR,
            **entry,
        )
        cover = draw_cover(
            entry["title"], publication.get_kind_display(), entry["publication_date"].year
        )
        publication.cover = ContentFile(cover, name=f"{entry['slug']}.jpg")
        translate_hero_labels([publication])
        publication.save()
        Publish(publication).execute()
        # Made now rather than after the commit: the seed runs before visitors arrive
        # (and tests call it inside a transaction that never commits).
        renditions.refresh(publication, "cover", renditions.COVER)
        created.append(f"publication “{publication.title}”")

    for entry in PARTNERS:
        if PartnerOrganisation.objects.filter(name=entry["name"]).exists():
            continue
        entry = dict(entry)
        mark, (background, foreground) = entry.pop("mark"), entry.pop("colours")
        partner = PartnerOrganisation(**entry)
        partner.logo = ContentFile(
            draw_logo(mark, background, foreground), name=f"{mark.lower()}-logo.png"
        )
        partner.save()
        renditions.refresh(partner, "logo", renditions.LOGO)
        created.append(f"partner “{partner.name}”")
    return created
