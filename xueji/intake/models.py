"""Bulk admission: an uploaded spreadsheet (ImportBatch) and the suspected duplicates it raised (DuplicateCase).

A batch keeps the file it came from, every error found in it and, once committed, which rows were left out, so a
registrar can always see why a row is missing (never a silent skip). Nothing here is deleted.
"""

from django.conf import settings
from django.db import models

from xueji.orgs.models import Division, School
from xueji.students.models import Student


class ImportBatch(models.Model):
    class Status(models.TextChoices):
        VALIDATING = "validating", "校验中"
        VALIDATED = "validated", "已校验,待确认导入"
        COMMITTING = "committing", "写入中"
        COMMITTED = "committed", "已导入"
        FAILED = "failed", "失败"

    class Mode(models.TextChoices):
        VALID_ONLY = "valid_only", "只导入无误的行"
        ALL_OR_NOTHING = "all_or_nothing", "全部无误才导入"

    school = models.ForeignKey(School, verbose_name="学校", on_delete=models.PROTECT, related_name="import_batches")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT,
                                    related_name="+")
    file = models.FileField("文件", upload_to="imports/%Y/%m/")
    original_name = models.CharField("原文件名", max_length=200)
    sha256 = models.CharField("文件指纹(SHA-256)", max_length=64, db_index=True)
    file_format = models.CharField("格式", max_length=8)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.VALIDATING,
                              db_index=True)
    commit_mode = models.CharField("导入方式", max_length=16, choices=Mode.choices, blank=True)
    submit_registration = models.BooleanField("导入后直接提交注册申请", default=False)

    phase = models.CharField("当前步骤", max_length=20, blank=True)
    rows_done = models.PositiveIntegerField("已处理行数", default=0)
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_ok = models.PositiveIntegerField("无误行数", default=0)
    rows_new = models.PositiveIntegerField("新建学籍行数", default=0)
    rows_continued = models.PositiveIntegerField("接续学籍行数", default=0)
    suspected = models.PositiveIntegerField("疑似重复行数", default=0)
    error_count = models.PositiveIntegerField("错误处数", default=0)
    # [{row, column, field, code, article, message}], row as the spreadsheet numbers it (the header is row 1).
    errors = models.JSONField("错误明细", default=list, blank=True)
    # Rows a "valid only" commit left out, with the error rows above saying why.
    skipped_rows = models.JSONField("未导入的行", default=list, blank=True)
    applications_submitted = models.PositiveIntegerField("已提交注册申请数", default=0)
    message = models.CharField("说明", max_length=500, blank=True)

    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    committed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认导入人", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        indexes = [models.Index(fields=["school", "sha256", "status"])]

    def __str__(self) -> str:
        return f"导入批次#{self.pk}({self.original_name})"

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.VALIDATING, self.Status.COMMITTING)

    @property
    def rows_bad(self) -> int:
        return self.rows_total - self.rows_ok

    @property
    def percent(self) -> int:
        if not self.rows_total:
            return 0 if self.is_running else 100
        return min(100, round(100 * self.rows_done / self.rows_total))


class DuplicateCase(models.Model):
    """A newly admitted record that looks like an earlier one (第十四条): the competent authority decides."""

    class Status(models.TextChoices):
        OPEN = "open", "待处理"
        KEPT_BOTH = "kept_both", "确认非同一人,保留两条"
        MERGED = "merged", "确认同一人,已合并"

    class Reason(models.TextChoices):
        PINYIN = "pinyin", "姓名拼音、性别、出生日期相同"
        # Only swaps the check character cannot catch can reach the registry (checking.UNDETECTED_SWAPS), and none
        # of them is of two neighbouring digits: the label says "two digits swapped", not "adjacent".
        TRANSPOSED_ID = "transposed_id", "身份证件号有两位数字互换"
        GUARDIAN = "guardian", "监护人身份证件号相同且出生日期相同"
        NAME_BIRTH = "name_birth", "无身份证件号,姓名、性别、出生日期与已有学籍相同"

    batch = models.ForeignKey(ImportBatch, verbose_name="导入批次", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="cases")
    student = models.ForeignKey(Student, verbose_name="新建学籍", on_delete=models.PROTECT, related_name="+")
    existing = models.ForeignKey(Student, verbose_name="已有学籍", on_delete=models.PROTECT, related_name="+")
    reasons = models.JSONField("疑似原因", default=list)
    school = models.ForeignKey(School, verbose_name="导入学校", on_delete=models.PROTECT, related_name="+")
    # The importing school's 学籍主管部门 for the student's grade (第三条): it decides.
    authority = models.ForeignKey(Division, verbose_name="处理部门", on_delete=models.PROTECT,
                                  related_name="duplicate_cases")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    created_at = models.DateTimeField("发现时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    comment = models.CharField("处理意见", max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "疑似重复学籍"
        verbose_name_plural = "疑似重复学籍"
        constraints = [models.UniqueConstraint(fields=["student", "existing"], name="duplicate_case_unique_pair")]
        indexes = [models.Index(fields=["authority", "status"])]

    def __str__(self) -> str:
        return f"疑似重复#{self.pk}"

    @property
    def reason_labels(self) -> list[str]:
        labels = dict(self.Reason.choices)
        return [labels.get(code, code) for code in self.reasons]
