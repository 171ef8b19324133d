from django.urls import path

from cchc.par.web import views

app_name = "par_web"

urlpatterns = [
    path("", views.home, name="home"),
    path("bo-chi-so/<slug:code>/", views.index_set_detail, name="index_set"),
    path("dot/<int:pk>/", views.round_detail, name="round"),
    path("dot/<int:pk>/dong-tu-danh-gia/", views.round_close, name="round_close"),
    path("dot/<int:pk>/cong-bo/", views.round_publish, name="round_publish"),
    path("dot/<int:pk>/ket-qua/", views.results, name="results"),
    path("dot/<int:pk>/ket-qua.xlsx", views.results_xlsx, name="results_xlsx"),
    path("dot/<int:pk>/ket-qua.csv", views.results_csv, name="results_csv"),
    path("dot/<int:pk>/co-quan/<int:agency_id>/", views.assessment_detail, name="assessment"),
    path("dot/<int:pk>/co-quan/<int:agency_id>/nop/", views.assessment_submit, name="assessment_submit"),
    path("dot/<int:pk>/co-quan/<int:agency_id>/lay-so-lieu/", views.assessment_compute, name="assessment_compute"),
    path("dot/<int:pk>/co-quan/<int:agency_id>/ket-thuc/", views.assessment_finalise, name="assessment_finalise"),
    path("diem/<int:score_id>/tu-cham/", views.score_self, name="score_self"),
    path("diem/<int:score_id>/tham-dinh/", views.score_appraise, name="score_appraise"),
    path("diem/<int:score_id>/khao-sat/", views.score_survey, name="score_survey"),
    path("minh-chung/<int:pk>/", views.evidence_download, name="evidence"),
]
