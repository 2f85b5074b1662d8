from django.urls import path

from . import views

app_name = "visiting"

urlpatterns = [
    path("visiting/", views.index_page, name="index"),
    path("visiting/new/", views.new_page, name="new"),
    path("visiting/<int:pk>/", views.detail_page, name="detail"),
    path("visiting/<int:pk>/end/", views.end_page, name="end"),
]
