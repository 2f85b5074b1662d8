from django.urls import path

from . import views

app_name = "reorganisation"

urlpatterns = [
    path("schools/<str:code>/reorganisation/", views.school_page, name="school"),
    path("schools/<str:code>/reorganisation/merge/", views.merge_page, name="merge"),
    path("schools/<str:code>/reorganisation/close/", views.close_page, name="close"),
]
