from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("statistics/", views.home, name="home"),
    path("statistics/<str:code>/", views.node, name="node"),
]
