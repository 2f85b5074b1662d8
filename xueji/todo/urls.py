from django.urls import path

from . import views

app_name = "todo"

urlpatterns = [
    path("todo/approve/", views.batch_approve, name="batch_approve"),
]
