"""A chapter page costs a handful of queries whatever its size, and none once cached."""

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publications.models import SiteContent
from tests.editions_helpers import imported, publish, sample

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("size", [1, 4])
def test_a_chapter_page_takes_a_fixed_number_of_queries_and_none_when_cached(client, tmp_path, make_publication, editor, size):
    editor.user_permissions.add(Permission.objects.get(codename="publish_editionversion"))
    publication = make_publication(slug="report")
    path, _ = sample(tmp_path, chapters=2, sections=3 * size, figures=2 * size, tables=size, notes=size)
    publish(imported(path, publication), editor)
    SiteContent.load()  # the site's texts exist (the first load creates them)

    with CaptureQueriesContext(connection) as rendered:
        response = client.get("/publication/report/read/chapter-1/")
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
    assert len(rendered) <= 10, "\n".join(q["sql"][:150] for q in rendered)

    with CaptureQueriesContext(connection) as cached:
        response = client.get("/publication/report/read/chapter-1/")
    assert response["X-Page-Cache"] == "hit"
    assert len(cached) == 0
