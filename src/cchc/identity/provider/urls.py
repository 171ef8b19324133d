from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from cchc.identity.provider import faults
from cchc.identity.provider.citizens import ACCOUNTS, PASSWORD


def health(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
    path(
        "dang-nhap/",
        auth_views.LoginView.as_view(
            template_name="provider/login.html", extra_context={"accounts": ACCOUNTS, "password": PASSWORD}
        ),
        name="login",
    ),
    path("_control", faults.control),
    path("_health", health),
]
