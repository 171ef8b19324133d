import os

from django.core.wsgi import get_wsgi_application

# No fallback to the development settings in a deployment (issue 12 item 4): without
# DJANGO_SETTINGS_MODULE a web process runs the production settings, which refuse to start unless DEBUG is
# off, SECRET_KEY strong and the database PostgreSQL (fail closed). `cchc runserver` keeps the development ones.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.production")
application = get_wsgi_application()

from cchc.config.startup import process_ready  # noqa: E402 (needs Django set up)

process_ready()
