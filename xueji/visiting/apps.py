from django.apps import AppConfig


class VisitingConfig(AppConfig):
    name = "xueji.visiting"
    label = "visiting"
    verbose_name = "借读"

    def ready(self):
        # The capability owns its change types; importing them registers them with the engine.
        from . import change_types  # noqa: F401
