from django.urls import path

from cchc.program.api import views

app_name = "program_api"
urlpatterns = [
    path("programs/", views.ProgramListView.as_view(), name="program-list"),
    path("programs/<str:program_id>", views.ProgramDetailView.as_view(), name="program-detail"),
]
