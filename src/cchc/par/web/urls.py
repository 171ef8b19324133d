from django.urls import path  # noqa: F401

app_name = "par_web"

urlpatterns: list = []
