"""The access application (第四十四条) through the services: who approves, the written decision, and what a grant
covers in scope and time."""

import datetime

import pytest
from django.utils import timezone

from tests.access.conftest import LATER, TODAY, request_for, scan
from xueji.access import services
from xueji.access.models import AccessGrant
from xueji.applications.models import Application
from xueji.core.errors import NotFound, RuleViolation

pytestmark = pytest.mark.django_db
A44 = "第四十四条"


def codes(exc) -> set[tuple[str, str]]:
    return {(v.code, v.article) for v in exc.value.violations}


def test_school_scope_goes_to_the_county_and_approval_opens_a_grant(people, granted):
    grant = granted()
    step = grant.application.steps.get()
    assert (step.org_code, step.role, step.decider) == ("140105", "county", people.county_xd2)
    assert grant.grantee == people.county_xd and grant.school == people.school_a
    assert grant.application.status == Application.Status.APPROVED and grant.application.student is None
    assert grant.application.evidence.get().kind == "access_decision"


@pytest.mark.parametrize(("scope", "authority"), [
    ({"scope_kind": "school", "school": "3114010001"}, "140100"),  # a city-run high school: the city
    ({"scope_kind": "division", "division": "140100", "school": None}, "140100"),
    ({"scope_kind": "division", "division": "140000", "school": None}, "140000"),
])
def test_the_scope_names_its_competent_authority(people, scope, authority):
    application = request_for(people.province_officer, **scope)
    assert application.steps.get().org_code == authority


def test_students_of_two_counties_go_to_their_common_city(people, enrolled):
    a, b = enrolled(), enrolled(school=people.school_b)
    application = request_for(people.county_xd, scope_kind="students", school=None,
                              students=[a.student_number, b.student_number], use="view")
    assert application.steps.get().org_code == "140100"


def test_approval_without_the_written_decision_is_refused(people):
    application = request_for(people.county_xd)
    with pytest.raises(RuleViolation) as exc:
        services.decide(people.county_xd2, application.pk, approve=True, scan=None)
    assert ("access_decision_required", A44) in codes(exc)
    assert not AccessGrant.objects.exists()


def test_no_one_approves_his_own_request(people):
    application = request_for(people.county_xd)
    with pytest.raises(RuleViolation) as exc:
        services.decide(people.county_xd, application.pk, approve=True, scan=scan())
    assert ("access_self_approval", A44) in codes(exc)
    assert not application.evidence.exists()  # the scan went with the refused transaction


@pytest.mark.parametrize(("fields", "code"), [
    ({"purpose": ""}, "access_purpose"),
    ({"requester_kind": "court", "requester_name": ""}, "access_requester_name"),
    ({"valid_until": (TODAY - datetime.timedelta(days=1)).isoformat()}, "access_period_reversed"),
    ({"valid_until": (TODAY + datetime.timedelta(days=400)).isoformat()}, "access_period_too_long"),
    ({"school": "9999999999"}, "access_unknown_school"),
])
def test_an_incomplete_request_is_refused_with_the_article(people, fields, code):
    with pytest.raises(RuleViolation) as exc:
        request_for(people.county_xd, **fields)
    assert (code, A44) in codes(exc)


def test_grant_covers_its_school_within_its_dates_only(people, granted):
    grant = granted()
    assert services.grant_for(people.county_xd, school=people.school_a) == grant
    assert services.grant_for(people.county_xd, school=people.school_a2) is None
    assert services.grant_for(people.county_xd2, school=people.school_a) is None  # another account
    assert services.grant_for(people.county_xd, school=people.school_a, today=LATER + datetime.timedelta(days=1)) is None


def test_a_view_grant_does_not_allow_an_export(people, granted):
    granted(use="view")
    assert services.grant_for(people.county_xd, school=people.school_a, purpose="view") is not None
    assert services.grant_for(people.county_xd, school=people.school_a, purpose="export") is None


def test_a_grade_grant_covers_that_grade_only(people, granted):
    granted(grade=3)
    assert services.grant_for(people.county_xd, school=people.school_a, grade=3) is not None
    assert services.grant_for(people.county_xd, school=people.school_a) is None


def test_revocation_is_dated_and_ends_the_grant(people, granted):
    grant = granted()
    services.revoke(people.county_xd2, grant.pk, reason="研究已结束")
    grant.refresh_from_db()
    assert grant.revoked_at is not None and grant.revoked_by == people.county_xd2
    assert services.grant_for(people.county_xd, school=people.school_a) is None
    assert AccessGrant.objects.filter(pk=grant.pk).exists()  # kept, never deleted


def test_revocation_needs_a_reason_and_the_approving_authority(people, granted):
    grant = granted()
    with pytest.raises(RuleViolation) as exc:
        services.revoke(people.county_xd2, grant.pk, reason=" ")
    assert ("revoke_reason_required", A44) in codes(exc)
    with pytest.raises(NotFound):
        services.revoke(people.county_yz, grant.pk, reason="越权")


def test_outside_party_request_names_the_requester_and_the_grantee(people, enrolled, granted):
    student = enrolled()
    grant = granted(actor=people.county_yz, approver=people.county_xd2, scope_kind="students", school=None,
                    students=[student.student_number], use="view", requester_kind="court",
                    requester_name="小店区人民法院", grantee="yz2")
    assert grant.grantee == people.county_yz2 and grant.requester_name == "小店区人民法院"
    assert list(grant.students.all()) == [student]
    assert grant.granted_at <= timezone.now()


def test_the_gate_for_one_students_full_id_pdf(people, enrolled):
    """The 附件6 PDF with full IDs: the student's own school prints it as daily work; an officer needs a grant."""
    from xueji.access.models import ConsultationEntry

    student = enrolled()
    what = "学生基本信息表(附件6)"
    assert services.authorize(people.registrar_a, purpose="export", what=what, students=[student]).kind == "daily"
    with pytest.raises(RuleViolation) as exc:
        services.authorize(people.county_xd, purpose="export", what=what, students=[student])
    assert ("access_not_granted", A44) in codes(exc)
    assert list(ConsultationEntry.objects.order_by("id").values_list("outcome", "student")) == [
        ("ok", student.pk), ("denied", student.pk)]
