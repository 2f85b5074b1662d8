"""发起学籍异动 pages: the menu drawn from the transition table, one form per type with reasons, proof inputs,
chain and deadlines, refusals beside the fields with their article, and outsiders refused."""

import datetime

import pytest

from tests.changes_ui.conftest import TODAY, enrol, scan, suspend
from tests.web.conftest import text
from xueji.applications.models import Application, Evidence
from xueji.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def menu_types(response) -> list[str]:
    return [row["type"] for row in response.context["rows"]]


# ------------------------------------------------------------------ menu


def test_menu_lists_only_what_the_status_allows(world, client_for, pupil):
    response = client_for(world.registrar_a).get(f"/students/{pupil.key}/changes/")
    assert response.status_code == 200
    types = menu_types(response)
    assert {"suspension", "withdrawal", "death", "dropout", "missing", "info_change"} <= set(types)
    # Not from 在籍: resumption, extension, dropout_return; not for a pupil: automatic withdrawal (高中 only).
    assert not {"resumption", "suspension_extension", "dropout_return", "auto_withdrawal"} & set(types)
    assert f"/students/{pupil.key}/changes/suspension/" in text(response)
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="student.changes").exists()


def test_menu_of_a_suspended_student_offers_resumption_and_extension(world, client_for, pupil):
    suspend(world, pupil)
    types = menu_types(client_for(world.registrar_a).get(f"/students/{pupil.key}/changes/"))
    assert {"resumption", "suspension_extension", "withdrawal", "death"} <= set(types)
    assert "suspension" not in types and "dropout" not in types


def test_menu_of_a_high_school_student_has_automatic_withdrawal_not_dropout(people, client_for, senior):
    types = menu_types(client_for(people.registrar_high).get(f"/students/{senior.key}/changes/"))
    assert "auto_withdrawal" in types and "dropout" not in types


def test_student_page_links_to_the_menu_and_the_timeline(world, client_for, pupil):
    body = text(client_for(world.registrar_a).get(f"/students/{pupil.key}/"))
    assert f"/students/{pupil.key}/changes/" in body and f"/students/{pupil.key}/timeline/" in body
    leader_body = text(client_for(world.leader_a).get(f"/students/{pupil.key}/"))
    assert f"/students/{pupil.key}/changes/" not in leader_body and "/timeline/" in leader_body


@pytest.mark.parametrize("who, status", [("registrar_b", 404), ("county_yz", 404), ("leader_a", 403),
                                         ("county_xd", 403), ("auditor", 404)])
def test_outsiders_cannot_open_the_menu_or_a_form(world, client_for, pupil, who, status):
    client = client_for(getattr(world, who))
    assert client.get(f"/students/{pupil.key}/changes/").status_code == status
    assert client.get(f"/students/{pupil.key}/changes/suspension/").status_code == status
    assert client.post(f"/students/{pupil.key}/changes/death/", {"known_on": TODAY.isoformat(),
                                                                 "proof_death_proof": scan()}).status_code == status
    assert not Application.objects.exists()


# ------------------------------------------------------------------ the form


def test_suspension_form_shows_reasons_proofs_chain_and_articles(world, client_for, pupil):
    response = client_for(world.registrar_a).get(f"/students/{pupil.key}/changes/suspension/")
    assert response.status_code == 200
    body = text(response)
    assert 'name="reason"' in body and 'value="illness"' in body and "第二十三条" in body
    assert 'name="proof_suspension_form"' in body and "《山西省中小学生休学、复学申请表》(附件7)" in body
    assert 'name="proof_medical_county"' in body and "县级以上医疗单位出具的检查证明" in body
    chain = response.context["form"]["chain"]["steps"]
    assert [(s["role"], s["org"]) for s in chain] == [("leader", world.school_a.pk), ("county", "140105")]
    assert "学校审核" in body and "小店区" in body
    assert f'value="{TODAY.isoformat()}"' in body  # the start date defaults to today


