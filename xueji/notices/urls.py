from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("reminders/", views.list_page, name="list"),
    path("reminders/<int:pk>/read/", views.read_page, name="read"),
]
