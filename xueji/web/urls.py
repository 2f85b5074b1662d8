from django.urls import include, path

from . import views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("", include("xueji.orgs.urls")),
    path("", include("xueji.students.urls")),
    path("", include("xueji.audit.urls")),
    path("", include("xueji.accounts.urls")),
    path("", include("xueji.placement.urls")),
    path("", include("xueji.semester.urls")),
    path("", include("xueji.applications.urls")),
    path("", include("xueji.forms.urls")),
    path("", include("xueji.intake.urls")),
    path("", include("xueji.archive.urls")),
    path("", include("xueji.archive.urls_awards")),
    path("", include("xueji.archive.urls_probation")),
    path("", include("xueji.reorganisation.urls")),
    path("", include("xueji.certificates.urls")),
    path("", include("xueji.transfers.urls")),
    path("", include("xueji.visiting.urls")),
    path("", include("xueji.applications.urls_start")),
    path("", include("xueji.workdays.urls")),
    path("", include("xueji.notices.urls")),
    path("", include("xueji.lookup.urls")),
    path("", include("xueji.access.urls")),
    path("", include("xueji.guardians.urls")),
    path("", include("xueji.schoolyear.urls")),
    path("", include("xueji.graduation.urls")),
    path("", include("xueji.conditions.urls")),
    path("", include("xueji.todo.urls")),
    path("", include("xueji.registers.urls")),
    path("", include("xueji.statistics.urls")),
]
