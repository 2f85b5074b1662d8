"""No full ID number without a reason (第四十四条): the 附件6 PDF and the student edit page mask the student's
and the guardians' ID numbers by default and show them whole once the user wrote why, the reason in the audit row.
Also the registrar's code page."""

import pytest

from tests import factories as f
from tests.forms.conftest import page_text, read_pdf, require_pdf
from xueji.audit.models import AuditEvent
from xueji.core.masking import mask_id

pytestmark = pytest.mark.django_db


def _pdf_text(client, child, **query) -> tuple[int, str]:
    response = client.get(f"/students/{child.key}/basic-info.pdf", query)
    if response.status_code != 200:
        return response.status_code, response.content.decode()
    return 200, page_text(read_pdf(response.content), 0)


def test_the_basic_info_pdf_masks_ids_by_default(world, client_for, child):
    require_pdf()
    parent_id = child.family.get(position=1).id_number
    status, text = _pdf_text(client_for(world.registrar_a), child)
    assert status == 200
    assert child.id_number not in text and mask_id(child.id_number) in text
    assert parent_id not in text and mask_id(parent_id) in text
    row = AuditEvent.objects.get(actor=world.registrar_a, action="student.print_basic_info")
    assert row.details == {"full_id": False} and row.reason == ""


def test_the_basic_info_pdf_with_a_reason_prints_them_whole(world, api_for, child):
    require_pdf()
    parent_id = child.family.get(position=1).id_number
    response = api_for(world.registrar_a).get(f"/api/v1/students/{child.key}/forms/basic-info.pdf",
                                              {"reason": "家长到校核对签字"})
    assert response.status_code == 200
    text = page_text(read_pdf(response.content), 0)
    assert child.id_number in text and parent_id in text
    row = AuditEvent.objects.get(actor=world.registrar_a, action="student.print_basic_info")
    assert row.details == {"full_id": True} and row.reason == "家长到校核对签字"


def test_a_one_letter_reason_is_refused_with_the_article(world, api_for, child):
    response = api_for(world.registrar_a).get(f"/api/v1/students/{child.key}/forms/basic-info.pdf", {"reason": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["article"] == "第四十四条"


def test_the_edit_page_masks_ids_and_reveals_them_with_a_reason(world, client_for, child):
    parent_id = child.family.get(position=1).id_number
    client = client_for(world.registrar_a)
    masked = client.get(f"/students/{child.key}/edit/").content.decode()
    assert child.id_number not in masked and parent_id not in masked and mask_id(child.id_number) in masked
    revealed = client.get(f"/students/{child.key}/edit/", {"reason": "核对家长身份证"}).content.decode()
    assert child.id_number in revealed and parent_id in revealed
    row = AuditEvent.objects.get(actor=world.registrar_a, action="student.unmask_id")
    assert row.reason == "核对家长身份证"


def test_a_new_guardian_id_is_typed_without_seeing_the_old_one(world, client_for, child):
    client = client_for(world.registrar_a)
    context = client.get(f"/students/{child.key}/edit/").context
    values = {fld["name"]: fld["value"] for s in context["sections"] for fld in s["fields"] if fld["editable"]}
    values |= {fld["name"]: fld["value"] for b in context["family"] for fld in b["fields"]}
    new_id = f.make_id(seq=88)
    values["family-0-id_number"] = new_id
    assert client.post(f"/students/{child.key}/edit/", values).status_code == 302
    assert child.family.get(position=1).id_number == new_id


def test_an_outsider_cannot_print_or_edit(world, client_for, child):
    assert client_for(world.registrar_b).get(f"/students/{child.key}/basic-info.pdf", {"reason": "核对"}).status_code == 404
    assert client_for(world.registrar_b).get(f"/students/{child.key}/edit/", {"reason": "核对"}).status_code == 404
    assert not AuditEvent.objects.filter(action="student.unmask_id").exists()


def test_the_code_page_shows_a_new_code_once(world, client_for, child, guardian):
    client = client_for(world.registrar_a)
    page = client.get(f"/students/{child.key}/guardian-code/")
    assert page.status_code == 200 and "parent_zhang" in page.content.decode()
    issued = client.post(f"/students/{child.key}/guardian-code/")
    code = issued.context["code"]
    assert code in issued.content.decode()
    assert code not in client.get(f"/students/{child.key}/guardian-code/").content.decode()
    leader = client_for(world.leader_a).post(f"/students/{child.key}/guardian-code/")
    assert leader.status_code == 403
    detail = client.get(f"/students/{child.key}/").content.decode()
    assert f"/students/{child.key}/guardian-code/" in detail
