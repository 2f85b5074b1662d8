from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/", views.accounts_page, name="list"),
    path("accounts/<str:username>/unlock/", views.unlock_page, name="unlock"),
    path("account/password/", views.password_page, name="password"),
]
