from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("applications/", views.list_page, name="list"),
    path("applications/inbox/", views.inbox_page, name="inbox"),
    path("applications/inbox/approve/", views.batch_approve_page, name="batch_approve"),
    path("applications/overdue/", views.overdue_page, name="overdue"),
    path("applications/<int:pk>/", views.detail_page, name="detail"),
    path("applications/<int:pk>/approve/", views.decide_page, {"action": "approve"}, name="approve"),
    path("applications/<int:pk>/reject/", views.decide_page, {"action": "reject"}, name="reject"),
    path("applications/<int:pk>/cancel/", views.decide_page, {"action": "cancel"}, name="cancel"),
    path("applications/<int:pk>/evidence/", views.evidence_upload_page, name="evidence_upload"),
    path("applications/<int:pk>/evidence/<int:evidence_id>/", views.evidence_page, name="evidence"),
    path("students/<str:key>/register/", views.register_student_page, name="register"),
    path("students/<str:key>/info-change/", views.info_change_page, name="info_change"),
    path("schools/<str:code>/register-all/", views.register_all_page, name="register_all"),
]
