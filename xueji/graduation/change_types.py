"""毕业 (第三十四–三十六条) on the application engine.

One application per student, filed in batches: a school proposes its final-grade class in one request and the
applications share a batch id (Application.batch). The authority approves a batch at once, or per student by
excluding some; the record, timeline and audit of each student keep their own application, and the generic
per-application pages and endpoints still work for a single student.

Chains:
  小学、初中   registrar → school leader → county (the competent authority, 第三条); the county's approval makes the
              record 毕业 and numbers the certificate (numbering unit from the policy, Shanxi: the county).
  普通高中     registrar → school leader → city 核准 → city 编号验印. The last step is decided only by the city's one
              sealing of the year (第三十六条, xueji.graduation.services.seal): the record becomes 毕业 at the sealing,
              when the certificate is numbered and sealed, never before.
"""

from xueji.applications.chains import authority_step, step_days
from xueji.applications.engine import ChangeType, StepSpec, register
from xueji.applications.oversight import school_year_of
from xueji.policy import graduation as rules
from xueji.policy.violations import Violation

from . import hooks

SEAL_LABEL = "市级编号验印"


def steps(application) -> list[StepSpec]:
    school, grade = application.school, application.student.grade
    leader = StepSpec("学校审核", "leader", school, step_days())
    authority = authority_step(school, grade, label="主管部门核准")
    if not rules.is_senior(grade):
        return [leader, authority]
    # 第三十六条: the city numbers and seals in its one sealing of the year; that step has no working-day limit,
    # its limit is the sealing deadline of the policy.
    return [leader, authority, StepSpec(SEAL_LABEL, "city", school.city, None)]


def school_year(application_or_none) -> int:
    from django.utils import timezone

    if application_or_none is not None and application_or_none.payload.get("school_year"):
        return int(application_or_none.payload["school_year"])
    return school_year_of(timezone.localdate())


def check(ctx) -> list[Violation]:
    student = ctx.student
    found = rules.check_candidate(student.status, student.grade, field="student")
    if found or not rules.is_senior(student.grade):
        return found
    found += hooks.unmet([student], school_year(ctx.application)).get(student.pk, [])
    if ctx.application is not None:
        # The last step of a high-school graduation is the city's sealing, never one application's approval.
        found.append(Violation("graduation_sealing_only",
                               f"普通高中毕业证书由市级在每年一次的验印中统一核准、编号、验印,请在验印页面办理({rules.A36})",
                               rules.A36, "student"))
    return found


def api_start(actor, body: dict):
    """POST /api/v1/applications {type: "graduation", school, students: [...]}: a batch, answered with 201."""
    from .api import propose_json

    return propose_json(actor, body)


def apply(application, actor) -> None:
    from .services import graduate

    graduate(actor, [application.pk])


GRADUATION = register(ChangeType(
    code="graduation",
    label="毕业",
    steps=steps,
    check=check,
    apply=apply,
    article=rules.A34,
    # Filed as a batch of one application per student; the engine's API hands such a body to api_start.
    extra={"api_start": api_start},
))
