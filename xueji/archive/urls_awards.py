from django.urls import path

from . import award_views

app_name = "awards"

urlpatterns = [
    path("students/<str:key>/awards/", award_views.record_page, name="record"),
    path("awards/<int:pk>/revoke/", award_views.revoke_page, name="revoke"),
    path("awards/<int:pk>/scan/", award_views.scan_page, name="scan"),
]
