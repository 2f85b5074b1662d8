from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("students/<str:key>/discipline/", views.record_page, name="record"),
    path("discipline/<int:pk>/revoke/", views.revoke_page, name="revoke"),
]
