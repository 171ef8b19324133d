"""URLs of the staff console (bàn làm việc một cửa), under /mot-cua/."""

from django.urls import path

from cchc.dossiers.web import password, views

app_name = "dossiers_web"
urlpatterns = [
    path("mot-cua/dang-nhap/", views.ConsoleLoginView.as_view(), name="login"),
    path("mot-cua/dang-xuat/", views.ConsoleLogoutView.as_view(), name="logout"),
    path("mot-cua/quen-mat-khau/", password.StaffPasswordResetView.as_view(), name="password_reset"),
    path("mot-cua/quen-mat-khau/da-gui/", password.StaffPasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "mot-cua/dat-lai-mat-khau/<uidb64>/<token>/",
        password.StaffPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-cua/dat-lai-mat-khau/xong/",
        password.StaffPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mot-cua/", views.queue, name="queue"),
    path("mot-cua/tiep-nhan/", views.counter_reception, name="reception"),
    path("mot-cua/ho-so/<str:code>/", views.dossier_detail, name="dossier"),
    path("mot-cua/ho-so/<str:code>/<slug:slug>/", views.dossier_action, name="action"),
    path("mot-cua/ho-so-truc-tuyen/<id:pk>/", views.dossier_detail, name="dossier_new"),
    path("mot-cua/ho-so-truc-tuyen/<id:pk>/<slug:slug>/", views.dossier_action, name="action_new"),
    path("mot-cua/tep/<id:pk>/<id:order>/", views.dossier_document, name="document"),
    path("mot-cua/tep/<id:pk>/<id:order>/khong-chap-nhan/", views.dossier_document_reject, name="document_reject"),
    path("mot-cua/tiep-nhan/kho-du-lieu/", views.counter_offers, name="reception_offers"),
    path("mot-cua/ket-qua/<id:pk>/<id:result>/", views.dossier_result, name="result"),
]
