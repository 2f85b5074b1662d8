"""转学 (第十七–二十二条): every rule has an allowed case and a refused case that names its article."""

import dataclasses
import datetime as dt

import pytest

from tests.policy.rule_cases import case, check_case, check_coverage
from xueji.policy.changes import transfer
from xueji.policy.changes.common import SchoolFacts, StudentFacts
from xueji.policy.violations import WARNING

# A high-school student of 太原 (小店区) whose family moved its 户籍 to 大同 (平城区).
STUDENT = StudentFacts(grade=11)
SOURCE = SchoolFacts("3414010501", "高级中学", city_code="140100", county_code="140105", city_district=True)
DESTINATION = SchoolFacts(
    "3414021301", "高级中学", city_code="140200", county_code="140213", city_district=True
)
PROOFS = ("transfer_form", "hukou_transfer", "work_change", "vocational_admission", "work_study_agreement")
VOCATIONAL = SchoolFacts(
    "3614010901", vocational=True, city_code="140100", county_code="140109", city_district=True
)
PRIMARY = SchoolFacts("2114010501", "小学", city_code="140100", county_code="140105", city_district=True)
SPECIAL = SchoolFacts("5114010601", "培智学校", city_code="140100", county_code="140106", city_district=True)
WORK_STUDY = SchoolFacts(
    "3714010701", "工读学校", city_code="140100", county_code="140107", city_district=True
)
JUNIOR = SchoolFacts("3114010501", "初级中学", city_code="140100", county_code="140105", city_district=True)
QINGXU_HIGH = SchoolFacts("3414012101", "高级中学", city_code="140100", county_code="140121")
HEBEI_HIGH = SchoolFacts(
    "3413010201", "高级中学", city_code="130100", county_code="130102", city_district=True
)


def run(student=None, source=None, destination=None, **kw):
    """check_transfer on the base application, with facts and keywords overridden."""
    args = {
        "reason": "family_move",
        "from_division": "140105",
        "to_division": "140213",
        "proofs": PROOFS,
    } | kw
    return transfer.check_transfer(
        dataclasses.replace(STUDENT, **(student or {})),
        dataclasses.replace(SOURCE, **(source or {})) if isinstance(source, dict | None) else source,
        dataclasses.replace(DESTINATION, **(destination or {}))
        if isinstance(destination, dict | None)
        else destination,
        **args,
    )


def to_vocational(**kw):
    return run(reason="senior_to_vocational", destination=VOCATIONAL, **kw)


def special(**kw):
    args = {
        "student": {"grade": 4, "disabled": True},
        "source": PRIMARY,
        "destination": SPECIAL,
        "reason": "special_education",
    } | kw
    return run(**args)


def work_study(**kw):
    args = {"student": {"grade": 8}, "source": JUNIOR, "destination": WORK_STUDY, "reason": "work_study"} | kw
    return run(**args)


A14, A17, A18, A19, A20, A21, A22 = (
    "第十四条",
    "第十七条",
    "第十八条",
    "第十九条",
    "第二十条",
    "第二十一条",
    "第二十二条",
)
DONE = dt.date(2026, 3, 2)

