"""Display filters for Chinese pages: grade names, masked numbers, division names, dates."""

import datetime

from django import template
from django.utils import timezone

from xueji.core.inputs import is_digits
from xueji.core.masking import mask_id, mask_numbers_in_text, mask_phone, mask_student_number
from xueji.policy import codes
from xueji.policy.areas import area_name
from xueji.policy.fields import GRADE_LABELS

register = template.Library()


@register.filter
def grade_label(grade) -> str:
    if grade in (None, ""):
        return ""
    return GRADE_LABELS.get(int(grade), f"{grade}年级")


@register.filter
def masked_id(number) -> str:
    return mask_id(number)


@register.filter
def masked_sn(number) -> str:
    """A student number as pages show it: a G number masked like the ID it contains (第四十四条)."""
    return mask_student_number(number)


@register.filter
def has_id_inside(number) -> bool:
    """Whether a student number is a G number, the ID with a letter in front (revealed only with the ID)."""
    return mask_student_number(number) != number


@register.filter
def masked_text(text) -> str:
    """Free text (an event note) with any G student number in it masked."""
    return mask_numbers_in_text(text)


@register.filter
def masked_phone(phone) -> str:
    return mask_phone(phone)


@register.filter
def cn_date(value) -> str:
    """2015年3月2日; a datetime is shown in local time with hours and minutes."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


@register.filter
def cn_yearmonth(value) -> str:
    text = str(value or "")
    if len(text) == 6 and is_digits(text):
        return f"{text[:4]}年{int(text[4:])}月"
    return text


@register.filter
def division_name(code) -> str:
    """山西省太原市小店区 for 140105 (or a 12-digit statistical code starting with it)."""
    code = str(code or "")[:6]
    if len(code) != 6 or not is_digits(code):
        return ""
    parts = []
    for prefix in (code[:2] + "0000", code[:4] + "00", code):
        name = area_name(prefix)
        if name and name not in parts:
            parts.append(name)
    return "".join(parts)


# Audit action codes in words an auditor reads; unknown codes show as they are.
ACTION_LABELS = {
    "auth.login": "登录",
    "account.create": "新建账号",
    "account.password": "修改密码",
    "account.unlock": "解锁账号",
    "auth.logout": "退出登录(吊销令牌)",
    "auth.token_revoke": "吊销令牌",
    "school.create": "新建学校",
    "class.create": "新建班级",
    "student.create": "新建学生",
    "student.update": "修改学生信息",
    "student.view": "查看学生",
    "student.search": "查询学生",
    "student.unmask_id": "查看完整证件号",
    "student.photo": "更新照片",
    "student.print_basic_info": "打印学生基本信息表",
    "forms.class_basic_info": "打印全班学生基本信息表",
    "audit.read": "查阅审计日志",
    "audit.verify": "校验审计链",
    "application.submit": "提交申请",
    "application.approve": "审批同意",
    "application.reject": "审批驳回",
    "application.cancel": "撤销申请",
    "application.evidence": "上传证明材料",
    "application.evidence_view": "查看证明材料",
    "application.search": "查询申请",
    "application.view": "查看申请",
    "calendar.set_day": "维护工作日历",
    "calendar.set_term": "设置学期日期",
    "intake.upload": "上传导入文件",
    "intake.commit": "确认导入",
    "intake.view": "查看导入批次",
    "duplicate.decide": "处理疑似重复",
    "duplicate.view": "查看疑似重复",
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
    "discipline.record": "登记处分",
    "discipline.revoke": "撤销处分",
    "transfer.lookup": "转学查找学生",
    "transfer.complete": "转学办结",
    "transfer.package": "生成转学数据包",
    "transfer.package_download": "下载转学数据包",
    "transfer.package_import": "导入外省转学数据包",
    "former_student.search": "查询已转出学生",
    "former_student.view": "查看已转出学生",
    "visiting.search": "查询借读学生",
    "visiting.view": "查看借读学生",
    "visiting.open": "借读开始",
    "visiting.close": "借读结束",
    "reminder.create": "发送超期提醒",
    "org.view": "查看机构",
    "demo.load": "载入演示数据",
    "demo.generate": "生成模拟学生",
}
# Prefixes whose second part names a change type: student.suspension, student.transfer, …
CHANGE_PREFIX = "student."
OUTCOME_LABELS = {"ok": "成功", "failed": "失败", "denied": "拒绝", "locked": "已锁定"}


@register.filter
def action_label(action) -> str:
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    from xueji.applications.engine import registered

    change = registered().get(str(action).removeprefix(CHANGE_PREFIX))
    return f"学籍异动:{change.label}" if change else action


@register.filter
def outcome_label(outcome) -> str:
    return OUTCOME_LABELS.get(outcome, outcome)


@register.filter
def code_label(code, table: str) -> str:
    """The Chinese label of a code from a table of xueji.policy.codes, e.g. {{ s.gender|code_label:"GENDER" }}."""
    if code in (None, ""):
        return ""
    return codes.label(getattr(codes, table, {}), code, str(code))


OBJECT_LABELS = {"student": "学生", "school": "学校", "schoolclass": "班级", "user": "账号", "audit": "审计日志",
                 "division": "行政区划"}


@register.filter
def object_label(object_type) -> str:
    return OBJECT_LABELS.get(object_type, object_type)
