from django.apps import AppConfig


class SemesterConfig(AppConfig):
    name = "xueji.semester"
    label = "semester"
    verbose_name = "学期报告与整改"

    def ready(self):
        # Reports awaiting review and items awaiting correction join each user's to-do list (xueji.todo).
        from . import todo  # noqa: F401
