from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "xueji.archive"
    label = "archive"
    verbose_name = "学生档案:奖励与处分"
