from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "xueji.intake"
    label = "intake"
    verbose_name = "新生入学与批量导入"

    def ready(self):
        # Registration (建档, 第十一条) is intake's change type; importing it registers it with the engine.
        # Its open work appears in each user's to-do list (xueji.todo) the same way.
        from . import change_types, todo  # noqa: F401
