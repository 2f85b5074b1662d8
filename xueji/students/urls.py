from django.urls import path

from . import views

app_name = "students"

urlpatterns = [
    path("students/", views.search_page, name="search"),
    path("students/new/", views.create_page, name="create"),
    path("students/<str:key>/", views.detail_page, name="detail"),
    path("students/<str:key>/edit/", views.edit_page, name="edit"),
    path("students/<str:key>/photo/", views.photo_upload, name="photo"),
    path("students/<str:key>/reveal-id/", views.reveal_id, name="reveal_id"),
]
