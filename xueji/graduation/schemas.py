from datetime import date

from ninja import Field, Schema

from xueji.api.common import Year

StudentKey = Field(max_length=40)


class ProposeIn(Schema):
    type: str = Field("graduation", description="固定为 graduation")
    school: str = Field(max_length=10, description="学校标识码")
    students: list[str] = Field(description="毕业生学籍号列表(最高年级、在籍),一次最多5000名", max_length=5000)
    reason: str = Field("", max_length=500)


class DecideIn(Schema):
    comment: str = Field("", max_length=500, description="意见;驳回时必填")
    students: list[str] | None = Field(None, max_length=5000, description="只办理这些学生(学籍号);与 exclude 二选一")
    exclude: list[str] | None = Field(None, max_length=5000, description="除这些学生外全部办理(学籍号)")


class StepOut(Schema):
    org: str
    org_name: str
    role: str
    label: str
    status: str
    due_date: date | None = None


class ErrorRow(Schema):
    code: str
    article: str | None = None
    field: str | None = None
    message: str


class BatchStudentOut(Schema):
    application: int
    student: str = Field(description="学生键:J、L 字头学籍号,否则为档案ID(G 字头学籍号不输出)")
    name: str
    class_name: str
    status: str = Field(description="申请状态:pending、approved、rejected、cancelled")
    record_status: str = Field(description="学籍状态")
    step: str = Field(description="当前环节")
    certificate: str = Field(description="毕业证书编号(毕业后)")
    sealed_on: date | None = None


class BatchOut(Schema):
    id: str = Field(description="批次号")
    type: str = "graduation"
    status: str = Field(description="pending:尚有审批中的学生;否则 done")
    school: str
    school_name: str
    count: int
    steps: list[StepOut] = Field(description="审批流程(首名学生的环节;各学生进度见 students)")
    students: list[BatchStudentOut]


class BatchSummaryOut(Schema):
    id: str
    school: str
    school_name: str
    total: int
    pending: int
    approved: int
    rejected: int


class SkippedOut(Schema):
    student: str
    name: str
    errors: list[ErrorRow]


class DecisionOut(Schema):
    batch: str
    decided: int = Field(description="本次办理的学生数")
    graduated: int = Field(description="本次办结、学籍状态变为“毕业”的学生数")
    skipped: list[SkippedOut] = Field(description="复核不符合条件、仍待办理的学生及原因")


class SealIn(Schema):
    school_year: Year | None = Field(None, description="学年(起始年份),默认当前学年")


class SealingOut(Schema):
    id: int
    city: str
    city_name: str
    school_year: int
    sealed_on: date
    sealed_by: str
    count: int
    rejected: int
