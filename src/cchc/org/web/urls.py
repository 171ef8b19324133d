from django.urls import path

app_name = "org_web"
urlpatterns: list = []
