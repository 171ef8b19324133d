from django.urls import path

from cchc.surveys.web import views

app_name = "surveys_web"

urlpatterns = [
    path("", views.campaign_index, name="campaign_list"),
    path("ket-qua/", views.results, name="results"),
    path("dot/tao/", views.campaign_new, name="campaign_new"),
    path("dot/<slug:code>/", views.campaign_detail, name="campaign_detail"),
    path("dot/<slug:code>/nhap-phieu/", views.staff_entry, name="staff_entry"),
    path("<slug:code>/", views.public_form, name="public_form"),
    path("<slug:code>/cam-on/", views.thanks, name="thanks"),
]
