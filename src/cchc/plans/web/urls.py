from django.urls import path  # noqa: F401

app_name = "plans_web"

urlpatterns: list = []
