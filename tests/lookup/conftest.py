"""A registered pupil of school A, a JSON client that speaks from a chosen address, and the limits pinned."""

import json

import pytest
from django.test import Client

from tests import factories as f
from xueji.lookup.services import blocked_addresses

LOOKUP = "/api/v1/public/lookup"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.XUEJI_LOOKUP_PER_MINUTE = 20
    settings.XUEJI_LOOKUP_ID_FAILURES = 5
    settings.XUEJI_LOOKUP_ID_LOCK_MINUTES = 60
    settings.XUEJI_LOOKUP_CAPTCHA_AFTER = 3
    settings.XUEJI_LOOKUP_FAILURE_WINDOW_MINUTES = 60
    settings.XUEJI_LOOKUP_CAPTCHA_SECONDS = 300
    # The process's memory of blocked addresses outlives a test's rolled-back counters: start each test afresh.
    blocked_addresses.forget_all()
    yield
    blocked_addresses.forget_all()


registered = f.registered


@pytest.fixture
def pupil(world, make_student):
    """王小明, 三年级 of 坞城路小学, registered with a G number."""
    return registered(make_student(name="王小明", grade=3))


def ask(body: dict, address: str = "203.0.113.5", client: Client | None = None):
    return (client or Client()).post(LOOKUP, data=json.dumps(body), content_type="application/json",
                                     REMOTE_ADDR=address)
