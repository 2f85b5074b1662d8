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
    "auth.otp": "动态口令验证",
    "account.filing": "报送账号备案",
    "account.filing_confirm": "确认账号备案",
    "account.filing_read": "查看账号备案",
    "account.close": "注销账号",
    "account.seal_dormant": "封存长期未用账号",
    "account.reopen": "启封账号",
    "account.totp_enrol": "绑定动态口令",
    "account.totp_reset": "重置动态口令",
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
    "student.guardian_code": "查看或发放家长绑定码",
    # guardians (第十一条, 第四十三条)
    "guardian.code_issue": "发放家长绑定码",
    "guardian.code_redeem": "使用家长绑定码",
    "guardian.sign_up": "家长开通账号",
    "guardian.bind": "家长绑定学生",
    "guardian.revoke": "解除家长绑定",
    "guardian.view": "家长查看孩子学籍",
    "guardian.confirm": "家长确认学籍信息无误",
    "guardian.report": "家长报告学籍信息有误",
    "guardian.report_view": "查看家长反馈",
    "guardian.report_handle": "处理家长反馈",
    "school.guardian_reports": "查看学校的家长反馈",
    "school.guardian_confirmations": "查看学校的家长核对情况",
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
    # the school year (第十六条)
    "schoolyear.open": "开启新学年升级",
    "schoolyear.rollover": "完成学年升级(含校验值)",
    "schoolyear.verify": "核验学年升级记录",
    "schoolyear.view": "查看学年升级",
    "schoolyear.late_promotion": "申请办结后补升年级",
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
    # high-school graduation conditions (第三十五条)
    "student.graduation_conditions": "查看毕业条件",
    "school.graduation_conditions": "查看或导入学校毕业条件",
    "graduation_conditions.save": "录入毕业条件",
    "graduation_conditions.import": "导入毕业条件",
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
    # consultation and release (第四十四条)
    "access.application": "查看查阅申请",
    "access.grant": "批准查阅",
    "access.grant_view": "查看查阅批准",
    "access.revoke": "撤销查阅批准",
    "access.denied": "查阅或导出被拒绝(无批准)",
    "access.read": "凭批准查阅学生信息",
    "access.register": "查看查阅登记",
    "access.register_export": "导出查阅登记",
    "roster.export": "导出在校生分班名册",
    # graduation (第三十四–三十六条)
    "graduation.propose": "提交毕业生名单",
    "graduation.approve": "同意一批毕业申请",
    "graduation.reject": "驳回毕业申请",
    "graduation.seal": "毕业证书验印",
    "graduation.view": "查看毕业申请批次",
    "graduation.roster": "查看或下载毕业生花名册",
    "graduation.candidates": "查看毕业年级学生名单",
    # certificates (第三十四–三十八条)
    "student.certificates": "查看学生证书",
    "certificate.view": "查看证书",
    "certificate.lookup": "按证书编号和姓名查找持证人",
    "certificate.issue": "发给结业、肄业证书",
    "certificate.seal": "学历证明验印",
    "certificate.print": "打印证书",
    "certificate.print_batch": "批量打印证书",
    "certificate.register": "查看证书存根登记",
    "certificate.export": "下载证书存根登记",
    # the demo
    "demo.load": "载入演示数据",
    "demo.generate": "生成模拟学生",
    "students.tally_rebuild": "按学籍记录重建学生人数汇总",
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
    "accessgrant": "查阅批准",
    "register": "查阅登记",
    "evidence": "证明材料",
    "step": "审批环节",
    "importbatch": "导入批次",
    "importrow": "导入行",
    "duplicatecase": "疑似重复",
    "placementplan": "编班方案",
    "discipline": "处分",
    "archivehandover": "档案移交",
    "transferpackage": "转学数据包",
    "graduation_batch": "毕业申请批次",
    "sealing": "毕业证书验印",
    "enrolment": "在校经历",
    "visiting_stay": "借读",
    "visitingstay": "借读",
    "calendarday": "工作日历",
    "term": "学期",
    "rollover": "学年升级",
    "reminder": "提醒",
    "notice": "提醒",
    "todo": "待办事项",
    "statusevent": "学籍变动",
    "studentnumber": "学籍号",
    "familymember": "家庭成员",
    "demo": "演示数据",
    "tally": "学生人数汇总",
    "studenttally": "学生人数汇总",
    "auditevent": "审计记录",
    "auditchainhead": "审计链头",
    "jnumbersequence": "J字头学籍号序列",
    "lookup_key": "所查证件号或学籍号(密钥摘要)",
    "certificate": "证书",
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
