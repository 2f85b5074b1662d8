"""Helpers for the page tests: a record as the new-student form posts it, and audit-row lookups."""

import pytest
from django.test import Client

from tests import factories as f
from xueji.audit.models import AuditEvent


def form_data(**overrides) -> dict:
    """student_payload as the new-student form sends it: flat inputs, family members as family-<i>-<name>."""
    payload = f.student_payload(**overrides)
    family = payload.pop("family")
    data = {k: str(v) for k, v in payload.items()}
    for i, member in enumerate(family):
        data.update({f"family-{i}-{k}": str(v) for k, v in member.items()})
    return data


def text(response) -> str:
    return response.content.decode()


def rows(user=None, **filters):
    qs = AuditEvent.objects.filter(**filters)
    return qs.filter(actor=user) if user is not None else qs


@pytest.fixture
def anonymous():
    return Client()


@pytest.fixture
def csrf_client():
    """A browser that, like a real one, is held to the CSRF check."""

    def make(user=None):
        client = Client(enforce_csrf_checks=True)
        if user is not None:
            client.force_login(user)
        return client

    return make
