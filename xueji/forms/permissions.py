"""Who sees what on a printed form. Which records a user may print at all is StudentPolicy's and ClassPolicy's
question; this only decides how much of the identity numbers the paper shows."""

from xueji.core.errors import RuleViolation
from xueji.policy.violations import Violation

# As the record page's reveal asks (xueji.students.services.reveal_id_number): a word, not a keystroke.
MIN_REASON = 2
MAX_REASON = 200


class FormPolicy:
    @staticmethod
    def prints_full_id(user, school, reason: str = "") -> bool:
        """Every copy masks the ID numbers (the student's and the guardians') and the G student number unless
        the one printing wrote why he needs them whole (第四十四条): the guardian checking every digit at the
        school's desk (第十一条) is such a reason, and it is written into the audit row with the print. Anyone
        who may read the record may give one, as on the record page."""
        return bool(checked_reason(reason))

    @staticmethod
    def school_copy_full_id(user, school) -> bool:
        """The 附件7–10 change forms: the starting school's own copy shows the whole number (the guardian signs
        under it); the bureaus' copies are masked. (附件6 follows prints_full_id: a reason for every copy.)"""
        return user.role in ("registrar", "leader") and user.school_id == school.pk


def checked_reason(reason: str | None) -> str:
    """The reason stripped; empty when none was given; a refusal naming 第四十四条 when it is too short or long."""
    reason = (reason or "").strip()
    if not reason:
        return ""
    if len(reason) < MIN_REASON or len(reason) > MAX_REASON:
        raise RuleViolation(Violation(code="reason_required", field="reason", article="第四十四条",
                                      message=f"打印完整身份证件号须填写查阅事由({MIN_REASON}至{MAX_REASON}个字符,"
                                              "第四十四条);不填事由则打印部分隐去的证件号"))
    return reason
