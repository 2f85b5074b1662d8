from django.urls import path

from . import probation_views

app_name = "probation"

urlpatterns = [
    path("schools/<str:code>/probation/", probation_views.list_page, name="list"),
    path("discipline/<int:pk>/lift/", probation_views.lift_page, name="lift"),
    path("discipline/<int:pk>/expel/", probation_views.expel_page, name="expel"),
]
