"""URLs of citizen feedback (phản ánh, kiến nghị), mounted at /phan-anh/: the public pages and the
staff console (can-bo/)."""

from django.urls import path

from cchc.feedback.web import views

app_name = "feedback_web"

urlpatterns = [
    path("", views.published_list, name="published_list"),
    path("cong-khai/<str:code>/", views.published_detail, name="published_detail"),
    path("cong-khai/<str:code>/van-ban/", views.published_file, name="published_file"),
    path("gui/", views.submit, name="submit"),
    path("da-gui/<str:code>/", views.submitted, name="submitted"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("theo-doi/<str:code>/", views.track, name="track"),
    path("theo-doi/<str:code>/danh-gia/", views.track_rate, name="track_rate"),
    path("theo-doi/<str:code>/bo-sung/", views.track_resubmit, name="track_resubmit"),
    path("can-bo/", views.staff_queue, name="staff_queue"),
    path("can-bo/<str:code>/", views.staff_detail, name="staff_detail"),
    path("can-bo/<str:code>/van-ban/", views.staff_file, name="staff_file"),
    path("can-bo/<str:code>/<slug:slug>/", views.staff_action, name="staff_action"),
]
