from django.urls import path

from . import views

app_name = "orgs"

urlpatterns = [
    path("divisions/<str:code>/", views.division_page, name="division"),
    path("schools/<str:code>/", views.school_page, name="school"),
    path("schools/<str:code>/classes/", views.create_class_page, name="create_class"),
    path("classes/<int:pk>/", views.class_page, name="class"),
]
