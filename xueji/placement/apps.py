from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "xueji.placement"
    label = "placement"
    verbose_name = "编班"
