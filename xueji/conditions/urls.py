from django.urls import path

from . import views

app_name = "conditions"

urlpatterns = [
    path("schools/<str:code>/graduation-conditions/", views.school_list, name="school"),
    path("schools/<str:code>/graduation-conditions/import/", views.import_page, name="import"),
    path("students/<str:key>/graduation-conditions/", views.student_page, name="student"),
    path("graduation-conditions/template.xlsx", views.template_download, name="template"),
]
