"""URLs of the electronic identity sign-in and "Hồ sơ của tôi", mounted at /dich-vu-cong/."""

from django.urls import path

from cchc.identity import views

app_name = "identity"
urlpatterns = [
    path("dinh-danh/", views.sign_in_page, name="sign_in"),
    path("dinh-danh/dang-nhap/", views.SignInStart.as_view(), name="start"),
    path("dinh-danh/xac-thuc/", views.SignInCallback.as_view(), name="callback"),
    path("dinh-danh/dang-xuat/", views.sign_out, name="sign_out"),
    path("ho-so-cua-toi/", views.mine, name="mine"),
    path("ho-so-cua-toi/kho-du-lieu/<int:pk>/", views.store_download, name="store_download"),
    path("ho-so-cua-toi/kho-du-lieu/<int:pk>/xoa/", views.store_delete, name="store_delete"),
]
