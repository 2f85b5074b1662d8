from django.apps import AppConfig


class ReorganisationConfig(AppConfig):
    name = "xueji.reorganisation"
    label = "reorganisation"
    verbose_name = "学校合并与撤销"
