"""The registry's icon: linked from every page, and /favicon.ico (which browsers ask for anyway) is not a 404."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_favicon_ico_leads_to_the_icon_without_logging_in():
    client = Client()
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"] == "/static/web/favicon.ico"
    icon = client.get(response["Location"])
    assert icon.status_code == 200
    assert body(icon)[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def test_pages_link_the_svg_and_ico_icons(world, client_for):
    for page in (Client().get("/login/"), client_for(world.registrar_a).get("/")):
        html = page.content.decode()
        assert 'rel="icon" href="/static/web/favicon.svg"' in html
        assert 'rel="icon" href="/static/web/favicon.ico"' in html
    svg = Client().get("/static/web/favicon.svg")
    assert svg.status_code == 200 and body(svg).startswith(b"<svg")
