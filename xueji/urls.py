from django.urls import include, path

from xueji.api.router import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("xueji.web.urls")),
]
