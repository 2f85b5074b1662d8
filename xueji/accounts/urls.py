from django.urls import path

from . import filing_views, second_factor, views

app_name = "accounts"

urlpatterns = [
    path("accounts/", views.accounts_page, name="list"),
    path("account-filings/", filing_views.filings_page, name="filings"),
    path("account-filings/<str:filing_id>/confirm/", filing_views.confirm_page, name="confirm_filing"),
    path("accounts/<str:username>/", filing_views.account_page, name="detail"),
    path("accounts/<str:username>/filings/", filing_views.file_page, name="file"),
    path("accounts/<str:username>/close/", filing_views.close_page, name="close"),
    path("accounts/<str:username>/reopen/", filing_views.reopen_page, name="reopen"),
    path("accounts/<str:username>/totp-reset/", filing_views.totp_reset_page, name="totp_reset"),
    path("accounts/<str:username>/unlock/", views.unlock_page, name="unlock"),
    path("account/password/", views.password_page, name="password"),
    path("account/totp/", second_factor.totp_page, name="totp"),
    path("login/second-factor/", second_factor.second_factor_page, name="second_factor"),
]
