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
        who may read the record may give one, as on the record page. 附件7–10 follow the same rule, the
        starting school's own copy included."""
        return bool(checked_reason(reason))

    @staticmethod
    def handling_school(user, app):
        """Whose daily work a change form is (第四十四条): both the starting school (for a transfer, the receiving
        one) and the student's present school handle the application; for anyone else it is the student's school,
        and his print needs a grant."""
        if user.school_id is not None and user.school_id in (app.school_id, app.student.school_id):
            return user.school
        return app.student.school


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
