from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "xueji.archive"
    label = "archive"
    verbose_name = "学生档案:奖励与处分"

    def ready(self):
        # The archive owns the expulsion change type (第四十条); importing it registers it with the engine.
        # Probations that ran their course appear in the school's to-do list (xueji.todo) the same way.
        from . import change_types, todo  # noqa: F401
