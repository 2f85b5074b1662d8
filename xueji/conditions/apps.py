from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "xueji.conditions"
    label = "conditions"
    verbose_name = "普通高中毕业条件(第三十五条)"

    def ready(self):
        # Graduation asks its registered checks; it never imports this capability (xueji/graduation/hooks.py).
        from xueji.graduation.hooks import register_condition_check

        from .checks import unmet_for_graduation

        register_condition_check(unmet_for_graduation)
