"""Each rule of 第十七–二十条 through the services: refused with its article, and the allowed cases beside them
(same grade, exception granted, discipline lifted, 第十九条 to a 中等职业学校, private → public where the
destination has no private school)."""

import datetime

import pytest

from tests import factories as f
from tests.transfers.conftest import MOVE, proofs
from xueji.applications import services as engine
from xueji.applications.models import Application
from xueji.archive import services as archive
from xueji.core.errors import Forbidden, RuleViolation
from xueji.students.models import Enrolment, Student
from xueji.transfers import services
from xueji.transfers.models import ArchiveHandover, TransferPackage
from xueji.workdays.models import Term

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()
FAMILY = {"transfer_reason": "family_move", "from_division": "140213", "to_division": "140106"}
FAMILY_PROOFS = ("transfer_form", "hukou_transfer")


def start(registrar, student, *, kinds=("transfer_form", "work_change"), **payload):
    body = {**MOVE, "to_grade": student.grade, **payload}
    return services.start_transfer(registrar, student_number=student.student_number, name=student.name,
                                   id_number=student.id_number, payload=body, evidence=proofs(*kinds))


def refused(registrar, student, **kw):
    with pytest.raises(RuleViolation) as caught:
        start(registrar, student, **kw)
    return {v.code: v.article for v in caught.value.violations}


@pytest.fixture
def highs(people):
    """Ordinary high schools on both sides: 大同 (public, private) and 太原 (小店区, 迎泽区)."""
    w = people
    w.datong_high = f.school("1114021301", "大同市第二中学", "342", w.pingcheng)
    w.datong_private = f.school("1114021302", "大同市育才高级中学", "342", w.pingcheng, ownership="private")
    w.xd_high = f.school("1114010503", "太原市小店区第二中学", "342", w.xiaodian)
    w.yz_high = f.school("1114010602", "太原市迎泽区第三中学", "342", w.yingze)
    w.registrar_yz_high = f.user("reg_yzh", "registrar", school=w.yz_high)
    return w


def high_student(enrolled, school, grade=10):
    return enrolled(school=school, grade=grade, birth=datetime.date(2010, 3, 2), entry_mode="21")


# ---------------------------------------------------------------- 第二十条


def test_a_different_grade_is_refused_and_the_same_grade_allowed(people, enrolled):
    w = people
    student = enrolled(grade=3)
    assert refused(w.registrar_b, student, to_grade=4) == {"transfer_grade_changed": "第二十条"}
    assert start(w.registrar_b, student, to_grade=3).status == Application.Status.PENDING


def test_a_school_without_the_grade_is_a_change_of_level(people, enrolled):
    w = people
    codes = refused(w.registrar_a2, enrolled(grade=3), to_division="140105")
    assert codes["transfer_level_changed"] == "第二十条"


def test_mid_term_needs_the_exception_request(people, enrolled):
    w = people
    Term.objects.create(school_year=TODAY.year, number=1, starts_on=TODAY - datetime.timedelta(days=20),
                        ends_on=TODAY + datetime.timedelta(days=60))
    student = enrolled()
    assert refused(w.registrar_b, student) == {"transfer_mid_term": "第二十条"}
    app = start(w.registrar_b, student, mid_term_exception=True)
    assert app.payload["mid_term_exception"] is True


def test_the_graduating_year_is_refused(people, enrolled):
    w = people
    student = enrolled(grade=6, birth=datetime.date(2014, 3, 2))
    assert refused(w.registrar_b, student) == {"transfer_graduating_year": "第二十条"}


def test_a_suspended_student_is_refused(people, enrolled):
    w = people
    student = enrolled()
    Student.objects.filter(pk=student.pk).update(status="休学")
    assert refused(w.registrar_b, student) == {"transfer_while_suspended": "第二十条"}


def test_under_discipline_is_refused_until_the_measure_is_revoked(people, enrolled):
    w = people
    student = enrolled()
    measure = archive.record_discipline(w.registrar_a, student, level="警告", reason="多次旷课",
                                        decided_on=TODAY)
    assert refused(w.registrar_b, student) == {"transfer_under_discipline": "第二十条"}
    archive.revoke_discipline(w.registrar_a, measure.pk, reason="表现良好,期满撤销")
    assert start(w.registrar_b, student).status == Application.Status.PENDING


