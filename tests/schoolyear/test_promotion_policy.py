"""The promotion's rules as policy data (第十六条, 第九条 through-train schools, 第二十三条 the grade locked)."""

from xueji.policy.promotion import check_rollover_year, next_grade, promotion_plan
from xueji.policy.record import controlled_violation


def test_final_grades_graduate_and_through_train_schools_continue():
    assert [next_grade("211", g) for g in (3, 6)] == [4, None]
    assert [next_grade("311", g) for g in (8, 9)] == [9, None]
    assert [next_grade("342", g) for g in (11, 12)] == [12, None]
    assert [next_grade("312", g) for g in (6, 9)] == [7, None]  # 九年一贯制: 六年级 → 初一 in the school
    everywhere, by_type = promotion_plan()
    assert everywhere == {1, 2, 3, 4, 5, 7, 8, 10, 11} and "312" in by_type[6] and "211" not in by_type[6]


def test_only_the_next_year_with_its_terms_may_open():
    assert check_rollover_year(2027, current=2026, terms_set=True) == []
    assert check_rollover_year(2028, current=2026, terms_set=True)[0].article == "第十六条"
    assert check_rollover_year(2027, current=2026, terms_set=False)[0].code == "rollover_terms_missing"
    assert check_rollover_year(2028, current=2026, terms_set=True, running=2027)[0].code == "rollover_unfinished"


def test_a_grade_edit_is_refused_with_article_23_and_points_to_the_applications():
    refusal = controlled_violation("grade")
    assert refusal.article == "第二十三条" and "休学、复学申请" in refusal.message and "升级" in refusal.message
