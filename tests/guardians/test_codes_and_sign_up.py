"""The school's one-time code and the guardian's sign-up with it (第十一条): random, stored hashed, single-use,
expiring, voided by a new one; a wrong code and a wrong name get the same answer."""

import datetime

import pytest
from django.utils import timezone

from tests.guardians.conftest import sign_up_body
from xueji.accounts.models import User
from xueji.audit.models import AuditEvent
from xueji.guardians import services
from xueji.guardians.models import BindingCode, GuardianLink

pytestmark = pytest.mark.django_db


def test_the_registrar_issues_a_code_shown_once_and_stored_hashed(world, gapi, child):
    response = gapi(world.registrar_a).post(f"/students/{child.key}/guardian-code")
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert len(code) == 19 and code.count("-") == 3
    stored = BindingCode.objects.get(student=child)
    normal = code.replace("-", "")
    assert stored.code_hash == BindingCode.hash_code(normal) and normal not in stored.code_hash
    assert (stored.expires_at - timezone.now()).days in (29, 30)
    row = AuditEvent.objects.get(actor=world.registrar_a, action="guardian.code_issue")
    assert normal not in str(row.details)


def test_a_new_code_voids_the_previous_one(world, gapi, child, issue):
    first = issue(child)
    second = issue(child)
    assert BindingCode.objects.filter(student=child, voided_at__isnull=False).count() == 1
    assert gapi(None).post("/guardian/sign-up", sign_up_body(first)).status_code == 422
    assert gapi(None).post("/guardian/sign-up", sign_up_body(second)).status_code == 201


def test_only_the_students_own_registrar_issues_codes(world, gapi, client_for, child):
    assert gapi(world.leader_a).post(f"/students/{child.key}/guardian-code").status_code == 403
    assert gapi(world.county_xd).post(f"/students/{child.key}/guardian-code").status_code == 403
    assert gapi(world.registrar_b).post(f"/students/{child.key}/guardian-code").status_code == 404
    assert client_for(world.registrar_b).post(f"/students/{child.key}/guardian-code/").status_code == 404
    assert not BindingCode.objects.exists()


def test_sign_up_binds_the_child_and_the_code_is_single_use(world, gapi, child, issue):
    code = issue(child)
    response = gapi(None).post("/guardian/sign-up", sign_up_body(code))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [c["name"] for c in body["children"]] == ["张小明"]
    user = User.objects.get(username="zhang_parent")
    assert user.role == "guardian" and user.school is None and user.division is None
    assert GuardianLink.objects.get(user=user).student == child
    again = gapi(None).post("/guardian/sign-up", sign_up_body(code, username="someone_else"))
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "code_refused"


def test_wrong_code_wrong_name_and_expired_code_answer_alike(world, gapi, child, issue):
    code = issue(child)
    wrong_name = gapi(None).post("/guardian/sign-up", sign_up_body(code, name="张小红"))
    wrong_code = gapi(None).post("/guardian/sign-up", sign_up_body("ABCD-EFGH-JKMN-PQRS"))
    assert wrong_name.status_code == wrong_code.status_code == 422
    assert wrong_name.json() == wrong_code.json()
    assert wrong_name.json()["errors"][0]["article"] == "第十一条"
    BindingCode.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    expired = gapi(None).post("/guardian/sign-up", sign_up_body(code))
    assert expired.json() == wrong_code.json()
    assert not User.objects.filter(role="guardian").exists()
    assert AuditEvent.objects.filter(action="guardian.code_redeem", outcome="failed").count() == 3


def test_a_weak_password_is_refused_without_spending_the_code(world, gapi, child, issue):
    code = issue(child)
    weak = gapi(None).post("/guardian/sign-up", sign_up_body(code, password="123"))
    assert weak.status_code == 422 and weak.json()["errors"][0]["field"] == "password"
    assert BindingCode.objects.get(student=child).used_at is None
    assert gapi(None).post("/guardian/sign-up", sign_up_body(code)).status_code == 201


def test_repeated_failures_from_one_address_are_throttled(world, gapi, child, settings):
    settings.XUEJI_LOGIN_ADDRESS_MAX_FAILURES = 2
    answers = [gapi(None).post("/guardian/sign-up", sign_up_body(f"ABCD-EFGH-JKMN-PQR{n}")).status_code
               for n in range(2, 6)]
    assert answers[:2] == [422, 422] and 429 in answers


def test_a_guardian_adds_another_child_with_its_code(world, gapi, guardian, other_child, issue):
    code = issue(other_child)
    response = gapi(guardian).post("/guardian/children", {"code": code, "child_name": other_child.name})
    assert response.status_code == 201, response.content
    names = sorted(c["name"] for c in gapi(guardian).get("/guardian/children").json())
    assert names == sorted(["张小明", other_child.name])


def test_the_sign_up_page_logs_the_guardian_in(world, client, child, issue):
    code = issue(child)
    page = client.get("/guardian/sign-up/")
    assert page.status_code == 200 and "绑定码" in page.content.decode()
    body = sign_up_body(code, display_name="张爸爸")
    response = client.post("/guardian/sign-up/", body)
    assert response.status_code == 302 and response["Location"] == "/guardian/"
    home = client.get("/guardian/")
    assert "张小明" in home.content.decode()


def test_a_family_finds_the_sign_up_from_the_slip_and_the_login_page(world, client, client_for, child):
    # The code slip is printed and taken home: it names the whole address, not a bare path.
    slip = client_for(world.registrar_a).post(f"/students/{child.key}/guardian-code/").content.decode()
    assert "http://testserver/guardian/sign-up/" in slip
    assert 'href="/guardian/sign-up/"' in client.get("/login/").content.decode()


def test_the_sign_up_page_does_not_echo_the_code(world, client, child):
    response = client.post("/guardian/sign-up/", sign_up_body("WXYZ-WXYZ-WXYZ-WXYZ"))
    assert response.status_code == 422
    assert "WXYZ-WXYZ" not in response.content.decode() and "绑定码或学生姓名不正确" in response.content.decode()


def test_officers_cannot_open_guardian_accounts(world):
    from xueji.accounts.services import create_account
    from xueji.core.errors import RuleViolation

    with pytest.raises(RuleViolation) as exc:
        create_account(world.county_xd, username="p1", password="家长的密码很安全2026", role="guardian")
    assert exc.value.violations[0].code == "guardian_self_service"
    assert services.normalized_code(" abcd-efgh ") == "ABCDEFGH"


def test_the_school_revokes_a_binding_and_the_child_disappears(world, gapi, guardian, child):
    link = GuardianLink.objects.get(user=guardian)
    path = f"/students/{child.key}/guardians/{link.pk}/revoke"
    assert gapi(world.registrar_a).post(path, {"reason": ""}).status_code == 422
    assert gapi(world.leader_a).post(path, {"reason": "绑定码误交他人"}).status_code == 403
    assert gapi(world.registrar_b).post(path, {"reason": "绑定码误交他人"}).status_code == 404
    done = gapi(world.registrar_a).post(path, {"reason": "绑定码误交他人"})
    assert done.status_code == 200 and done.json()["revoked_on"]
    assert gapi(guardian).get(f"/guardian/children/{child.key}").status_code == 404
    assert GuardianLink.objects.filter(pk=link.pk).exists()
    assert gapi(world.registrar_a).post(path, {"reason": "再次"}).status_code == 409
