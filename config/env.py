"""Strict reading of environment variables.

django-environ casts leniently (``DEBUG=maybe`` silently becomes False); a
finance app should refuse to start on a typo instead, naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on"}
FALSE_VALUES = {"0", "false", "no", "off", ""}

_NOT_SET = object()


class Env:
    def __init__(self, environ_: dict[str, str] | None = None) -> None:
        self.environ = os.environ if environ_ is None else environ_

    def _raw(self, name: str, default: object) -> str | object:
        value = self.environ.get(name)
        if value is None:
            if default is _NOT_SET:
                raise ImproperlyConfigured(f"{name} is not set; see .env.example.")
            return default
        return value.strip()

    def _fail(self, name: str, value: str, expected: str) -> ImproperlyConfigured:
        return ImproperlyConfigured(f"{name}={value!r} is malformed: expected {expected}.")

    def str(self, name: str, default: object = _NOT_SET) -> str:
        return self._raw(name, default)  # type: ignore[return-value]

    def bool(self, name: str, default: object = _NOT_SET) -> bool:
        value = self._raw(name, default)
        if isinstance(value, bool):
            return value
        lowered = value.lower()  # type: ignore[union-attr]
        if lowered in TRUE_VALUES:
            return True
        if lowered in FALSE_VALUES:
            return False
        raise self._fail(name, value, "true or false")  # type: ignore[arg-type]

    def int(self, name: str, default: object = _NOT_SET, *, minimum: int | None = None,
            maximum: int | None = None) -> int:
        value = self._raw(name, default)
        if isinstance(value, int):
            return value
        try:
            number = int(value)  # type: ignore[arg-type]
        except ValueError:
            raise self._fail(name, value, "a whole number") from None  # type: ignore[arg-type]
        if minimum is not None and number < minimum:
            raise self._fail(name, value, f"a whole number of at least {minimum}")  # type: ignore[arg-type]
        if maximum is not None and number > maximum:
            raise self._fail(name, value, f"a whole number of at most {maximum}")  # type: ignore[arg-type]
        return number

    def list(self, name: str, default: object = _NOT_SET) -> list[str]:
        value = self._raw(name, default)
        if isinstance(value, list):
            return value
        return [item.strip() for item in value.split(",") if item.strip()]  # type: ignore[union-attr]

    def rate(self, name: str, default: object = _NOT_SET) -> str:
        """A DRF throttle rate such as 10/min."""
        value = self._raw(name, default)
        number, _, period = value.partition("/")  # type: ignore[union-attr]
        if not number.isdigit() or int(number) < 1 or period[:1] not in ("s", "m", "h", "d"):
            raise self._fail(name, value, "a rate like 10/min (per second, min, hour or day)")  # type: ignore[arg-type]
        return value  # type: ignore[return-value]

    def choice(self, name: str, choices: tuple[str, ...], default: object = _NOT_SET) -> str:
        value = self._raw(name, default)
        if value not in choices:
            raise self._fail(name, value, "one of " + ", ".join(choices))  # type: ignore[arg-type]
        return value  # type: ignore[return-value]

    def url(self, name: str, schemes: tuple[str, ...], default: object = _NOT_SET) -> str | None:
        value = self._raw(name, default)
        if value is None or value == "":
            return None
        parts = urlsplit(value)  # type: ignore[arg-type]
        if parts.scheme not in schemes:
            raise self._fail(name, value, "a URL starting with " + " or ".join(f"{s}://" for s in schemes))  # type: ignore[arg-type]
        try:
            parts.port  # noqa: B018 - raises ValueError on a non-numeric port
        except ValueError:
            raise self._fail(name, value, "a URL with a numeric port") from None  # type: ignore[arg-type]
        return value  # type: ignore[return-value]

    def database(self, name: str, default: str) -> dict:
        value = self.url(name, ("sqlite", "postgres", "postgresql", "pgsql"), default)
        config = environ.Env.db_url_config(value)
        if config["ENGINE"] != "django.db.backends.sqlite3" and not config.get("NAME"):
            raise self._fail(name, value, "a database name after the host, e.g. postgres://user@host:5432/finsight")  # type: ignore[arg-type]
        return config

    def email(self, name: str, default: str) -> dict:
        value = self.url(name, ("consolemail", "smtp", "smtps", "smtp+tls", "smtp+ssl", "memorymail", "dummymail", "filemail"), default)
        return environ.Env.email_url_config(value)

    def path(self, name: str, default: Path) -> Path:
        value = self._raw(name, None)
        return Path(value).expanduser().resolve() if value else default

    def directory(self, name: str, path: Path) -> Path:
        """Make sure a directory the settings point at exists, or fail naming its variable."""
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise ImproperlyConfigured(f"{name}={str(path)!r} cannot be created: {error.strerror}.") from None
        return path


env = Env()
