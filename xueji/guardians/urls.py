from django.urls import path

from . import views

app_name = "guardians"

urlpatterns = [
    path("guardian/sign-up/", views.sign_up_page, name="sign_up"),
    path("guardian/", views.home_page, name="home"),
    path("guardian/children/add/", views.add_child_page, name="add_child"),
    path("guardian/children/<str:key>/", views.child_page, name="child"),
    path("guardian/children/<str:key>/confirm/", views.confirm_page, name="confirm"),
    path("guardian/children/<str:key>/report/", views.report_page, name="report"),
    path("students/<str:key>/guardian-code/", views.code_page, name="code"),
    path("students/<str:key>/guardians/<int:pk>/revoke/", views.revoke_page, name="revoke"),
    path("schools/<str:code>/guardian-reports/", views.reports_page, name="reports"),
    path("guardian-reports/<int:pk>/handle/", views.handle_page, name="handle"),
    path("schools/<str:code>/guardian-confirmations/", views.confirmations_page, name="confirmations"),
]