CASES = [
    case("transfer_not_enrolled", A17, lambda: run(), lambda: run(student={"status": "辍学"})),
    case("transfer_while_suspended", A20, lambda: run(), lambda: run(student={"status": "休学"})),
    case(
        "transfer_under_discipline",
        A20,
        lambda: work_study(student={"grade": 8, "under_discipline": True}),
        lambda: run(student={"under_discipline": True}),
    ),
    case("transfer_reason_not_allowed", A17, lambda: run(reason="work_move"), lambda: run(reason="择校")),
    case("transfer_division_missing", A17, lambda: run(), lambda: run(from_division="")),
    case(
        "transfer_no_boundary_crossed",
        A17,
        lambda: run(),
        lambda: run(to_division="140105", destination={"county_code": "140105", "city_code": "140100"}),
    ),
    case(
        "transfer_same_city_urban_move",
        A17,
        lambda: run(to_division="140121", destination=QINGXU_HIGH),
        lambda: run(to_division="140106", destination={"county_code": "140106", "city_code": "140100"}),
    ),
    case(
        "transfer_destination_outside_new_home",
        A17,
        lambda: run(),
        lambda: run(destination={"county_code": "140212"}),
    ),
    case(
        "transfer_vocational_reason_mismatch",
        A19,
        lambda: to_vocational(),
        lambda: run(reason="senior_to_vocational"),
    ),
    case(
        "transfer_vocational_outside_province",
        A19,
        lambda: to_vocational(),
        lambda: run(
            reason="senior_to_vocational",
            destination=dataclasses.replace(VOCATIONAL, city_code="130100", county_code="130102"),
        ),
    ),
    case(
        "transfer_special_education_mismatch",
        A21,
        lambda: special(),
        lambda: special(destination=dataclasses.replace(PRIMARY, code="2114010502")),
    ),
    case(
        "transfer_special_education_not_disabled",
        A21,
        lambda: special(student={"grade": 4}, source=SPECIAL, destination=PRIMARY),
        lambda: special(student={"grade": 4}),
    ),
    case(
        "transfer_work_study_destination",
        A21,
        lambda: work_study(),
        lambda: work_study(destination=dataclasses.replace(JUNIOR, code="3114010502")),
    ),
    case(
        "transfer_record_must_move", A14, lambda: special(record_moves=False), lambda: run(record_moves=False)
    ),
    case("transfer_grade_changed", A20, lambda: run(to_grade=11), lambda: run(to_grade=10)),
    case(
        "transfer_level_changed",
        A20,
        lambda: run(),
        lambda: run(destination=dataclasses.replace(JUNIOR, city_code="140200", county_code="140213")),
    ),
    case(
        "transfer_mid_term",
        A20,
        lambda: run(mid_term=True, exception_granted=True),
        lambda: run(mid_term=True),
    ),
    case(
        "transfer_graduating_year",
        A20,
        lambda: run(
            student={"grade": 6},
            source=SchoolFacts("3114010502", "九年一贯制学校", city_code="140100", county_code="140105"),
            destination={"school_type": "九年一贯制学校"},
        ),
        lambda: run(student={"grade": 6}, source=PRIMARY, destination={"school_type": "小学"}),
    ),
    case(
        "transfer_into_provincial_model",
        A20,
        lambda: run(source={"provincial_model": True}, destination={"provincial_model": True}),
        lambda: run(destination={"provincial_model": True}),
    ),
    case(
        "transfer_private_to_public",
        A20,
        lambda: run(source={"ownership": "private"}, destination={"ownership": "private"}),
        lambda: run(source={"ownership": "private"}),
    ),
    case(
        "transfer_private_to_public_arranged",
        A20,
        lambda: run(),
        lambda: run(source={"ownership": "private"}, destination_has_private_high_school=False),
        WARNING,
    ),
    case(
        "transfer_same_city_area",
        A20,
        lambda: run(
            from_division="140121",
            to_division="140106",
            source=QINGXU_HIGH,
            destination={"county_code": "140106", "city_code": "140100"},
        ),
        lambda: run(
            from_division="140121",
            to_division="140106",
            destination={"county_code": "140106", "city_code": "140100"},
        ),
    ),
    case("transfer_vocational_to_general", A20, lambda: run(), lambda: run(source=VOCATIONAL)),
    case(
        "transfer_between_vocational",
        A20,
        lambda: to_vocational(),
        lambda: run(source=VOCATIONAL, destination=dataclasses.replace(VOCATIONAL, code="3614021301")),
    ),
    case("transfer_proof_missing", A18, lambda: run(), lambda: run(proofs=("transfer_form",))),
    case(
        "transfer_cross_province",
        A18,
        lambda: run(),
        lambda: run(to_division="130102", destination=HEBEI_HIGH),
        WARNING,
    ),
    case(
        "transfer_step_overdue",
        A22,
        lambda: transfer.check_step_time(10),
        lambda: transfer.check_step_time(11),
        WARNING,
    ),
    case(
        "transfer_archive_overdue",
        A22,
        lambda: transfer.check_archive_handover(
            DONE, today=dt.date(2026, 4, 2), handed_over_on=dt.date(2026, 4, 2)
        ),
        lambda: transfer.check_archive_handover(DONE, today=dt.date(2026, 4, 3)),
        WARNING,
    ),
]


