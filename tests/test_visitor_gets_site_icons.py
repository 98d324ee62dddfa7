"""Site icons at the addresses browsers, feed readers and phones ask for without a link."""

import io

from PIL import Image


def _get(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, Image.open(io.BytesIO(body))


def test_browser_asking_for_favicon_ico_gets_a_real_icon(client):
    response, icon = _get(client, "/favicon.ico")
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert icon.format == "ICO"
    assert {(16, 16), (32, 32)} <= icon.info["sizes"]


def test_phone_adding_the_site_to_its_home_screen_gets_a_square_icon(client):
    response, icon = _get(client, "/apple-touch-icon.png")
    assert response["Content-Type"] == "image/png"
    assert (icon.format, icon.size, icon.mode) == ("PNG", (180, 180), "RGB")


def test_every_page_names_its_icons(client, db):
    html = client.get("/privacy/").content.decode()
    assert '<link rel="icon" href="/favicon.ico" sizes="48x48">' in html
    assert '<link rel="apple-touch-icon" href="/apple-touch-icon.png">' in html
    assert 'type="image/svg+xml"' in html
