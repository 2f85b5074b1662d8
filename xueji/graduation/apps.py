from django.apps import AppConfig


class GraduationConfig(AppConfig):
    name = "xueji.graduation"
    label = "graduation"
    verbose_name = "毕业:毕业生审批、证书编号与验印"

    def ready(self):
        # The capability owns its change type; importing it registers it with the engine.
        from . import change_types  # noqa: F401
