from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "xueji.access"
    label = "access"
    verbose_name = "查阅审批与查阅登记(第四十四条)"

    def ready(self):
        # The capability owns its change type; importing it registers it with the engine.
        from . import change_types  # noqa: F401
