"""The words an auditor reads for the codes of the audit log: one table of actions and one of object types.

The log and the API keep the codes; the pages show these labels. tests/audit/test_action_labels.py scans the code
base for every action it records and fails when one has no label here, so a new audit call needs a line below.
"""

# Every action code the registry writes, in words. A status change recorded as student.<change type> takes the
# change type's own label (see action_label), so only the other student.* codes are listed.
ACTION_LABELS = {
    # log-in and accounts
    "auth.login": "登录",
    "account.create": "新建账号",
    "account.password": "修改密码",
    "account.unlock": "解锁账号",
    "auth.logout": "退出登录(吊销令牌)",
    "auth.token_revoke": "吊销令牌",
    # the public student-number query
    "public.lookup": "家长查询学籍号",
    # organisations
    "org.view": "查看机构",
    "school.create": "新建学校",
    "school.view": "查看学校",
    "school.create_class": "为学校新建班级",
    "school.create_student": "为学校新建学生",
    "school.form_classes": "查看学校编班",
    "school.former_students": "查看学校已转出学生",
    "school.import": "向学校导入学生",
    "school.placement": "查看学校编班方案",
    "school.unplaced": "查看学校未编班学生",
    "class.create": "新建班级",
    # the student record
    "student.create": "新建学生",
    "student.update": "修改学生信息",
    "student.view": "查看学生",
    "student.search": "查询学生",
    "student.unmask_id": "查看完整证件号",
    "student.photo": "更新照片",
    "student.photo_view": "查看照片",
    "student.events": "查看学籍变动记录",
    "student.timeline": "查看学籍档案时间线",
    "student.changes": "查看学籍异动办理",
    "student.application": "为学生发起申请",
    "student.applications": "查询学生的申请",
    "student.discipline": "查看或登记处分",
    "student.placement": "学生编班",
    "student.print_basic_info": "打印学生基本信息表",
    # printed forms
    "forms.class_basic_info": "打印全班学生基本信息表",
    "forms.change_form": "打印学籍异动申请表",
    # the audit log itself
    "audit.read": "查阅审计日志",
    "audit.verify": "校验审计链",
    # applications and their approval
    "application.submit": "提交申请",
    "application.approve": "审批同意",
    "application.reject": "审批驳回",
    "application.cancel": "撤销申请",
    "application.evidence": "上传证明材料",
    "application.evidence_view": "查看证明材料",
    "application.search": "查询申请",
    "todo.list": "查看待办事项",
    "application.view": "查看申请",
    "oversight.overdue_steps": "查看超期未办环节",
    "oversight.expired_suspensions": "查看休学期满未复学学生",
    "oversight.dropouts": "查看辍学学生",
    "reminder.create": "发送超期提醒",
    "reminder.list": "查看提醒",
    "reminder.read": "阅读提醒",
    # working days
    "calendar.set_day": "维护工作日历",
    "calendar.set_term": "设置学期日期",
    # import and duplicates
    "intake.upload": "上传导入文件",
    "intake.commit": "确认导入",
    "intake.view": "查看导入批次",
    "intake.retry": "重新处理导入批次",
    "intake.discard": "放弃导入批次",
    "duplicate.decide": "处理疑似重复",
    "duplicate.view": "查看疑似重复",
    # class formation
    "placement.create": "新建编班方案",
    "placement.auto": "均衡编班",
    "placement.place": "编入班级",
    "placement.unplace": "移出编班方案",
    "placement.submit": "提交编班方案",
    "placement.approve": "批准编班方案",
    "placement.reject": "驳回编班方案",
    "placement.cancel": "撤回编班方案",
    "placement.class": "批量建班",
    "placement.view": "查看编班方案",
    "placement.edit": "修改编班方案",
    "placement.decide": "审核编班方案",
    "placement.classes": "查看学校班级(编班)",
    "placement.student": "查看学生编班",
    "class.view": "查看班级",
    "discipline.view": "查看处分",
    # discipline
    "discipline.record": "登记处分",
    "discipline.revoke": "撤销处分",
    # transfers
    "transfer.lookup": "转学核对学生身份",
    "transfer.complete": "转学办结",
    "transfer.package": "生成转学数据包",
    "transfer.package_download": "下载转学数据包",
    "transfer.package_import": "导入外省转学数据包",
    "handover.view": "查看档案移交",
    "handover.sent": "确认档案已寄出",
    "handover.received": "确认档案已接收",
    "former_student.search": "查询已转出学生",
    "former_student.view": "查看已转出学生",
    # visiting study
    "visiting.search": "查询借读学生",
    "visiting.view": "查看借读学生",
    "visiting.open": "借读开始",
    "visiting.close": "借读结束",
    # the demo
    "demo.load": "载入演示数据",
    "demo.generate": "生成模拟学生",
}

