"""Account pages: an officer's list and the form to open accounts below him; changing one's own password."""

import pytest
from django.test import Client

from tests import factories as f
from tests.web.conftest import rows, text
from xueji.accounts.models import User

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "shanxi-xueji-2026-new"


def new_account(**overrides) -> dict:
    return {"role": "registrar", "org": "1114010502", "username": "reg_new", "password": NEW_PASSWORD,
            "display_name": "赵老师", "phone": "13835100009"} | overrides


def test_county_officer_lists_the_accounts_of_his_county_only(world, client_for):
    response = client_for(world.county_xd).get("/accounts/")
    assert response.status_code == 200
    usernames = {a.username for a in response.context["accounts"]}
    assert {"reg_a", "lead_a", "reg_a2", "xd"} <= usernames
    assert not usernames & {"reg_b", "yz", "reg_high", "ty", "sx"}


def test_county_officer_opens_an_account_for_a_school_of_his_county(world, client_for):
    client = client_for(world.county_xd)
    response = client.post("/accounts/", new_account())
    assert response.status_code == 302
    account = User.objects.get(username="reg_new")
    assert (account.role, account.school, account.created_by) == ("registrar", world.school_a2, world.county_xd)
    assert account.check_password(NEW_PASSWORD)
    assert rows(world.county_xd, action="account.create", object_id="reg_new").exists()
    assert "已建立账号" in text(client.get("/accounts/"))


def test_city_officer_opens_a_county_account(world, client_for):
    response = client_for(world.city_ty).post("/accounts/", new_account(role="county", org="140106", username="yz2"))
    assert response.status_code == 302
    assert User.objects.get(username="yz2").division == world.yingze


def test_an_account_outside_the_jurisdiction_is_refused(world, client_for):
    # Another county's school is absent to him (404, the message beside the field), and the attempt is audited.
    response = client_for(world.county_xd).post("/accounts/", new_account(org=world.school_b.pk))
    assert response.status_code == 404 and "不在您的管辖范围内" in text(response)
    assert response.context["errors"]["org"]
    assert not User.objects.filter(username="reg_new").exists()
    assert rows(world.county_xd, action="account.create", outcome="denied", object_id=world.school_b.pk).count() == 1


def test_a_weak_password_is_refused_beside_the_field(world, client_for):
    response = client_for(world.county_xd).post("/accounts/", new_account(password="12345678"))
    assert response.status_code == 422 and response.context["errors"]["password"]
    assert not User.objects.filter(username="reg_new").exists()


def test_an_unknown_org_code_is_refused_beside_the_field(world, client_for):
    response = client_for(world.county_xd).post("/accounts/", new_account(org="9999999999"))
    assert response.status_code == 422 and "不存在" in response.context["errors"]["org"][0]


def test_a_taken_username_is_a_conflict(world, client_for):
    response = client_for(world.county_xd).post("/accounts/", new_account(username="reg_a"))
    assert response.status_code == 409 and "用户名已被占用" in text(response)


def test_a_role_bound_to_the_wrong_level_is_refused(world, client_for):
    response = client_for(world.city_ty).post("/accounts/", new_account(role="city", org="140105", username="x1"))
    assert response.status_code == 422 and response.context["errors"]["org"]


@pytest.mark.parametrize("who", ["registrar_a", "leader_a", "auditor"])
def test_school_roles_and_auditors_do_not_manage_accounts(world, client_for, who):
    client = client_for(getattr(world, who))
    assert client.get("/accounts/").status_code == 403
    assert client.post("/accounts/", new_account()).status_code == 403
    assert not User.objects.filter(username="reg_new").exists()


def test_user_changes_his_password_and_stays_logged_in(world, client_for):
    client = client_for(world.registrar_a)
    response = client.post("/account/password/", {"old_password": f.PASSWORD, "new_password": NEW_PASSWORD,
                                                  "new_password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert User.objects.get(pk=world.registrar_a.pk).check_password(NEW_PASSWORD)
    assert rows(world.registrar_a, action="account.password").exists()
    fresh = Client()
    assert fresh.post("/login/", {"username": "reg_a", "password": NEW_PASSWORD}).status_code == 302


def test_a_wrong_old_password_is_refused(world, client_for):
    response = client_for(world.registrar_a).post(
        "/account/password/", {"old_password": "wrong", "new_password": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 422 and "原密码不正确" in text(response)
    assert User.objects.get(pk=world.registrar_a.pk).check_password(f.PASSWORD)


def test_the_two_new_passwords_must_match(world, client_for):
    response = client_for(world.registrar_a).post(
        "/account/password/", {"old_password": f.PASSWORD, "new_password": NEW_PASSWORD, "new_password2": "other"})
    assert response.status_code == 422 and "不一致" in text(response)


def test_a_weak_new_password_is_refused(world, client_for):
    response = client_for(world.registrar_a).post(
        "/account/password/", {"old_password": f.PASSWORD, "new_password": "123", "new_password2": "123"})
    assert response.status_code == 422 and response.context["errors"]["new_password"]
