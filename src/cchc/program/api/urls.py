from django.urls import path

app_name = "program_api"
urlpatterns: list = []
