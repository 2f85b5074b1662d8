"""A province's regulation numbers as data; Shanxi (山西省中小学生学籍管理实施细则) is the default.

Another province is another ProvincePolicy object. Login lockouts and similar operational
settings are not regulation and do not belong here.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from xueji.policy import codes
from xueji.policy.fields import CONTROLLED_FIELDS
from xueji.policy.violations import Violation

PRIMARY, JUNIOR, SENIOR = "primary", "junior", "senior"
STAGE_LABELS = {PRIMARY: "小学", JUNIOR: "初中", SENIOR: "普通高中"}
COUNTY, CITY = "county", "city"


@dataclass(frozen=True)
class ClassCap:
    """Class-size caps: normal may be passed only with a written reason, hard never.

    Where the regulation sets one limit without "原则上" (高一 "限定在50人以内"), normal equals hard: no reason
    passes it. `scope` names whom the caps are for in a refusal; empty means the stage.
    """

    normal: int
    hard: int
    scope: str = ""

    @property
    def reason_may_pass(self) -> bool:
        """Whether a written reason lets a class pass the normal cap (only where the article says 原则上)."""
        return self.normal < self.hard


@dataclass(frozen=True)
class SchoolTypeRule:
    """Which grades a school type teaches (第九条 school system)."""

    code: str
    label: str
    first_grade: int
    last_grade: int

    @property
    def grades(self) -> range:
        return range(self.first_grade, self.last_grade + 1)


@dataclass(frozen=True)
class GraduationCredits:
    """High-school credit thresholds of 第三十五条."""

    total: int
    compulsory: int
    elective_1: int
    elective_2: int


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(mapping)


def _mapping_field(**kw):
    # Mappings are left out of ==/hash so the frozen policy stays hashable.
    return dataclasses.field(compare=False, **kw)


@dataclass(frozen=True)
class ProvincePolicy:
    """Every number of a province's regulation that the registry enforces."""

    code: str
    name: str
    # 第九条: grade numbers of each stage (一年级 = 1 ... 高三 = 12).
    stage_grades: Mapping[str, tuple[int, int]] = _mapping_field()
    # 第十三条: class caps per stage.
    stage_caps: Mapping[str, ClassCap] = _mapping_field()
    school_types: Mapping[str, SchoolTypeRule] = _mapping_field()
    # 第十三条: caps of the grades whose caps differ from their stage's.
    grade_caps: Mapping[int, ClassCap] = _mapping_field(default_factory=lambda: MappingProxyType({}))
    controlled_fields: tuple[str, ...] = CONTROLLED_FIELDS  # 第十五条; the grade: 第二十三条
    registration_deadline_days: int = 15  # 第十一条
    report_delay_max_weeks: int = 2  # 第十二条
    senior_no_show_working_days: int = 10  # 第十二条
    records_confirm_months: int = 1  # 第十二条
    transfer_step_working_days: int = 10  # 第二十二条
    # No article limits the other approval steps; the registry holds them to the same ten working days as a
    # transfer's so that every step shows a deadline. A province may set its own service standard here.
    step_working_days: int = 10
    archive_handover_months: int = 1  # 第二十二条
    # 第四十四条 names no term for an approval to consult or release records; the registry bounds each grant so
    # that none stays open for ever. A province may set its own.
    access_grant_max_days: int = 365
    suspension_normal_years: int = 1  # 第二十四条
    suspension_max_years: int = 2  # 第二十四条
    truancy_consecutive_weeks: int = 8  # 第三十一条
    truancy_total_weeks: int = 10  # 第三十一条
    death_cancel_working_days: int = 10  # 第三十二条
    graduation_credits: GraduationCredits = GraduationCredits(144, 116, 22, 6)  # 第三十五条
    # 第三十五条(三): the 学业水平考试 grades, those that pass, and the subjects every student must pass (Shanxi's
    # 普通高中学业水平合格性考试 subjects of the 2017 curriculum).
    exam_grades: tuple[str, ...] = ("A", "B", "C", "D", "E")
    exam_pass_grades: frozenset[str] = frozenset({"A", "B", "C"})
    exam_subjects: tuple[str, ...] = ("语文", "数学", "外语", "思想政治", "历史", "地理", "物理", "化学", "生物学",
                                      "信息技术", "通用技术")
    # 第三十五条(一): the 基础素养评价 overall results, and those that are at least 合格.
    quality_levels: tuple[str, ...] = ("优秀", "良好", "合格", "不合格")
    quality_pass_levels: frozenset[str] = frozenset({"优秀", "良好", "合格"})
    # 第三十五条(一) "无重大错误者(含学习期满,处分已撤销的)": a measure still in force at graduation blocks it;
    # one revoked (or expired) does not. Every level of 第四十条 counts unless a province narrows this.
    graduation_blocking_discipline: frozenset[str] = frozenset({"警告", "严重警告", "记过", "留校察看", "开除学籍"})
    certificate_sealing_deadline: tuple[int, int] = (5, 31)  # 第三十六条: month, day
    # 第三十四、三十六条 "市级或县级教育行政部门…编号": which level numbers each stage's graduation certificates.
    # Shanxi: the county for 小学、初中, the city for 普通高中 (第三十六条 leaves it no choice).
    certificate_numbering_level: Mapping[str, str] = _mapping_field(
        default_factory=lambda: MappingProxyType({PRIMARY: COUNTY, JUNIOR: COUNTY, SENIOR: CITY}))
    probation_max_years: int = 1  # 第四十条
    # 第二十条 毕业年级不能转学: the last grade of each stage ...
    graduating_grades: frozenset[int] = frozenset({6, 9, 12})
    # ... except where the same school goes on to the next grade (九年一贯制 六年级, 第九条).
    through_train_grades: frozenset[int] = frozenset({6})
    # 第二十三条: share of a term's hours (numerator, denominator) that illness or leave must reach.
    suspension_hours_share: tuple[int, int] = (1, 3)
    # 第二十五条 父母双方出国工作一年以上.
    visiting_abroad_min_months: int = 12
    # 第二十九条(一): years of suspension before an incurable illness allows withdrawal.
    illness_withdrawal_suspension_years: int = 2
    # 第十一条 (the guardian checks the record): days a guardian's one-time binding code stays valid.
    guardian_code_days: int = 30
    # 第三十八条 学历证明原则上只能办理一次: more than this per certificate needs the authority's written reason.
    education_proof_limit: int = 1

    def stage_of_grade(self, grade: int) -> str:
        for stage, (first, last) in self.stage_grades.items():
            if first <= grade <= last:
                return stage
        raise ValueError(f"年级{grade}不在1至12之间")

    def is_compulsory(self, grade: int) -> bool:
        return self.stage_of_grade(grade) in (PRIMARY, JUNIOR)

    def class_cap(self, grade: int) -> ClassCap:
        """The caps of 第十三条 for a grade, with the scope a refusal names."""
        stage = self.stage_of_grade(grade)
        cap = self.grade_caps.get(grade) or self.stage_caps[stage]
        return cap if cap.scope else dataclasses.replace(cap, scope=STAGE_LABELS[stage])

    def class_caps(self, grade: int) -> tuple[int, int]:
        cap = self.class_cap(grade)
        return cap.normal, cap.hard

    def school_type(self, school_type: str) -> SchoolTypeRule:
        code = codes.school_type_code(school_type)
        if code is None or code not in self.school_types:
            raise ValueError(f"未知的学校类型:{school_type}")
        return self.school_types[code]

    def grades_for(self, school_type: str) -> range:
        return self.school_type(school_type).grades

    def registration_due(self, entry_date: datetime.date) -> datetime.date:
        """Last day to open the record: 15 days from entry (第十一条)."""
        return entry_date + datetime.timedelta(days=self.registration_deadline_days)


