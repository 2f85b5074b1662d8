from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Holds the console commands (demo, serve, generate, createaccount); it has no models."""

    name = "xueji.demo"
    label = "demo"
    verbose_name = "演示与运维命令"
