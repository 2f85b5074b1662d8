from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("intake/", views.upload_page, name="upload"),
    path("intake/template/", views.template_download, name="template"),
    path("intake/<int:batch_id>/", views.batch_page, name="batch"),
    path("intake/<int:batch_id>/progress", views.progress_fragment, name="progress"),
    path("intake/<int:batch_id>/commit", views.commit_view, name="commit"),
    path("intake/<int:batch_id>/retry", views.retry_view, name="retry"),
    path("intake/<int:batch_id>/discard", views.discard_view, name="discard"),
    path("duplicates/", views.cases_page, name="cases"),
    path("duplicates/<int:case_id>/", views.case_page, name="case"),
    path("duplicates/<int:case_id>/decide", views.decide_view, name="decide"),
    path("duplicates/<int:case_id>/reveal", views.reveal_view, name="reveal"),
]
