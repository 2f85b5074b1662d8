from django.apps import AppConfig


class VisitingConfig(AppConfig):
    name = "xueji.visiting"
    label = "visiting"
    verbose_name = "借读"
