from django.urls import path

app_name = "program_web"
urlpatterns: list = []
