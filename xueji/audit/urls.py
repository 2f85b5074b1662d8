from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.log_page, name="list"),
    path("audit/verify/", views.verify_page, name="verify"),
]