def _school_type_rules() -> dict[str, SchoolTypeRule]:
    ranges = {
        "211": (1, 6),
        "311": (7, 9),
        "312": (1, 9),
        "341": (7, 12),
        "342": (10, 12),
        "345": (1, 12),
        "371": (7, 12),
        "511": (1, 12),
        "512": (1, 12),
        "513": (1, 12),
        "514": (1, 12),
    }
    return {
        code: SchoolTypeRule(code, codes.SCHOOL_TYPE[code], first, last)
        for code, (first, last) in ranges.items()
    }


SHANXI = ProvincePolicy(
    code="140000",
    name="山西省",
    stage_grades=_frozen({PRIMARY: (1, 6), JUNIOR: (7, 9), SENIOR: (10, 12)}),
    # 第十三条: 小学、初中 "原则上限定在45/50人以内,最大不超过50/55人": a written reason passes the first number,
    # nothing passes the second. 普通高中 "高一年级班容量限定在50人以内,三年内不超过56人": 限定 with no 原则上,
    # so 50 is a hard limit in 高一 (no reason passes it), and 56 the limit of 高二、高三.
    stage_caps=_frozen({PRIMARY: ClassCap(45, 50), JUNIOR: ClassCap(50, 55), SENIOR: ClassCap(56, 56)}),
    grade_caps=_frozen({10: ClassCap(50, 50, "普通高中高一年级")}),
    school_types=_frozen(_school_type_rules()),
)

