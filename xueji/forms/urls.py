from django.urls import path

from . import views

app_name = "forms"

urlpatterns = [
    path("students/<str:key>/basic-info.pdf", views.student_basic_info, name="student_basic_info"),
    path("classes/<int:pk>/basic-info.pdf", views.class_basic_info, name="class_basic_info"),
    path("applications/<int:pk>/form.pdf", views.change_form, name="change_form"),
]
