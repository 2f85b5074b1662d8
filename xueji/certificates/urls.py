from django.urls import path

from . import views

app_name = "certificates"

urlpatterns = [
    path("schools/<str:school_code>/certificates/", views.register_page, name="register"),
    path("schools/<str:school_code>/certificates.xlsx", views.register_xlsx, name="register_xlsx"),
    path("schools/<str:school_code>/certificates/<int:year>.pdf", views.batch_pdf, name="batch_pdf"),
    path("certificates/proof/", views.proof_by_number_page, name="proof_lookup"),
    path("certificates/<str:number>.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<str:number>/second-proof/", views.second_proof_page, name="second_proof"),
]
