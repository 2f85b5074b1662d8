from django.urls import path

from . import views

app_name = "calendar"

urlpatterns = [
    path("calendar/", views.calendar_page, name="index"),
    path("calendar/day/", views.day_page, name="day"),
    path("calendar/term/", views.term_page, name="term"),
]
