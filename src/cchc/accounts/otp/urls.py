"""The staff's second factor, under /tai-khoan/xac-thuc/."""

from django.urls import path

from cchc.accounts.otp import views

app_name = "otp"
urlpatterns = [
    path("tai-khoan/xac-thuc/", views.verify, name="verify"),
    path("tai-khoan/xac-thuc/dang-ky/", views.enrol, name="enrol"),
    path("tai-khoan/xac-thuc/ma-du-phong/", views.recovery, name="recovery"),
]