def test_suspension_filed_from_the_page_carries_its_proof_kinds(world, client_for, pupil):
    end = TODAY + datetime.timedelta(days=300)
    response = client_for(world.registrar_a).post(f"/students/{pupil.key}/changes/suspension/", {
        "reason": "illness", "start": TODAY.isoformat(), "end": end.isoformat(), "hours_needed": "200",
        "term_hours": "500", "note": "监护人书面申请已收",
        "proof_suspension_form": scan("form"), "proof_medical_county": scan("hospital"),
    })
    app = Application.objects.get(type="suspension")
    assert response.status_code == 302 and response["Location"] == f"/applications/{app.pk}/"
    assert app.payload == {"reason": "illness", "start": TODAY.isoformat(), "end": end.isoformat(),
                           "hours_needed": 200, "term_hours": 500}
    assert app.reason == "监护人书面申请已收"
    assert sorted(Evidence.objects.filter(application=app).values_list("kind", flat=True)) == [
        "medical_county", "suspension_form"]
    assert AuditEvent.objects.filter(actor=world.registrar_a, action="application.submit").exists()


def test_missing_hospital_proof_is_shown_beside_its_input_with_article_24(world, client_for, pupil):
    response = client_for(world.registrar_a).post(f"/students/{pupil.key}/changes/suspension/", {
        "reason": "illness", "start": TODAY.isoformat(),
        "end": (TODAY + datetime.timedelta(days=200)).isoformat(), "hours_needed": "200", "term_hours": "500",
        "proof_suspension_form": scan(),
    })
    assert response.status_code == 422
    errors = response.context["errors"]
    assert any("第二十四条" in e and "县级以上医疗单位" in e for e in errors["proof_medical_county"])
    assert response.context["values"]["hours_needed"] == "200"  # what was typed stays
    assert not Application.objects.exists()


def test_too_few_hours_and_a_too_long_period_are_refused_beside_their_fields(world, client_for, pupil):
    response = client_for(world.registrar_a).post(f"/students/{pupil.key}/changes/suspension/", {
        "reason": "illness", "start": TODAY.isoformat(),
        "end": (TODAY + datetime.timedelta(days=500)).isoformat(), "hours_needed": "100", "term_hours": "500",
        "proof_suspension_form": scan(), "proof_medical_county": scan(),
    })
    assert response.status_code == 422
    errors = response.context["errors"]
    assert any("第二十三条" in e for e in errors["hours_needed"])
    assert any("第二十四条" in e for e in errors["end"])


def test_withdrawal_form_of_a_pupil_asks_for_the_township_approval(world, client_for, pupil):
    url = f"/students/{pupil.key}/changes/withdrawal/"
    form = client_for(world.registrar_a).get(url).context["form"]
    assert [r["code"] for r in form["reasons"]] == ["loss_of_ability", "settle_abroad"]
    proofs = {p["kind"]: p for p in form["proofs"]}
    assert proofs["township_approval"]["always"] and proofs["withdrawal_form"]["always"]
    assert proofs["passport_copy"]["needed_by"] == ["出国出境定居"]
    assert [s["role"] for s in form["chain"]["steps"]] == ["leader", "county"]
    refused = client_for(world.registrar_a).post(url, {"ground": "settle_abroad", "proof_withdrawal_form": scan(),
                                                       "proof_passport_copy": scan(), "proof_hukou_copy": scan()})
    assert refused.status_code == 422
    assert any("第二十八条" in e for e in refused.context["errors"]["proof_township_approval"])
    ok = client_for(world.registrar_a).post(url, {
        "ground": "settle_abroad", "proof_withdrawal_form": scan(), "proof_passport_copy": scan(),
        "proof_hukou_copy": scan(), "proof_township_approval": scan()})
    assert ok.status_code == 302
    assert Application.objects.get(type="withdrawal").payload == {"ground": "settle_abroad"}


def test_withdrawal_for_a_ground_the_stage_does_not_allow_names_article_28(world, client_for, pupil):
    response = client_for(world.registrar_a).post(f"/students/{pupil.key}/changes/withdrawal/", {
        "ground": "judicial", "proof_withdrawal_form": scan(), "proof_township_approval": scan()})
    assert response.status_code == 422
    assert any("第二十八条" in e for e in response.context["errors"]["ground"])


