from django.apps import AppConfig


class SchoolYearConfig(AppConfig):
    name = "xueji.schoolyear"
    label = "schoolyear"
    verbose_name = "学年升级"

    def ready(self):
        # A student held back because an application was pending is promoted when it ends; the engine runs the
        # callbacks registered with it and imports nothing of this app.
        from xueji.applications.engine import on_decided

        from .services import release_after_decision, release_after_decisions

        on_decided(release_after_decision, many=release_after_decisions)
