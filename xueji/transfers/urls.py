from django.urls import path

from . import views

app_name = "transfers"

urlpatterns = [
    path("transfers/", views.index_page, name="index"),
    path("transfers/new/", views.new_page, name="new"),
    path("transfers/import/", views.import_page, name="import"),
    path("transfers/handovers/", views.handovers_page, name="handovers"),
    path("transfers/handovers/<int:pk>/sent/", views.confirm_page, {"side": "sent"}, name="sent"),
    path("transfers/handovers/<int:pk>/received/", views.confirm_page, {"side": "received"}, name="received"),
    path("transfers/<int:pk>/package/", views.package_page, name="package"),
    path("students/<str:key>/transfer-out/", views.outgoing_page, name="outgoing"),
    path("former-students/", views.former_list_page, name="former"),
    path("former-students/<int:pk>/", views.former_detail_page, name="former_detail"),
]
