from django.urls import path

from . import views

app_name = "registers"

urlpatterns = [
    path("schools/<str:code>/registers/", views.index, name="index"),
    path("schools/<str:code>/registers/info/", views.edit_info, name="edit_info"),
    path("schools/<str:code>/registers/campuses/<int:campus_id>/info/", views.edit_campus, name="edit_campus"),
    path("schools/<str:code>/registers/<slug:slug>/", views.register_page, name="register"),
]
