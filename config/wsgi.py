"""The WSGI entry gunicorn loads (``gunicorn config.wsgi:application``): the app, its URLs, then a frozen heap.

Loading Django, every app and the URL configuration leaves a few hundred thousand long-lived objects (modules,
classes, functions, URL patterns, serializer fields). Left to the collector, every full collection of a worker
walks all of them again, for nothing: issue 21 measured a tenth of the API list's time in those collections.
So, once loaded: ``gc.collect()`` clears the garbage of start-up, and ``gc.freeze()`` moves every survivor to the
permanent generation, which collections never visit; only the objects requests make are walked.

Why here and not in a gunicorn hook (``post_fork`` or ``when_ready`` in a config file): this module runs wherever
the app is loaded, so it holds for every way Finsight is served, with or without ``--preload``, and for the
bench and the tests that start ``gunicorn config.wsgi:application`` with no config file. Without ``--preload``
(the documented way: each worker loads the app after the fork, so a restart or ``max_requests`` recycle picks up
new code and nothing opened at import is shared between processes) each worker freezes its own heap. With
``--preload`` the master loads and freezes before forking, which also keeps the collector from writing to the
shared pages, so they stay shared between workers.

The URL configuration is read here rather than by the first request, so its objects are frozen too and the first
person served does not wait for it.
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_wsgi_application()


def _heap_freeze() -> None:
    """Read every URLconf, collect start-up's garbage once, then keep the survivors out of later collections."""
    get_resolver().url_patterns  # noqa: B018 - imports every app's urls.py and views now, not on the first request
    gc.collect()
    gc.freeze()


_heap_freeze()
