from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from cchc.config import health

urlpatterns = [
    # issue 17 item 1: liveness and readiness for load balancers and process managers
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    # issue 17 item 8: the public API for partner systems (OAuth2 client credentials; docs/api-public.md)
    path("api/public/", include("cchc.publicapi.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include("cchc.program.api.urls")),
    path("api/", include("cchc.dossiers.api.urls")),
    path("", include("cchc.dossiers.documents.urls")),
    path("", include("cchc.dossiers.web.urls")),
    path("dich-vu-cong/", include("cchc.identity.urls")),  # issue 15: electronic identity, Hồ sơ của tôi
    path("dich-vu-cong/", include("cchc.dossiers.portal.urls")),
    path("", include("cchc.program.web.urls")),
    path("chi-so/", include("cchc.indicators.web.urls")),
    path("phan-anh/", include("cchc.feedback.web.urls")),
    path("khao-sat/", include("cchc.surveys.web.urls")),
    path("ke-hoach/", include("cchc.plans.web.urls")),
    path("par-index/", include("cchc.par.web.urls")),
    path("bao-cao/", include("cchc.reporting.web.urls")),
    path("du-lieu-mo/", include("cchc.opendata.web.urls")),  # issue 17 item 7: open data, CKAN API
    path("lien-thong/", include("cchc.integrations.web.urls")),
    path("", include("cchc.org.web.urls")),
    # issue 15 items 5-6 (h-staff): receipts' verification page, the staff second factor
    path("bien-lai/", include("cchc.receipts.web.urls")),
    path("", include("cchc.accounts.otp.urls")),
    # issue 15 part 4: online payment (cchc.payments)
    path("thanh-toan/", include("cchc.payments.web.urls")),
    # issue 16 items 1-2: the public verification page of signed electronic results
    path("xac-minh/", include("cchc.dossiers.results.urls")),
]

# The administration's headers in Vietnamese (Django's defaults read "Django administration").
admin.site.site_header = "Quản trị hệ thống CCHC Khánh Hòa"
admin.site.site_title = "Quản trị CCHC"
admin.site.index_title = "Quản trị dữ liệu"
