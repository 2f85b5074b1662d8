from django.urls import path

from . import views

app_name = "placement"

urlpatterns = [
    path("placement/", views.index, name="index"),
    path("placement/schools/<str:code>/", views.school_page, name="school"),
    path("placement/schools/<str:code>/form-classes/", views.form_classes, name="form_classes"),
    path("placement/schools/<str:code>/plans/", views.create_plan, name="create_plan"),
    path("placement/plans/<int:pk>/", views.plan_page, name="plan"),
    path("placement/plans/<int:pk>/place/", views.plan_place, name="plan_place"),
    path("placement/plans/<int:pk>/unplace/", views.plan_unplace, name="plan_unplace"),
    path("placement/plans/<int:pk>/auto/", views.plan_auto, name="plan_auto"),
    path("placement/plans/<int:pk>/submit/", views.plan_submit, name="plan_submit"),
    path("placement/plans/<int:pk>/approve/", views.plan_approve, name="plan_approve"),
    path("placement/plans/<int:pk>/reject/", views.plan_reject, name="plan_reject"),
    path("placement/plans/<int:pk>/cancel/", views.plan_cancel, name="plan_cancel"),
    path("placement/classes/<int:pk>/place/", views.place_student, name="place_student"),
]
