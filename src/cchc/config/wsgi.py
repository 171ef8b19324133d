import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.config.settings")
application = get_wsgi_application()

from cchc.config.startup import process_ready  # noqa: E402 (needs Django set up)

process_ready()
