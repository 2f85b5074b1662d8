from django.urls import path

from . import views

app_name = "graduation"

urlpatterns = [
    path("graduation/", views.batches, name="batches"),
    path("graduation/propose/", views.propose, name="propose"),
    path("graduation/batches/<str:batch>/", views.batch, name="batch"),
    path("graduation/batches/<str:batch>/decide/", views.decide, name="decide"),
    path("graduation/batches/<str:batch>/roster/", views.roster_page, name="roster"),
    path("graduation/sealing/", views.sealing, name="sealing"),
]
