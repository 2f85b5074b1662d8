from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "xueji.notices"
    label = "notices"
    verbose_name = "提醒"
