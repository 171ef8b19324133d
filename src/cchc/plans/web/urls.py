from django.urls import path

from cchc.plans.web import views

app_name = "plans_web"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("tre-han/", views.overdue, name="overdue"),
    path("<id:year>/<id:agency_id>/", views.agency_plan, name="agency_plan"),
    path("nhiem-vu/<id:pk>/", views.assignment_detail, name="assignment_detail"),
    path("nhiem-vu/<id:pk>/<slug:action>/", views.assignment_action, name="assignment_action"),
    path("nhiem-vu/<id:pk>/minh-chung/<id:evidence_id>/", views.evidence_download, name="evidence_download"),
]
