from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from xueji.api.router import api

urlpatterns = [
    path("api/v1/", api.urls),
    # Browsers ask for /favicon.ico whatever the page links; send them to the icon among the static files.
    path("favicon.ico", RedirectView.as_view(url=static("web/favicon.ico"), permanent=True)),
    path("", include("xueji.web.urls")),
]