def test_death_form_shows_the_ten_working_day_deadline_and_files(world, client_for, pupil):
    url = f"/students/{pupil.key}/changes/death/"
    body = text(client_for(world.registrar_a).get(url))
    assert "10个工作日内" in body and "第三十二条" in body and 'name="proof_death_proof"' in body
    refused = client_for(world.registrar_a).post(url, {"known_on": TODAY.isoformat()})
    assert refused.status_code == 422
    assert any("第三十二条" in e for e in refused.context["errors"]["proof_death_proof"])
    ok = client_for(world.registrar_a).post(url, {"known_on": TODAY.isoformat(), "proof_death_proof": scan()})
    app = Application.objects.get(type="death")
    assert ok.status_code == 302 and app.evidence.get().kind == "death_proof"


def test_dropout_form_records_the_report_recipients(world, client_for, pupil):
    url = f"/students/{pupil.key}/changes/dropout/"
    form = client_for(world.registrar_a).get(url).context["form"]
    recipients = next(f for f in form["fields"] if f["name"] == "reported_to")["choices"]
    assert [c["code"] for c in recipients] == ["township", "county"]
    refused = client_for(world.registrar_a).post(url, {"reported_to": ["county"], "proof_dropout_report": scan()})
    assert refused.status_code == 422
    assert any("乡镇人民政府" in e and "第三十三条" in e for e in refused.context["errors"]["reported_to"])
    assert refused.context["values"]["reported_to"] == ["county"]
    ok = client_for(world.registrar_a).post(url, {"reported_to": ["township", "county"],
                                                  "proof_dropout_report": scan()})
    assert ok.status_code == 302
    assert Application.objects.get(type="dropout").payload == {"reported_to": ["township", "county"]}


def test_a_second_pending_application_of_the_same_type_is_a_conflict(world, client_for, pupil):
    url = f"/students/{pupil.key}/changes/death/"
    data = {"known_on": TODAY.isoformat()}
    assert client_for(world.registrar_a).post(url, {**data, "proof_death_proof": scan()}).status_code == 302
    again = client_for(world.registrar_a).post(url, {**data, "proof_death_proof": scan()})
    assert again.status_code == 409 and "请勿重复提交" in text(again)
    assert menu_row(client_for(world.registrar_a), pupil, "death")["pending"]


def menu_row(client, student, type_code):
    rows = client.get(f"/students/{student.key}/changes/").context["rows"]
    return next(r for r in rows if r["type"] == type_code)


def test_resumption_offers_the_grade_left_or_the_next_and_refuses_repetition(world, client_for, pupil):
    suspend(world, pupil)
    url = f"/students/{pupil.key}/changes/resumption/"
    form = client_for(world.registrar_a).get(url).context["form"]
    assert [c["code"] for c in form["fields"][0]["choices"]] == ["3", "4"]
    refused = client_for(world.registrar_a).post(url, {"grade": "2"})
    assert refused.status_code == 422 and any("第二十三条" in e for e in refused.context["errors"]["grade"])
    assert client_for(world.registrar_a).post(url, {"grade": "4"}).status_code == 302


def test_an_unparseable_truancy_week_is_a_400_beside_its_field(people, client_for, senior):
    response = client_for(people.registrar_high).post(f"/students/{senior.key}/changes/auto_withdrawal/", {
        "ground": "truancy", "truancy_weeks": "第一周", "proof_family_contact_record": scan()})
    assert response.status_code == 400
    assert response.context["errors"]["truancy_weeks"]


def test_a_type_without_a_start_form_is_404(world, client_for, pupil):
    assert client_for(world.registrar_a).get(f"/students/{pupil.key}/changes/transfer/").status_code == 404
    assert client_for(world.registrar_a).get(f"/students/{pupil.key}/changes/nonsense/").status_code == 404


def test_a_status_the_table_does_not_allow_is_refused_by_the_service(world, client_for, make_student):
    pending = make_student(name="待注册生")  # 待注册: no dropout yet
    url = f"/students/{pending.key}/changes/dropout/"
    page = client_for(world.registrar_a).get(url)
    assert not page.context["status_allowed"]
    refused = client_for(world.registrar_a).post(url, {"reported_to": ["township", "county"],
                                                       "proof_dropout_report": scan()})
    assert refused.status_code == 422 and "第三十三条" in text(refused)
    assert enrol(pending).status == "在籍"
