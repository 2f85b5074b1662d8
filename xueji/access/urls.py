from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("access/", views.index_page, name="index"),
    path("access/new/", views.new_page, name="new"),
    path("access/applications/<int:pk>/", views.application_page, name="application"),
    path("access/applications/<int:pk>/decide/", views.decide_page, name="decide"),
    path("access/grants/<int:pk>/", views.grant_page, name="grant"),
    path("access/grants/<int:pk>/revoke/", views.revoke_page, name="revoke"),
    path("access/grants/<int:pk>/students/<str:key>/", views.record_page, name="record"),
    path("access/register/", views.register_page, name="register"),
    path("schools/<str:code>/roster.xlsx", views.roster_download, name="roster"),
]
