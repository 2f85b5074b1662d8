from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "xueji.applications"
    label = "applications"
    verbose_name = "学籍申请与审批"

    def ready(self):
        # Each change type registers itself with the engine when its module is imported.
        from . import types  # noqa: F401
