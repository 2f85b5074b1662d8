"""/api/v1/school-years/{year}/rollover: the province opens a school year (升级, 第十六条) and follows it."""

from ninja import Field, Router, Schema

from xueji.api.common import Year, errors

from . import services
from .models import Rollover

router = Router(tags=["学年升级"])


class RolloverOut(Schema):
    id: int
    school_year: int = Field(description="开启的学年(起始年份),2027 表示 2027–2028 学年")
    status: str = Field(description="running 进行中 · done 已完成")
    phase: str = Field(description="classes 班级随年级升级 · students 学生升级 · sealing 计算校验值 · done")
    done: int = Field(description="已处理的在籍及休学学生数")
    total: int = Field(description="开启时的在籍及休学学生数")
    promoted: int = Field(description="升入下一年级的学生数")
    kept_suspended: int = Field(description="休学、保留原年级的学生数")
    kept_pending: int = Field(description="有审批中的申请、暂缓升级的学生数(申请办结后补升)")
    promoted_later: int = Field(description="暂缓后已补升的学生数")
    final_grade: int = Field(description="毕业年级(六年级、初三、高三)不升级的学生数")
    not_promoted_other: int = Field(description="新学年入学等其他不升级的学生数")
    classes_moved: int = Field(description="随年级升级的班级数")
    running_now: bool = Field(description="是否有进程正在执行(否则下次开启请求或命令行会接着执行)")
    digest: str = Field(description="升级记录的 SHA-256 校验值(完成后),已写入审计日志")


class VerifyOut(Schema):
    school_year: int
    intact: bool = Field(description="由升级记录重新计算的校验值与审计日志中的一致")
    recorded: str | None
    computed: str
    promotions: int


def _out(job: Rollover) -> dict:
    return {"id": job.pk, "status": job.status, "phase": job.phase, "digest": job.digest,
            "running_now": services.is_alive(job), **services.counts(job)}


@router.post("/{year}/rollover", response={202: RolloverOut, **errors(400, 401, 403, 422)},
             summary="开启新学年:全省学生升级(第十六条)")
def start_rollover(request, year: Year):
    """Only the province officer; `year` must be the next school year and its terms set. Asking again returns the
    same job (and resumes it if its process died)."""
    return 202, _out(services.start(request.auth, year))


@router.get("/{year}/rollover", response={200: RolloverOut, **errors(400, 401, 403, 404)},
            summary="学年升级的进度与统计")
def rollover_progress(request, year: Year):
    return _out(services.job_for(request.auth, year))


@router.post("/{year}/rollover/verify", response={200: VerifyOut, **errors(400, 401, 403, 404)},
             summary="核验学年升级记录(与审计日志中的校验值比对)")
def verify_rollover(request, year: Year):
    return services.verify(request.auth, year)
