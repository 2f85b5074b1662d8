"""借读 (第二十五–二十七条): listed reasons, same grade, the host class's caps, the record stays home."""

import dataclasses

import pytest

from tests.policy.rule_cases import case, check_case, check_coverage
from xueji.policy.changes import reasons, visiting
from xueji.policy.changes.common import SchoolFacts, StudentFacts

A25, A26, A27 = "第二十五条", "第二十六条", "第二十七条"
HOME = SchoolFacts("2114010501", "小学", city_code="140100", county_code="140105", city_district=True)
HOST = SchoolFacts("2114070201", "小学", city_code="140700", county_code="140702", city_district=True)
HIGH_HOME = SchoolFacts("3414010501", "高级中学")
PROOFS = (*reasons.VISITING_COMMON_PROOFS, "guardian_unit_proof", "family_identity_proof")


def run(student=None, host=None, **kw):
    args = {"reason": "parents_field_work", "proofs": PROOFS, "host_class_size": 40} | kw
    return visiting.check_visiting(
        dataclasses.replace(StudentFacts(grade=3), **(student or {})),
        HOME,
        dataclasses.replace(HOST, **(host or {})),
        **args,
    )


CASES = [
    case("visiting_not_enrolled", A25, lambda: run(), lambda: run(student={"status": "休学"})),
    case("visiting_reason_not_allowed", A25, lambda: run(reason="martyr_child"), lambda: run(reason="择校")),
    case(
        "visiting_abroad_too_short",
        A25,
        lambda: run(reason="parents_abroad", abroad_months=12),
        lambda: run(reason="parents_abroad", abroad_months=11),
    ),
    case("visiting_same_school", A25, lambda: run(), lambda: run(host={"code": HOME.code})),
    case("visiting_grade_mismatch", A26, lambda: run(host_grade=3), lambda: run(host_grade=4)),
    case(
        "visiting_host_lacks_grade",
        A26,
        lambda: run(),
        lambda: run(student={"grade": 7}, host={"school_type": "小学"}),
    ),
    # 小学: 45 normally, never above 50 (第十三条, which the reprint's 第二十六条 calls 第十六条).
    case(
        "visiting_class_over_hard_cap",
        A26,
        lambda: run(host_class_size=49, class_reason="亲属所在地学位紧张,经县教育局同意"),
        lambda: run(host_class_size=50, class_reason="同上"),
    ),
    case(
        "visiting_class_over_normal_cap_needs_reason",
        A26,
        lambda: run(host_class_size=44),
        lambda: run(host_class_size=45),
    ),
    case("visiting_proof_missing", A26, lambda: run(), lambda: run(proofs=("visiting_form",))),
    case(
        "visiting_certificate_issuer",
        A27,
        lambda: visiting.check_visiting_certificate(HOME.code, HOME),
        lambda: visiting.check_visiting_certificate(HOST.code, HOME),
    ),
    case(
        "visiting_exam_school",
        A27,
        lambda: visiting.check_visiting_exam(HIGH_HOME.code, HIGH_HOME),
        lambda: visiting.check_visiting_exam("3414070201", HIGH_HOME),
    ),
]


@pytest.mark.parametrize(("code", "article", "allowed", "refused", "severity"), CASES)
def test_rule_allows_and_refuses_naming_its_article(code, article, allowed, refused, severity):
    check_case(code, article, allowed, refused, severity)


def test_every_rule_has_both_cases():
    check_coverage(CASES, visiting.RULES)


def test_every_listed_family_situation_is_accepted():
    assert len(reasons.VISITING_REASONS) == 10
    for code in reasons.VISITING_REASONS:
        assert run(reason=code, abroad_months=24) == [], code


def test_cap_messages_cite_article_thirteen_and_twenty_six():
    [over] = run(host_class_size=50, class_reason="同上")
    assert "第十三条" in over.message and "第二十六条" in over.message and "第十六条" not in over.message


def test_the_record_certificates_and_exams_stay_at_home():
    placement = visiting.visiting_placement(HOME, HOST)
    assert placement.record_school == placement.certificates_by == placement.exams_at == HOME.code
    assert placement.sits_at == HOST.code


def test_a_student_found_in_another_grade_loses_the_permission():
    [found] = visiting.check_visiting_grade(5, 6)
    assert "取消借读资格" in found.message


def test_a_senior_grade_one_host_class_takes_no_visitor_past_50_whatever_the_reason():
    # 第十三条 "高一年级班容量限定在50人以内" holds for a host class too (第二十六条): a reason is no exception.
    high = {"school_type": "高级中学"}
    reason = "亲属所在地学位紧张,经市教育局同意"
    assert run(student={"grade": 10}, host=high, host_class_size=49) == []
    [refused] = run(student={"grade": 10}, host=high, host_class_size=50, class_reason=reason)
    assert (refused.code, refused.article) == ("visiting_class_over_hard_cap", A26)
    assert "普通高中高一年级班额不得超过50人(第十三条)" in refused.message and "没有例外" in refused.message
