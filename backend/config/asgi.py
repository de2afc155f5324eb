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
# One math thread per serving process unless the deployment says otherwise (HITL_SERVING_THREADS, or its own
# OMP_NUM_THREADS, which wins): gunicorn runs about one worker per core, and the models' thread pools (torch's
# intra-op threads for the text encoder and YOLO, OpenBLAS) would otherwise each take every core in every worker and
# wait on each other under load (docs/learning.md: one short text took 200 ms of CPU instead of 9 ms at load 7).
# Set before anything imports torch or numpy, which read it once.
os.environ.setdefault("OMP_NUM_THREADS", os.environ.get("HITL_SERVING_THREADS", "1"))
django_application = get_wsgi_application()

from apps.predictions.serving.asgi import ServingApplication  # noqa: E402 (needs the apps loaded)

application = ServingApplication(WSGIMiddleware(django_application, workers=settings.WEB_THREADS))
