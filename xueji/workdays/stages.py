"""Whether a stage is over on a day, read from the province's term calendar (xueji.policy.continuation)."""

from __future__ import annotations

import datetime

from xueji.policy import continuation

from .models import Term


def stage_over_on(day: datetime.date) -> bool:
    """Whether a record in the last grade of its stage has finished it on `day` (第四条, 第十二条): the latest
    spring term ended before `day`, and the next autumn term started at most a month ago. The default calendar
    stands in for a term the province has not set."""
    spring = Term.objects.filter(number=Term.Number.SPRING, ends_on__lt=day).order_by("-ends_on").first()
    if spring is not None:
        spring_end = spring.ends_on
        autumn = Term.objects.filter(number=Term.Number.AUTUMN, school_year=spring.school_year + 1).first()
    else:
        spring_end, autumn = continuation.default_spring_end(day), None
    autumn_start = autumn.starts_on if autumn is not None else continuation.default_autumn_start(spring_end)
    return continuation.stage_over(day, spring_end, autumn_start)
