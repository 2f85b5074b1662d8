from django.apps import AppConfig


class PlacementConfig(AppConfig):
    name = "xueji.placement"
    label = "placement"
    verbose_name = "编班"

    def ready(self):
        # The record checks a class's room through the one count placement keeps (第十三条).
        from xueji.students import seats

        from . import selectors

        seats.register(lambda ids: {pk: load.counted for pk, load in selectors.class_loads(ids).items()})
        # Its open work appears in each user's to-do list (xueji.todo).
        from . import todo  # noqa: F401
