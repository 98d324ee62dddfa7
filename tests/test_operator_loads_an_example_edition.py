"""An example edition only on purpose (`manage.py load_example_edition`), saying on every
page that it is an example; the publication's page then links to the edition."""

import re

import pytest
from django.core.management import call_command

from editions.models import Edition

pytestmark = pytest.mark.django_db


def test_the_example_says_so_on_every_page(client, make_publication):
    make_publication(slug="report")
    assert not Edition.objects.exists()
    call_command("load_example_edition", publication="report")
    edition = Edition.objects.get()
    assert edition.example and edition.current_version.is_published

    home = client.get("/publication/report/read/").text
    paths = ["/publication/report/read/", "/publication/report/read/references/", "/publication/report/read/versions/"]
    paths += [f"/publication/report/read/{i}/" for i in re.findall(r'<h3><a href="/publication/report/read/([^/"]+)/"', home)]
    paths += ["/publication/report/read/fig-1/", "/publication/report/read/tbl-1/", "/fr/publication/report/read/chapter-1/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        assert 'class="reader-example"' in response.text, path

    detail = client.get("/publication/report/").text
    assert 'href="/publication/report/read/">Read the report online</a>' in detail