def test_the_rules_are_judged_again_at_the_last_approval(people, enrolled):
    w = people
    student = enrolled()
    app = start(w.registrar_b, student)
    for actor in (w.leader_b, w.county_yz, w.leader_a):
        engine.approve(actor, app.pk)
    archive.record_discipline(w.registrar_a, student, level="记过", reason="打架", decided_on=TODAY)
    with pytest.raises(RuleViolation) as caught:
        engine.approve(w.county_xd, app.pk)
    assert caught.value.violations[0].article == "第二十条"
    student.refresh_from_db()
    app.refresh_from_db()
    assert student.school_id == w.school_a.pk and app.status == Application.Status.PENDING
    assert app.current_step.order == 4 and not ArchiveHandover.objects.exists()


def test_an_ordinary_high_school_cannot_send_to_a_provincial_model_one(highs, enrolled):
    w = highs
    registrar_high = w.registrar_high
    student = high_student(enrolled, w.datong_high)
    codes = refused(registrar_high, student, kinds=FAMILY_PROOFS, **{**FAMILY, "to_division": "140105"})
    assert codes == {"transfer_into_provincial_model": "第二十条"}


def test_private_to_public_high_school_is_refused_where_a_private_one_exists(highs, enrolled):
    w = highs
    f.school("1114010604", "太原市民办育英中学", "342", w.yingze, ownership="private")
    student = high_student(enrolled, w.datong_private)
    codes = refused(w.registrar_yz_high, student, kinds=FAMILY_PROOFS, **FAMILY)
    assert codes == {"transfer_private_to_public": "第二十条"}


def test_private_to_public_is_arranged_where_the_destination_has_no_private_school(highs, enrolled):
    w = highs
    student = high_student(enrolled, w.datong_private)
    app = start(w.registrar_yz_high, student, kinds=FAMILY_PROOFS, **FAMILY)
    assert app.status == Application.Status.PENDING
    # High-school grades go to the cities: 太原 receives, 大同 sends (第三条).
    assert [s.org_code for s in app.steps.order_by("order")] == [w.yz_high.pk, "140100", w.datong_private.pk, "140200"]


def test_high_schools_of_the_same_city_area_cannot_exchange_students(highs, enrolled):
    w = highs
    student = high_student(enrolled, w.xd_high)
    codes = refused(w.registrar_yz_high, student, kinds=FAMILY_PROOFS, **FAMILY)
    assert codes == {"transfer_same_city_area": "第二十条"}


# ---------------------------------------------------------------- 第十七、十八条


def test_a_reason_outside_the_list_is_refused(people, enrolled):
    w = people
    codes = refused(w.registrar_b, enrolled(), transfer_reason="择校")
    assert codes["transfer_reason_not_allowed"] == "第十七条"


def test_a_move_between_two_districts_of_one_city_does_not_count(people, enrolled):
    w = people
    codes = refused(w.registrar_b, enrolled(), kinds=FAMILY_PROOFS, transfer_reason="family_move",
                    from_division="140105", to_division="140106")
    assert codes == {"transfer_same_city_urban_move": "第十七条"}


def test_a_move_that_crosses_no_boundary_is_refused(people, enrolled):
    w = people
    codes = refused(w.registrar_b, enrolled(), from_division="140106", to_division="140106")
    assert codes == {"transfer_no_boundary_crossed": "第十七条"}


def test_the_stamped_form_is_required(people, enrolled):
    w = people
    codes = refused(w.registrar_b, enrolled(), kinds=("work_change",))
    assert codes == {"transfer_proof_missing": "第十八条"}


def test_the_reasons_own_proof_is_required(people, enrolled):
    w = people
    with pytest.raises(RuleViolation) as caught:
        start(w.registrar_b, enrolled(), kinds=("transfer_form",))
    assert caught.value.violations[0].field == "evidence.work_change"


def test_the_students_own_school_cannot_transfer_him_to_itself(people, enrolled):
    w = people
    codes = refused(w.registrar_a, enrolled(school=w.school_a))
    assert codes == {"transfer_same_school": "第十七条"}


