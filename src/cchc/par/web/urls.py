from django.urls import path

from cchc.par.web import views

app_name = "par_web"

urlpatterns = [
    path("", views.home, name="home"),
    path("bo-chi-so/<slug:code>/", views.index_set_detail, name="index_set"),
    path("dot/<id:pk>/", views.round_detail, name="round"),
    path("dot/<id:pk>/dong-tu-danh-gia/", views.round_close, name="round_close"),
    path("dot/<id:pk>/cong-bo/", views.round_publish, name="round_publish"),
    path("dot/<id:pk>/ket-qua/", views.results, name="results"),
    path("dot/<id:pk>/ket-qua.xlsx", views.results_xlsx, name="results_xlsx"),
    path("dot/<id:pk>/ket-qua.csv", views.results_csv, name="results_csv"),
    path("dot/<id:pk>/co-quan/<id:agency_id>/", views.assessment_detail, name="assessment"),
    path("dot/<id:pk>/co-quan/<id:agency_id>/nop/", views.assessment_submit, name="assessment_submit"),
    path("dot/<id:pk>/co-quan/<id:agency_id>/lay-so-lieu/", views.assessment_compute, name="assessment_compute"),
    path("dot/<id:pk>/co-quan/<id:agency_id>/ket-thuc/", views.assessment_finalise, name="assessment_finalise"),
    path("diem/<id:score_id>/tu-cham/", views.score_self, name="score_self"),
    path("diem/<id:score_id>/tham-dinh/", views.score_appraise, name="score_appraise"),
    path("diem/<id:score_id>/khao-sat/", views.score_survey, name="score_survey"),
    path("minh-chung/<id:pk>/", views.evidence_download, name="evidence"),
]
