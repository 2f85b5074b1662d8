from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "xueji.web"
    label = "web"
    verbose_name = "网页"
