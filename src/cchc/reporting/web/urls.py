"""URLs of the periodic CCHC reports, mounted at /bao-cao/."""

from django.urls import path

from cchc.reporting.web import views

app_name = "reporting_web"

urlpatterns = [
    path("", views.period_list_view, name="periods"),
    path("<str:key>/", views.period_detail, name="period"),
    path("<str:key>/co-quan/<id:agency_id>/", views.agency_report, name="agency_report"),
    path("<str:key>/co-quan/<id:agency_id>/xem-xet/", views.agency_report_review, name="agency_report_review"),
    path("<str:key>/tong-hop/", views.province_report, name="province_report"),
    path("<str:key>/tong-hop/bao-cao.<str:ext>", views.province_report_download, name="province_report_download"),
]
