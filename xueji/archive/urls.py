from django.urls import path

from . import item_views, student_page, views

app_name = "archive"

urlpatterns = [
    path("students/<str:key>/archive/", student_page.student_archive_page, name="student"),
    path("students/<str:key>/discipline/", views.record_page, name="record"),
    path("discipline/<int:pk>/revoke/", views.revoke_page, name="revoke"),
    path("students/<str:key>/archive/items/", item_views.file_page, name="item_file"),
    path("students/<str:key>/archive/location/", item_views.location_page, name="location"),
    path("archive/items/<int:pk>/correct/", item_views.correct_page, name="item_correct"),
    path("archive/items/<int:pk>/scan/", item_views.scan_page, name="item_scan"),
    path("schools/<str:code>/archive/", item_views.school_archive_page, name="school_archive"),
]
