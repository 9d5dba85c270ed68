"""Start-up checks: an operator's push URL that no push service understands is an error, named, at start."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error

from notifications.transports import push_targets


def push_urls_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    try:
        push_targets(settings.PUSH_URLS)
    except ValueError as error:
        return [Error(str(error), hint="Use apprise URLs such as ntfy://host/topic, separated by spaces.",
                      id="notifications.E001")]
    return []
