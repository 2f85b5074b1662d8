from django.apps import AppConfig


class TodoConfig(AppConfig):
    name = "xueji.todo"
    label = "todo"
    verbose_name = "待办事项"

    def ready(self):
        # The engine's own work (approval steps, records waiting for registration, expired suspensions) is listed by
        # a module here: todo reads the engine, the engine never imports todo. Other capabilities register theirs.
        from . import providers  # noqa: F401
