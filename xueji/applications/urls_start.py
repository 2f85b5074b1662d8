"""Pages of status changes: start menu and forms, timeline, and the 督办 lists (views_start.py)."""

from django.urls import path

from . import views_start as views

app_name = "changes"

urlpatterns = [
    path("students/<str:key>/changes/", views.menu_page, name="menu"),
    path("students/<str:key>/changes/<str:type_code>/", views.start_page, name="start"),
    path("students/<str:key>/timeline/", views.timeline_page, name="timeline"),
    path("oversight/", views.oversight_index, name="oversight"),
    path("oversight/overdue-steps/", views.overdue_steps_page, name="overdue_steps"),
    path("oversight/expired-suspensions/", views.expired_page, name="expired"),
    path("oversight/dropouts/", views.dropouts_page, name="dropouts"),
]
