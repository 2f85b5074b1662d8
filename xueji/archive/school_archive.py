"""The school archive (第六条): what a school keeps for ever, as links to the registers the other capabilities
already produce, with their counts. A school that absorbed others (第八条) also keeps theirs; a closed school
names who keeps its archive now. Counts are aggregates, one query per register."""

from django.db.models import Count
from django.urls import reverse

from xueji.applications.models import Application, Evidence
from xueji.certificates.models import Certificate
from xueji.intake.models import ImportBatch
from xueji.orgs.models import School
from xueji.policy.archive_items import KINDS
from xueji.students.models import Student

from .item_models import ArchiveItem, ArchiveLocation

CHANGE_TYPES = {"suspension": "休学", "resumption": "复学", "transfer": "转学", "visiting": "借读",
                "withdrawal": "退学"}


def _url(name: str, *args, query: str = "") -> str:
    return reverse(name, args=args) + (f"?{query}" if query else "")


def registers(school: School) -> list[dict]:
    """The items of 第六条 in its order: label, article item, count (None where not counted), links."""
    code = school.pk
    changes = dict(Application.objects.filter(school=school, type__in=CHANGE_TYPES).values("type")
                   .annotate(n=Count("id")).values_list("type", "n"))
    batches = list(Application.objects.filter(school=school, type="graduation").exclude(batch="")
                   .values_list("batch", flat=True).distinct().order_by("batch"))
    stubs = dict(Certificate.objects.filter(school=school).values("kind").annotate(n=Count("id"))
                 .values_list("kind", "n"))
    imports = ImportBatch.objects.filter(school=school, status=ImportBatch.Status.COMMITTED).order_by("-id")[:20]
    return [
        {"no": "一", "label": "学校基本信息表(附件1)", "links": [("学校信息", _url("web:orgs:school", code))]},
        {"no": "二", "label": "校区基本信息表(附件2)", "count": school.campuses.count(),
         "links": [("校区", _url("web:orgs:school", code))]},
        {"no": "三", "label": "在校生分班名册(附件3)",
         "links": [("导出 .xlsx(须查阅批准)", _url("web:access:roster", code))]},
        {"no": "四", "label": "休学、复学、转学、借读、退学情况(附件7–10)", "count": sum(changes.values()),
         "links": [(f"{label} {changes.get(kind, 0)} 件", _url("web:applications:list",
                                                              query=f"school={code}&type={kind}"))
                   for kind, label in CHANGE_TYPES.items()]},
        {"no": "五", "label": "学生增减情况登记表(附件4)",
         "links": [("全部学籍申请", _url("web:applications:list", query=f"school={code}"))]},
        {"no": "六", "label": "毕业生花名册(附件5)", "count": len(batches),
         "links": [(f"批次 {b}", _url("web:graduation:roster", b)) for b in batches]},
        {"no": "七", "label": "结业证书存根(附件11)", "count": stubs.get(Certificate.Kind.COMPLETION, 0),
         "links": [("证书存根登记", _url("web:certificates:register", code))]},
        {"no": "八", "label": "学历证明存根(附件12)", "count": stubs.get(Certificate.Kind.PROOF, 0),
         "links": [("证书存根登记", _url("web:certificates:register", code))]},
        {"no": "九", "label": "初一、高一新生录取花名册(导入批次)", "count": len(imports),
         "links": [(f"{b.original_name}", _url("web:intake:batch", b.pk)) for b in imports]},
        {"no": "十", "label": "相关凭证资料", "count": Evidence.objects.filter(application__school=school).count(),
         "links": [("学籍申请及其证明材料", _url("web:applications:list", query=f"school={code}"))]},
    ]


def student_archive_summary(school: School) -> dict:
    """How complete the student archives this school keeps are: items per kind, folders with a location."""
    per_kind = dict(ArchiveItem.objects.filter(school=school, superseded_by__isnull=True).values("kind")
                    .annotate(n=Count("id")).values_list("kind", "n"))
    kept = Student.objects.filter(school=school).count()
    located = ArchiveLocation.objects.filter(student__school=school).values("student").distinct().count()
    return {"kinds": [(label, per_kind.get(code, 0)) for code, label in KINDS.items()],
            "students": kept, "located": located}


def absorbed(school: School):
    """Schools whose archive this school keeps (合并 or named keeper on a closure, 第八条)."""
    return School.objects.filter(archive_school=school).order_by("closed_on", "code")