def test_only_a_school_registrar_files_a_transfer(people, enrolled):
    w = people
    student = enrolled()
    with pytest.raises(Forbidden):
        start(w.leader_b, student)
    with pytest.raises(Forbidden):
        start(w.county_yz, student)


# ---------------------------------------------------------------- 第十九条: to a 中等职业学校 (outside the registry)

VOCATIONAL = {"name": "太原市财政金融学校", "county_code": "140105", "school_type": "365", "vocational": True}


def test_a_general_high_school_student_may_leave_for_a_vocational_school(highs, enrolled):
    w = highs
    leader = f.user("lead_dth", "leader", school=w.datong_high)
    student = high_student(enrolled, w.datong_high, grade=11)
    sending_registrar = f.user("reg_dth2", "registrar", school=w.datong_high)
    app = services.start_outgoing(
        sending_registrar, student, payload={"transfer_reason": "senior_to_vocational", "to_grade": 11,
                                             "destination": VOCATIONAL},
        evidence=proofs("transfer_form", "vocational_admission"))
    assert [(s.role, s.org_code) for s in app.steps.order_by("order")] == [("leader", w.datong_high.pk),
                                                                          ("city", "140200")]
    engine.approve(leader, app.pk)
    engine.approve(w.city_dt, app.pk)
    student.refresh_from_db()
    assert student.status == "转出" and student.school_id == w.datong_high.pk
    stay = Enrolment.objects.get(student=student)
    assert stay.exit_reason == "转出" and stay.snapshot["to_school_name"] == "太原市财政金融学校"
    handover = ArchiveHandover.objects.get(application=app)
    assert handover.to_school is None and handover.to_school_name == "太原市财政金融学校"
    assert TransferPackage.objects.get(application=app).body["transfer"]["reason"] == "senior_to_vocational"


def test_only_a_general_high_school_student_may_leave_for_a_vocational_school(people, enrolled):
    w = people
    with pytest.raises(RuleViolation) as caught:
        services.start_outgoing(w.registrar_a, enrolled(school=w.school_a),
                                payload={"transfer_reason": "senior_to_vocational", "destination": VOCATIONAL},
                                evidence=proofs("transfer_form", "vocational_admission"))
    assert {v.code: v.article for v in caught.value.violations}["transfer_vocational_reason_mismatch"] == "第十九条"


def test_a_destination_inside_the_registry_must_start_the_transfer_itself(people, enrolled):
    w = people
    with pytest.raises(RuleViolation) as caught:
        services.start_outgoing(w.registrar_a, enrolled(school=w.school_a),
                                payload={**MOVE, "destination": {"name": "迎泽区某小学", "county_code": "140106",
                                                                 "school_type": "211"}},
                                evidence=proofs())
    assert caught.value.violations[0].code == "transfer_destination_in_registry"


# ---------------------------------------------------------------- 第二十一条: special education


def test_a_disabled_pupil_may_move_to_a_special_school_and_keep_his_record_home(people, enrolled):
    w = people
    special = f.school("1114010609", "太原市迎泽区特殊教育学校", "514", w.yingze)
    registrar = f.user("reg_sp", "registrar", school=special)
    leader = f.user("lead_sp", "leader", school=special)
    student = enrolled(grade=3, disability_type="1", inclusive_study="1")
    app = start(registrar, student, kinds=("transfer_form",), transfer_reason="special_education",
                record_moves=False, from_division="", to_division="")
    for actor in (leader, w.county_yz, w.leader_a, w.county_xd):
        engine.approve(actor, app.pk)
    student.refresh_from_db()
    assert student.school_id == w.school_a.pk and student.status == "在籍"
    assert student.events.filter(kind="转学", note__contains="学籍保留").exists()
    assert not ArchiveHandover.objects.exists()


def test_only_a_disabled_pupil_goes_to_a_special_school(people, enrolled):
    w = people
    special = f.school("1114010609", "太原市迎泽区特殊教育学校", "514", w.yingze)
    registrar = f.user("reg_sp", "registrar", school=special)
    codes = refused(registrar, enrolled(grade=3), kinds=("transfer_form",), transfer_reason="special_education")
    assert codes == {"transfer_special_education_not_disabled": "第二十一条"}
