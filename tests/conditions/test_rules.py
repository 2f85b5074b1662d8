"""The pure 第三十五条 checks (xueji/policy/graduation_conditions.py): each condition met and not met, named with its article."""

from xueji.policy import graduation_conditions as rules
from xueji.policy.province import SHANXI

A35 = "第三十五条"
SUBJECTS = SHANXI.exam_subjects


def summary(years=None, sittings=None, discipline=()):
    years = years if years is not None else [rules.YearRecord(
        2026, "合格", 116, 22, 6, True, True)]
    sittings = sittings if sittings is not None else [rules.Sitting(s, "C") for s in SUBJECTS]
    return rules.summarize(years, sittings, discipline)


def codes(found):
    return {v.code for v in found}


def test_everything_met_leaves_nothing_unmet():
    assert rules.unmet_conditions(summary()) == []


def test_140_credits_are_refused_with_the_article_and_the_numbers():
    found = rules.unmet_conditions(summary(years=[rules.YearRecord(2026, "合格", 110, 22, 8, True, True)]))
    assert codes(found) == {"credits_total_short", "credits_compulsory_short"}
    assert all(v.article == A35 for v in found)
    assert "必修学分不足:110/116(第三十五条(二))" in [v.message for v in found]


def test_credits_are_summed_over_the_years():
    years = [rules.YearRecord(2024, None, 40, 8, 2), rules.YearRecord(2025, None, 40, 8, 2),
             rules.YearRecord(2026, "良好", 36, 6, 2, True, True)]
    result = summary(years=years)
    assert (result.credits_total, result.quality_result) == (144, "良好")
    assert rules.unmet_conditions(result) == []


def test_each_elective_has_its_own_floor():
    found = rules.check_credits(summary(years=[rules.YearRecord(2026, "合格", 120, 21, 5)]))
    assert codes(found) == {"credits_elective_1_short", "credits_elective_2_short"}


def test_quality_must_pass_and_a_discipline_in_force_blocks():
    failed = rules.check_quality(summary(years=[rules.YearRecord(2026, "不合格")]))
    assert codes(failed) == {"quality_not_passed"} and failed[0].article == A35 and "(一)" in failed[0].message
    blocked = rules.check_quality(summary(discipline=["记过"]))
    assert codes(blocked) == {"discipline_in_force"} and blocked[0].article == A35
    assert rules.check_quality(summary(discipline=[])) == []


def test_a_retake_that_passes_counts():
    sittings = [rules.Sitting(s, "B") for s in SUBJECTS if s != "物理"]
    failed = rules.check_exams(summary(sittings=sittings + [rules.Sitting("物理", "D", 1)]))
    assert codes(failed) == {"exam_not_passed"} and failed[0].field == "exams.物理" and failed[0].article == A35
    passed = summary(sittings=sittings + [rules.Sitting("物理", "D", 1), rules.Sitting("物理", "C", 2)])
    assert passed.best_grades["物理"] == "C" and rules.check_exams(passed) == []


def test_a_subject_without_a_sitting_is_unmet():
    found = rules.check_exams(summary(sittings=[rules.Sitting(s, "A") for s in SUBJECTS[1:]]))
    assert [v.code for v in found] == ["exam_missing"] and SUBJECTS[0] in found[0].message


def test_fitness_and_practice():
    found = rules.unmet_conditions(summary(years=[rules.YearRecord(2026, "合格", 116, 22, 6, False, None)]))
    assert codes(found) == {"fitness_not_met", "practice_missing"}
    assert all(v.article == A35 for v in found)
    assert {v.message[-9:] for v in found} == {"第三十五条(四))", "第三十五条(五))"}


def test_parse_entry_reports_every_bad_field_at_once():
    raw = {"quality_result": "优", "credits_compulsory": "abc", "credits_elective_1": 201, "credits_elective_2": 6.5,
           "fitness_met": "也许", "practice_done": "是",
           "exams": [{"subject": "体育", "grade": "B"}, {"subject": "物理", "grade": "F"},
                     {"subject": "化学", "grade": "a", "attempt": 0}]}
    entry, found = rules.parse_entry(raw, 2026)
    assert {v.field for v in found} == {"quality_result", "credits_compulsory", "credits_elective_1",
                                        "credits_elective_2", "fitness_met", "exams[1].subject", "exams[2].grade",
                                        "exams[3].attempt"}
    assert entry.values["practice_done"] is True


def test_parse_accepts_spreadsheet_numbers_and_words():
    entry, found = rules.parse_entry({"credits_compulsory": 116.0, "credits_elective_1": "22", "fitness_met": "达标",
                                      "exams": [{"subject": "物理", "grade": "b", "attempt": 2}]}, 2026)
    assert found == []
    assert entry.values["credits_compulsory"] == 116 and entry.values["fitness_met"] is True
    assert entry.exams == [rules.Sitting("物理", "B", 2, 2026)]


def test_primary_and_junior_students_have_no_such_conditions():
    assert rules.senior_only(12, "高三") == []
    refused = rules.senior_only(6, "六年级")
    assert refused[0].code == "conditions_senior_only" and refused[0].article == A35
