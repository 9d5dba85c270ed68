"""The Jinja2 environment, for the few templates drawn many times a page (a list's rows).

Django's own templates stay the rule. A row drawn fifty times a page is where the Django template language
costs most: each variable is a dictionary walk and each tag a node (the transaction list spent two fifths of its
time in its rows). Jinja2 compiles a template to Python, so the same row costs a fraction. Such templates live
in an app's ``jinja2/<app>/`` folder; a Django template draws one with ``{% jinja "<app>/<name>.html" key=value %}``
(theme's ``finsight`` library), which passes only the values named.

The filters are the Django ones the project already has: every filter of the Django template libraries named
in ``OPTIONS["filter_libraries"]`` (``money``, ``transaction_url``…), and Django's ``date``, ``floatformat`` and
``pluralize``, so one function formats a value in both kinds of template. ``url(name, *args)`` is ``{% url %}``.
"""

from __future__ import annotations

from typing import Any

from django.template import defaultfilters, engines
from django.urls import reverse
from jinja2 import Environment

DJANGO_FILTERS = ("date", "floatformat", "pluralize")


def url(name: str, *args: Any) -> str:
    """``{{ url("alerts:list") }}``, ``{{ url("transactions:detail", txn.pk) }}``: Django's ``reverse``."""
    return reverse(name, args=args)


def environment(*, filter_libraries: tuple[str, ...] | list[str] = (), **options: Any) -> Environment:
    """Django's Jinja2 backend calls this with the ``OPTIONS`` of its ``TEMPLATES`` entry."""
    env = Environment(**options)  # noqa: S701 - Django's backend passes autoescape=True
    libraries = engines["django"].engine.template_libraries  # type: ignore[attr-defined]
    for name in filter_libraries:
        env.filters.update(libraries[name].filters)
    for name in DJANGO_FILTERS:
        env.filters[name] = getattr(defaultfilters, name)
    env.globals["url"] = url
    return env
