from django.urls import path

from cchc.program.web import target_views, views

app_name = "program_web"
urlpatterns = [
    path("", views.program_overview, name="home"),
    path("chuong-trinh/<id:program_id>/", views.program_overview, name="program_detail"),
    path("nhiem-vu/", views.task_list, name="task_list"),
    path("nhiem-vu/<id:program_id>/<id:number>/", views.task_detail, name="task_detail"),
    path("co-quan/<id:agency_id>/", views.agency_detail, name="agency_detail"),
    path("chi-tieu/", target_views.target_list, name="targets"),
    path("chi-tieu/<slug:code>/", target_views.target_detail, name="target_detail"),
    path("chi-tieu/<slug:code>/minh-chung/<id:value_id>/", target_views.target_evidence, name="target_evidence"),
]
