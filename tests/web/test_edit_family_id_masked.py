"""The edit form shows a family member's ID number masked, as the record page and the API do (第四十四条): a
registrar opening the form to fix a phone number does not see the guardian's whole ID. Posting the masked number
back means "unchanged"; typing a new number changes it."""

import pytest

from tests import factories as f
from tests.web.conftest import text
from xueji.core.masking import mask_id
from xueji.students.models import StatusEvent

pytestmark = pytest.mark.django_db


def _form_values(context) -> dict:
    values = {fld["name"]: fld["value"] for s in context["sections"] for fld in s["fields"] if fld["editable"]}
    return values | {fld["name"]: fld["value"] for b in context["family"] for fld in b["fields"]}


def test_the_edit_form_masks_the_guardians_id_number(world, client_for, make_student):
    student = make_student()
    guardian = student.family.get(position=1)
    assert guardian.id_number
    body = text(client_for(world.registrar_a).get(f"/students/{student.key}/edit/"))
    assert guardian.id_number not in body and mask_id(guardian.id_number) in body


def test_the_masked_number_posted_back_leaves_the_guardian_unchanged(world, client_for, make_student):
    student = make_student()
    stored = student.family.get(position=1).id_number
    client = client_for(world.registrar_a)
    values = _form_values(client.get(f"/students/{student.key}/edit/").context)
    assert values["family-0-id_number"] == mask_id(stored)
    values["phone"] = "13935100009"
    assert client.post(f"/students/{student.key}/edit/", values).status_code == 302
    assert student.family.get(position=1).id_number == stored
    assert set(StatusEvent.objects.get(student=student, kind="信息维护").changes) == {"phone"}


def test_a_new_guardian_id_number_typed_in_is_saved(world, client_for, make_student):
    student = make_student()
    new_id = f.make_id(seq=77)
    client = client_for(world.registrar_a)
    values = _form_values(client.get(f"/students/{student.key}/edit/").context)
    values["family-0-id_number"] = new_id
    assert client.post(f"/students/{student.key}/edit/", values).status_code == 302
    assert student.family.get(position=1).id_number == new_id


def test_an_outsider_cannot_open_the_edit_form(world, client_for, make_student):
    student = make_student()
    assert client_for(world.registrar_b).get(f"/students/{student.key}/edit/").status_code == 404
