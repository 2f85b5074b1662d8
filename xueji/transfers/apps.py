from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "xueji.transfers"
    label = "transfers"
    verbose_name = "转学:档案移交与跨省转学数据包"

    def ready(self):
        # The capability owns its change types; importing them registers them with the engine.
        # Its open work appears in each user's to-do list (xueji.todo) the same way.
        from . import change_types, todo  # noqa: F401