# Status changes are logged as student.<change type code> (xueji.applications.engine.transition).
CHANGE_PREFIX = "student."

# What an event is about (AuditEvent.object_type): a model's name, or a word of the caller's.
OBJECT_LABELS = {
    "student": "学生",
    "school": "学校",
    "schoolclass": "班级",
    "campus": "校区",
    "division": "行政区划",
    "user": "账号",
    "apitoken": "接口令牌",
    "audit": "审计日志",
    "application": "申请",
    "evidence": "证明材料",
    "step": "审批环节",
    "importbatch": "导入批次",
    "importrow": "导入行",
    "duplicatecase": "疑似重复",
    "placementplan": "编班方案",
    "discipline": "处分",
    "archivehandover": "档案移交",
    "transferpackage": "转学数据包",
    "enrolment": "在校经历",
    "visiting_stay": "借读",
    "visitingstay": "借读",
    "calendarday": "工作日历",
    "term": "学期",
    "reminder": "提醒",
    "notice": "提醒",
    "todo": "待办事项",
    "statusevent": "学籍变动",
    "studentnumber": "学籍号",
    "familymember": "家庭成员",
    "demo": "演示数据",
    "auditevent": "审计记录",
    "auditchainhead": "审计链头",
    "jnumbersequence": "J字头学籍号序列",
    "lookup_key": "所查证件号或学籍号(密钥摘要)",
}

OUTCOME_LABELS = {"ok": "成功", "failed": "失败", "denied": "拒绝", "locked": "已锁定"}


def _change_label(action: str) -> str | None:
    if not action.startswith(CHANGE_PREFIX):
        return None
    from xueji.applications.engine import registered

    change = registered().get(action.removeprefix(CHANGE_PREFIX))
    return f"学籍异动:{change.label}" if change else None


def action_label(action) -> str:
    """The Chinese words of an action code; a code nobody labelled is shown as 其他操作, never as itself."""
    action = str(action or "")
    return ACTION_LABELS.get(action) or _change_label(action) or "其他操作"


def _model_label(object_type: str) -> str | None:
    # Any model of the registry has a Chinese verbose name: the fallback for a type this table misses.
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.model_name == object_type and model.__module__.startswith("xueji."):
            return str(model._meta.verbose_name)
    return None


def object_label(object_type) -> str:
    object_type = str(object_type or "")
    if not object_type:
        return ""
    return OBJECT_LABELS.get(object_type) or _model_label(object_type) or "其他对象"


def outcome_label(outcome) -> str:
    return OUTCOME_LABELS.get(outcome, "其他")


def action_choices() -> list[tuple[str, str]]:
    """The action filter's options: every labelled code, status changes included, in the order of their labels."""
    from xueji.applications.engine import registered

    choices = dict(ACTION_LABELS)
    choices.update({f"{CHANGE_PREFIX}{code}": f"学籍异动:{change.label}" for code, change in registered().items()})
    return sorted(choices.items())


def with_org_names(events) -> list:
    """The events with `org_name`: the unit's name (a school or a division) in place of its bare code."""
    from xueji.orgs.models import Division, School

    events = list(events)
    codes_seen = {e.org_code for e in events if e.org_code}
    names = dict(Division.objects.filter(code__in=codes_seen).values_list("code", "name"))
    names.update(School.objects.filter(code__in=codes_seen).values_list("code", "name"))
    for event in events:
        event.org_name = names.get(event.org_code, "")
    return events