@pytest.mark.parametrize(("code", "article", "allowed", "refused", "severity"), CASES)
def test_rule_allows_and_refuses_naming_its_article(code, article, allowed, refused, severity):
    check_case(code, article, allowed, refused, severity)


def test_every_rule_has_both_cases():
    check_coverage(CASES, transfer.RULES)


def test_a_clean_family_move_breaks_nothing():
    assert run() == []


def test_graduating_grades_are_refused_at_nine_and_twelve_but_not_eight():
    assert "transfer_graduating_year" in [v.code for v in run(student={"grade": 12})]
    nine = run(student={"grade": 9}, source=JUNIOR, destination={"school_type": "初级中学"})
    assert "transfer_graduating_year" in [v.code for v in nine]
    eight = run(student={"grade": 8}, source=JUNIOR, destination={"school_type": "初级中学"})
    assert eight == []
    # The caller may say so itself.
    assert "transfer_graduating_year" in [v.code for v in run(student={"graduating_year": True})]


def test_senior_to_vocational_may_cross_cities_and_ignores_the_kind_of_school():
    far = dataclasses.replace(VOCATIONAL, city_code="140200", county_code="140213")
    assert run(reason="senior_to_vocational", destination=far) == []


def test_special_education_placements_ignore_the_term_calendar_and_may_keep_the_record_home():
    assert special(mid_term=True, record_moves=False) == []
    back = special(student={"grade": 4}, source=SPECIAL, destination=PRIMARY, mid_term=True)
    assert back == []
    assert transfer.record_school(PRIMARY, SPECIAL, record_moves=False) == PRIMARY.code
    assert transfer.record_school(PRIMARY, SPECIAL) == SPECIAL.code


def test_work_study_needs_the_agreement_of_school_and_guardian():
    found = work_study(proofs=("transfer_form",))
    assert [v.field for v in found] == ["evidence.work_study_agreement"]


def test_a_student_who_sat_the_proficiency_exam_brings_its_proof():
    found = run(sat_proficiency_exam=True)
    assert [v.field for v in found] == ["evidence.proficiency_exam"]
    assert run(sat_proficiency_exam=True, proofs=PROOFS + ("proficiency_exam",)) == []


def test_a_move_given_only_by_city_codes_cannot_prove_a_county_boundary():
    found = run(from_division="140100", to_division="140105")
    assert [v.code for v in found] == ["transfer_no_boundary_crossed"]
    assert "transfer_no_boundary_crossed" not in [
        v.code for v in run(from_division="140100", to_division="140200")
    ]


def test_cross_province_out_names_the_other_province():
    [flag] = run(to_division="130102", destination=HEBEI_HIGH)
    assert flag.code == "transfer_cross_province" and "转入省份" in flag.message


def test_chain_is_started_at_the_receiving_school_and_each_step_has_ten_working_days():
    steps = transfer.transfer_steps()
    assert [(s.org, s.role) for s in steps] == [
        ("receiving_school", "registrar"),
        ("receiving_school", "leader"),
        ("receiving_authority", "authority"),
        ("sending_school", "leader"),
        ("sending_authority", "authority"),
    ]
    assert steps[0].action == "submit" and [s.working_days for s in steps[1:]] == [10, 10, 10, 10]


def test_archive_is_due_one_month_after_the_transfer():
    assert transfer.archive_handover_due(DONE) == dt.date(2026, 4, 2)
    assert transfer.archive_handover_due(dt.date(2026, 1, 31)) == dt.date(2026, 2, 28)
