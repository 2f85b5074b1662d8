from django.urls import path

from . import views

app_name = "schoolyear"

urlpatterns = [
    path("school-years/", views.index, name="index"),
    path("school-years/start/", views.start, name="start"),
    path("school-years/<int:year>/", views.detail, name="detail"),
    path("school-years/<int:year>/progress/", views.progress, name="progress"),
    path("school-years/<int:year>/resume/", views.resume, name="resume"),
    path("school-years/<int:year>/verify/", views.verify, name="verify"),
]
