"""Public pages of the receipts, under /bien-lai/."""

from django.urls import path

from cchc.receipts.web import views

app_name = "receipts"
urlpatterns = [
    path("<str:code>/", views.verify, name="verify"),
    path("<str:code>/tai-ve/", views.download, name="download"),
]
