from django.urls import path

from . import views

app_name = "semester"

urlpatterns = [
    path("semester/", views.index, name="index"),
    path("semester/review/<str:code>/", views.review_page, name="review"),
    path("semester/submit/", views.submit_view, name="submit"),
    path("semester/reports/<int:pk>/", views.report_page, name="report"),
    path("semester/reports/<int:pk>/confirm/", views.confirm_view, name="confirm"),
    path("semester/reports/<int:pk>/return/", views.return_view, name="return"),
    path("semester/corrections/", views.corrections_page, name="corrections"),
    path("semester/corrections/list/", views.list_view, name="list"),
    path("semester/corrections/<int:pk>/done/", views.done_view, name="done"),
]
