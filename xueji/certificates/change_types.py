"""Chapter 8's certificates on the application engine, as three change types.

completion       结业 (第三十七条): a 高三 student who completed the years without meeting the conditions of 第三十五条
                 (asked of xueji.graduation.hooks.unmet: a student who meets them all graduates instead).
incomplete       肄业 (第三十七条): a high-school student (在籍 or 休学) who leaves before completing the years.
                 Both are issued by the school: registrar → school leader; approval numbers the certificate.
education_proof  学历证明 (第三十八条): a lost certificate is never reissued; the graduating school issues a 学历证明,
                 effective once the competent authority seals it: registrar → authority (验印). Once per
                 certificate, unless the authority itself starts another with its written reason.
"""

from xueji.applications import start_forms
from xueji.applications.chains import authority_step, step_days
from xueji.applications.engine import TRANSITIONS, ChangeType, StepSpec, register
from xueji.graduation import hooks
from xueji.policy import certificates as rules
from xueji.policy.certificates import PROVABLE_KINDS, ProofFacts
from xueji.policy.province import get_policy

from . import services
from .models import Certificate
from .permissions import OFFICERS, authority_of

A37, A38 = rules.A37, rules.A38


def school_steps(application) -> list[StepSpec]:
    return [StepSpec("学校领导审批并发证", "leader", application.school, step_days())]


# ---------------------------------------------------------------- 结业、肄业


def _status(ctx, code: str, label: str, article: str):
    return rules.check_status(ctx.student.status, TRANSITIONS[code], label, article)


def check_completion(ctx):
    student = ctx.student
    refused = _status(ctx, "completion", "结业", A37)
    if refused:
        return refused
    unmet = hooks.unmet([student], services.school_year_today()).get(student.pk, [])
    return rules.check_completion(student.grade, unmet)


def check_incomplete(ctx):
    return _status(ctx, "incomplete", "肄业", A37) or rules.check_leaving(ctx.student.grade)


register(ChangeType(
    code="completion", label="结业", article=A37, steps=school_steps, check=check_completion,
    apply=lambda app, actor: services.issue_school_certificate(app, actor, change="completion",
                                                               kind=Certificate.Kind.COMPLETION),
))
register(ChangeType(
    code="incomplete", label="肄业", article=A37, steps=school_steps, check=check_incomplete,
    apply=lambda app, actor: services.issue_school_certificate(app, actor, change="incomplete",
                                                               kind=Certificate.Kind.LEAVING),
))


# ---------------------------------------------------------------- 学历证明


def _original(application_or_ctx_student, payload) -> Certificate | None:
    number = payload.get("certificate")
    if not isinstance(number, str) or not number:
        return None
    return (Certificate.objects.select_related("school")
            .filter(number=number, student=application_or_ctx_student, kind__in=PROVABLE_KINDS).first())


def _starter_side(starter, original: Certificate) -> str:
    """Who asks: the graduating school's registrar, the certificate's sealing authority, or someone else."""
    if starter.role == "registrar" and starter.school_id == original.school_id:
        return "school"
    if starter.role in OFFICERS and starter.division_id == authority_of(original).pk:
        return "authority"
    return "other"


def check_proof(ctx):
    refused = _status(ctx, "education_proof", "学历证明", A38)
    if refused:
        return refused
    original = _original(ctx.student, ctx.payload)
    if original is None:
        return rules.check_proof(ProofFacts(None, 0, "school"))
    starter = ctx.application.created_by if ctx.application is not None else ctx.actor
    earlier = Certificate.objects.filter(proves=original, kind=Certificate.Kind.PROOF).count()
    reason = ctx.payload.get("second_reason")
    return rules.check_proof(ProofFacts(original.kind, earlier, _starter_side(starter, original),
                                        reason if isinstance(reason, str) else ""))


def proof_steps(application) -> list[StepSpec]:
    original = _original(application.student, application.payload or {})
    if original is None:  # the start form's chain preview, before a certificate is chosen
        return [authority_step(application.school, application.student.grade, label="主管教育行政部门验印")]
    authority = authority_of(original)
    return [StepSpec("主管教育行政部门验印", "city" if authority.level == "city" else "county", authority,
                     step_days())]


def proof_school(student, payload):
    """第三十八条 由毕业学校出具: the proof is filed at the school that issued the lost certificate, wherever the
    holder studies now (the engine's filing_school hook; it knows no certificate)."""
    original = _original(student, payload)
    return original.school if original is not None else None


register(ChangeType(
    code="education_proof", label="学历证明", article=A38, steps=proof_steps, check=check_proof,
    apply=services.seal_proof, starter_roles=("registrar", *OFFICERS), extra={"filing_school": proof_school},
))


# ---------------------------------------------------------------- start forms (发起学籍异动 menu)


def _senior(student) -> bool:
    return not get_policy().is_compulsory(student.grade)


def _provable(student) -> list[tuple[str, str]]:
    return [(c.number, f"{c.get_kind_display()} {c.number}({c.issued_on:%Y年%m月%d日})")
            for c in Certificate.objects.filter(student=student, kind__in=PROVABLE_KINDS).order_by("issued_on")]


FORMS = (
    start_forms.FormSpec(
        "completion",
        "普通高中学生在校学习期满、未达到第三十五条规定的毕业条件的,由学校发给结业证书(附件11),证书存根存入学校"
        "学籍档案;已达到全部毕业条件的应办理毕业(第三十七条)。",
        applies=_senior,
    ),
    start_forms.FormSpec(
        "incomplete",
        "普通高中学生未学完规定年限即离校的,由学校发给肄业证书(附件11),证书存根存入学校学籍档案(第三十七条)。"
        "小学、初中为义务教育阶段,不发肄业证书。",
        applies=_senior,
    ),
    start_forms.FormSpec(
        "education_proof",
        "毕业(结业、肄业)证书遗失的,一律不补发,本系统也没有补发证书的功能;由毕业学校出具学历证明书(附件12),"
        "经主管教育行政部门验印后生效。学历证明原则上只能办理一次,再次办理须由主管教育行政部门写明理由(第三十八条)。",
        inputs=(start_forms.Input("certificate", "遗失的证书", "select", "选择遗失的毕业、结业或肄业证书(第三十八条)",
                                  True, choices=_provable),),
        applies=lambda student: bool(_provable(student)),
    ),
)
for _spec in FORMS:
    # The start pages and GET /students/{key}/change-types read this table; the capability adds its own rows.
    start_forms.SPECS[_spec.code] = _spec