POLICIES: dict[str, ProvincePolicy] = {SHANXI.code: SHANXI}


def get_policy(code: str = "140000") -> ProvincePolicy:
    """The policy of a province by its division code."""
    try:
        return POLICIES[code]
    except KeyError:
        raise ValueError(f"没有省份代码为{code}的学籍政策") from None


def _policy(policy: ProvincePolicy | None) -> ProvincePolicy:
    return policy or SHANXI


def stage_of_grade(grade: int, *, policy: ProvincePolicy | None = None) -> str:
    """'primary', 'junior' or 'senior' for a grade 1-12."""
    return _policy(policy).stage_of_grade(grade)


def is_compulsory(grade: int, *, policy: ProvincePolicy | None = None) -> bool:
    """True for the nine compulsory years (primary and junior)."""
    return _policy(policy).is_compulsory(grade)


def class_caps(grade: int, *, policy: ProvincePolicy | None = None) -> tuple[int, int]:
    """(normal, hard) class-size caps for a grade (第十三条)."""
    return _policy(policy).class_caps(grade)


def grades_for(school_type: str, *, policy: ProvincePolicy | None = None) -> range:
    """Grades a school type teaches; accepts the code, label or everyday name."""
    return _policy(policy).grades_for(school_type)


def check_class_size(
    grade: int, size_after: int, *, reason: str = "", policy: ProvincePolicy | None = None
) -> list[Violation]:
    """Refuse a class that would pass its caps (第十三条); the normal cap yields to a reason, the hard cap never."""
    cap = _policy(policy).class_cap(grade)
    if size_after > cap.hard:
        message = f"{cap.scope}班额不得超过{cap.hard}人(第十三条),该班将达{size_after}人"
        if not cap.reason_may_pass:
            message += ";此限额没有例外,填写理由也不能超出"
        return [Violation("class_over_hard_cap", message, "第十三条", "school_class")]
    if size_after > cap.normal and not (reason or "").strip():
        message = f"{cap.scope}班额原则上不超过{cap.normal}人(第十三条),该班将达{size_after}人,确需超出请填写理由"
        return [Violation("class_over_normal_cap_needs_reason", message, "第十三条", "school_class")]
    return []


def authority_level(
    school_type: str, *, grade: int, city_run: bool, policy: ProvincePolicy | None = None
) -> str:
    """The 学籍主管部门 tier (第三条): county for compulsory grades, city for 普通高中 and 直管 schools."""
    policy = _policy(policy)
    rule = policy.school_type(school_type)
    senior_only = policy.stage_of_grade(rule.first_grade) == SENIOR
    if city_run or senior_only or not policy.is_compulsory(grade):
        return CITY
    return COUNTY
