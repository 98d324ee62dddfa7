"""The launch publications' arXiv identifiers and chair (publications.seed), for sites
seeded before the bibliographic fields existed. Fields an editor already filled stay."""

from django.db import migrations

# As in publications.seed (copied: a migration must not change when the seed does).
CHAIR = [{"family": "Bengio", "given": "Yoshua", "role": "chair"}]
ARXIV_IDS = {
    "second-key-update-technical-safeguards-and-risk-management": "2511.19863",
    "first-key-update-capabilities-and-risk-implications": "2510.13653",
    "international-ai-safety-report-2025": "2501.17805",
}


def fill(apps, schema_editor):
    Publication = apps.get_model("publications", "Publication")
    for slug, arxiv_id in ARXIV_IDS.items():
        for publication in Publication.objects.filter(slug=slug):
            if not publication.arxiv_id:
                publication.arxiv_id = arxiv_id
            if not publication.citation_people:
                publication.citation_people = CHAIR
            publication.save(update_fields=["arxiv_id", "citation_people"])


class Migration(migrations.Migration):
    dependencies = [("publications", "0011_bibliographic_fields")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
