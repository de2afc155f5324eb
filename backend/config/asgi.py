"""ASGI entry point (gunicorn with uvicorn workers, as `make run`, compose and the stack start it).

The predict fast path (apps.predictions.serving) answers text predictions on the event loop with group commit;
every other request goes to the same Django WSGI application as before, run in a pool of WEB_THREADS threads by
a2wsgi, so the rest of the API keeps Django's synchronous semantics (a thread and a database connection per request).
"""
import os

from a2wsgi import WSGIMiddleware
from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_application = get_wsgi_application()

from apps.predictions.serving.asgi import ServingApplication  # noqa: E402 (needs the apps loaded)

application = ServingApplication(WSGIMiddleware(django_application, workers=settings.WEB_THREADS))
