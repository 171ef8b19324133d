"""URLs of online payment, mounted at /thanh-toan/."""

from django.urls import path

from cchc.payments.web import views

app_name = "payments"
urlpatterns = [
    path("ho-so/<id:pk>/", views.start, name="start"),
    path("vnpay/ket-qua/", views.gateway_return, name="return"),
    path("vnpay/ipn/", views.ipn, name="ipn"),
]
