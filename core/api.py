"""The API contract every app's API follows: one error shape, one list envelope, and their OpenAPI schema.

Errors, whatever raised them (a serializer, a service's Django ValidationError, a 404, a throttle, an
unknown path, a crash), answer with one JSON object:

    {"message": "amount: A valid number is required.", "code": "invalid",
     "fields": {"amount": ["A valid number is required."]}, "extra": {}}

``message`` is a sentence to show as it is; ``code`` is stable for programs (``invalid``, ``not_found``,
``not_authenticated``, ``throttled``, ...); ``fields`` names each field at fault by its dotted path
(``splits.1.amount``), empty when none is; ``extra`` carries what a particular error adds (a refused
import's batch), else empty. Lists answer with one envelope, paginated with ``page`` and ``page_size``:

    {"count": 120, "next": "…?page=2", "previous": null, "results": [...]}

Long lists that people add to while a client pages through them (the transactions) page by position instead
(``KeysetPagination``): the same four keys, ``next`` and ``previous`` carry a ``cursor``, and ``count`` is null
unless the whole list fits on the first page; ``page`` still gives the numbered, counted pages.

Lists about a period keep their own keys (``currency``, ``start``, ``end``) beside these.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, Q, QuerySet
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

API_PREFIX = "/api/"

# For the schema of one operation; the contract's postprocessing hook gives every error response its body.
NOT_FOUND = OpenApiResponse(description="Not found, or not yours.")
BAD_REQUEST = OpenApiResponse(description="Invalid input: `message` says what is wrong; `fields` names each field "
                                          "at fault.")


class ApiError(exceptions.APIException):
    """An error a view raises with its own status, code and ``extra`` (e.g. a refused import's batch)."""

    def __init__(self, message: str, *, status: int, code: str, extra: Mapping[str, Any] | None = None):
        super().__init__(detail=message, code=code)
        self.status_code = status
        self.extra = dict(extra or {})


# --- errors -------------------------------------------------------------------------------------------------

NON_FIELD_KEYS = {"", "detail", "non_field_errors", "__all__"}


def _flatten(detail: Any, path: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {dotted path: [messages]}; a nested object's or list's own errors
    (DRF's ``non_field_errors``) are the errors of the field that holds it."""
    if isinstance(detail, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            own = str(key) in NON_FIELD_KEYS
            for name, messages in _flatten(value, path if own else f"{path}.{key}" if path else str(key)).items():
                flat.setdefault(name, []).extend(messages)
        return flat
    if isinstance(detail, list) and any(isinstance(item, (Mapping, list)) for item in detail):
        flat = {}
        for index, value in enumerate(detail):
            if value:
                flat.update(_flatten(value, f"{path}.{index}" if path else str(index)))
        return flat
    messages = [str(item) for item in detail] if isinstance(detail, list) else [str(detail)]
    return {path: messages}


def error_body(*, message: str, code: str, fields: Mapping[str, list[str]] | None = None,
               extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    return {"message": message, "code": code, "fields": dict(fields or {}), "extra": dict(extra or {})}


def _validation_body(detail: Any) -> dict[str, Any]:
    flat = _flatten(detail)
    general = [m for key, messages in flat.items() if key in NON_FIELD_KEYS for m in messages]
    fields = {key: messages for key, messages in flat.items() if key not in NON_FIELD_KEYS}
    sentences = general + [f"{key}: {' '.join(messages)}" for key, messages in fields.items()]
    return error_body(message=" ".join(sentences) or "Invalid input.", code="invalid", fields=fields)


def _django_detail(error: DjangoValidationError) -> Any:
    return error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return exc.default_code


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error in the one shape. A service's Django ValidationError is a 400,
    so views never catch it. Anything unexpected is left to Django (logged, then handler500's JSON)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_django_detail(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    if not isinstance(exc, exceptions.APIException):
        return None
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = _validation_body(exc.detail)
    elif isinstance(exc.detail, Mapping) and "detail" in exc.detail:
        # simplejwt's token errors: {"detail", "code", "messages"}
        response.data = error_body(message=str(exc.detail["detail"]), code=str(exc.detail.get("code") or
                                                                                _code(exc)))
    else:
        response.data = error_body(message=str(exc.detail), code=_code(exc),
                                   extra=getattr(exc, "extra", None))
    return response


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def error_response(*, status: int, message: str, code: str) -> JsonResponse:
    """The error shape outside DRF (Django's 400/403/404/500 handlers, middleware) for paths under /api/."""
    return JsonResponse(error_body(message=message, code=code), status=status)


# --- lists --------------------------------------------------------------------------------------------------

class Pagination(PageNumberPagination):
    """The one list envelope: ``page`` and ``page_size`` (at most 500) choose the page."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class KeysetPagination(Pagination):
    """The same envelope, paged by position: ``next`` holds the last row's place in the list's order, and the next
    page is the rows beyond it, read through the list's index like the first page.

    Why: the numbered pages count every matching row on every request (a ``count(*)`` over a person's whole
    ledger, the most opened list) and read ``OFFSET`` rows to skip them; a row added or deleted while a client
    pages shifts every later page, so a walk shows some rows twice and misses others. Here no page counts, a deep
    page costs what the first does, and a walk along ``next`` sees every row that existed before it started
    exactly once whatever is added meanwhile. ``count`` is the number of rows when the whole list is on the first
    page, else null (not counted). A request with ``page`` gets the numbered, counted pages as before.

    The cursor is opaque to clients: the ordering's field names and the boundary row's values (and which way to
    read), base64 JSON. It is only valid for the ordering it was made for; any other is a 400.
    """

    cursor_query_param = "cursor"
    numbered = False
    has_next = has_previous = False
    whole = False

    def paginate_queryset(self, queryset: QuerySet[Any], request: Request,
                          view: APIView | None = None) -> list[Any] | None:
        self.numbered = self.page_query_param in request.query_params
        if self.numbered:
            return super().paginate_queryset(queryset, request, view)
        self.request = self.asked = request
        self.page_size = self.get_page_size(request) or self.page_size
        self.order, self.model = _keyset_order(queryset), queryset.model
        cursor = request.query_params.get(self.cursor_query_param)
        backwards, after = _cursor_read(cursor, self.order, queryset.model) if cursor else (False, None)
        order = [(name, not descending) if backwards else (name, descending) for name, descending in self.order]
        chosen = queryset.order_by(*[f"-{name}" if descending else name for name, descending in order])
        if after is not None:
            chosen = chosen.filter(_beyond(order, after))
        rows = list(chosen[:self.page_size + 1])
        more = len(rows) > self.page_size
        rows = rows[:self.page_size]
        if backwards:
            rows.reverse()
        self.has_next, self.has_previous = (True, more) if backwards else (more, after is not None)
        self.whole = cursor is None and not more
        self.rows = rows
        return rows

    def get_paginated_response(self, data: Any) -> Response:
        if self.numbered:
            return super().get_paginated_response(data)
        return Response({"count": len(self.rows) if self.whole else None, "next": self.get_next_link(),
                         "previous": self.get_previous_link(), "results": data})

    def get_next_link(self) -> str | None:
        if self.numbered:
            return super().get_next_link()
        return self._link(self.rows[-1], backwards=False) if self.has_next and self.rows else None

    def get_previous_link(self) -> str | None:
        if self.numbered:
            return super().get_previous_link()
        return self._link(self.rows[0], backwards=True) if self.has_previous and self.rows else None

    def _link(self, row: Model | Mapping[str, Any], *, backwards: bool) -> str:
        url = remove_query_param(self.asked.build_absolute_uri(), self.page_query_param)
        cursor = _cursor_make(self.order, self.model, row, backwards=backwards)
        return replace_query_param(url, self.cursor_query_param, cursor)

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count"] = {
            "type": "integer", "nullable": True, "example": None,
            "description": "Rows in the whole list when it fits on the first page; otherwise null (not counted). "
                           "With `page`: every matching row, counted.",
        }
        answer["properties"]["next"]["description"] = "The next page (a `cursor` link), or null at the end."
        answer["properties"]["previous"]["description"] = "The page before (a `cursor` link), or null at the start."
        return answer

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = ("Numbered pages, counted (a `count(*)` of every matching row and an "
                                            "offset): for clients written before cursors. Prefer `next`.")
        return [{"name": self.cursor_query_param, "required": False, "in": "query",
                 "description": "Where the page starts: copied from `next` or `previous`, never built by a client. "
                                "Valid for the ordering it was given with.",
                 "schema": {"type": "string"}}, *parameters]


def _keyset_order(queryset: QuerySet[Any]) -> list[tuple[str, bool]]:
    """(field name, descending) of the queryset's ordering, ended by the primary key so each row has one place.
    Only the model's own non-null fields: a keyset over NULLs or joins would need more than a row comparison."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    order: list[tuple[str, bool]] = []
    pk = queryset.model._meta.pk
    assert pk is not None
    for name in names:
        if not isinstance(name, str):
            raise TypeError(f"KeysetPagination orders by field names, not {name!r}")
        bare = name.lstrip("-")
        field = pk if bare == "pk" else _field(queryset.model, bare)
        if field.null or field.is_relation:
            raise TypeError(f"KeysetPagination cannot order by {bare!r}: null or a relation")
        order.append((field.attname, name.startswith("-")))
    if pk.attname not in {name for name, _ in order}:
        order.append((pk.attname, order[-1][1] if order else False))
    return order


def _field(model: type[Model], name: str) -> Field[Any, Any]:
    field = model._meta.get_field(name)
    assert isinstance(field, Field), name
    return field


def _cursor_text(value: Any) -> str:
    """A value of an ordering field as the cursor keeps it; the field's to_python reads it back."""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _cursor_make(order: list[tuple[str, bool]], model: type[Model], row: Model | Mapping[str, Any], *,
                 backwards: bool) -> str:
    """The cursor of ``row`` (a model instance, or a values() row holding the ordering's fields)."""
    plain = row if isinstance(row, Mapping) else {name: getattr(row, name) for name, _ in order}
    values = [_cursor_text(plain[name]) for name, _ in order]
    payload = {"o": [f"-{name}" if descending else name for name, descending in order], "v": values,
               "b": backwards}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def _cursor_read(cursor: str, order: list[tuple[str, bool]], model: type[Model]) -> tuple[bool, list[Any]]:
    """(backwards, the boundary row's values) of a cursor made by _cursor_make for this ordering; else a 400."""
    wanted = [f"-{name}" if descending else name for name, descending in order]
    try:
        payload = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if payload["o"] != wanted or len(payload["v"]) != len(order):
            raise ValueError("another ordering")
        values = [_field(model, name).to_python(value) for (name, _), value in zip(order, payload["v"], strict=True)]
        return bool(payload["b"]), values
    except (ValueError, TypeError, KeyError, binascii.Error, DjangoValidationError):
        raise exceptions.ValidationError({"cursor": ["Not a cursor of this list and ordering: follow the `next` "
                                                     "or `previous` link as given."]}) from None


def _beyond(order: list[tuple[str, bool]], values: list[Any]) -> Q:
    """Rows after ``values`` in ``order``: first field beyond, or equal and the second beyond, and so on. The
    first field's bound is repeated alone (``<=`` or ``>=``) so the database can start the index scan there."""
    first, descending = order[0]
    condition = Q()
    equal: dict[str, Any] = {}
    for (name, down), value in zip(order, values, strict=True):
        condition |= Q(**equal, **{f"{name}__{'lt' if down else 'gt'}": value})
        equal[name] = value
    return Q(**{f"{first}__{'lte' if descending else 'gte'}": values[0]}) & condition


class WholeListPagination(Pagination):
    """The same envelope for lists a client wants whole (accounts, categories, rules, a month's budgets, a
    period's figures): their first page holds up to 500 items, which they stay far below."""

    page_size = 500


def list_response(*, request: Request, view: APIView, items: Sequence[Any] | Iterable[Any],
                  serializer: type[serializers.BaseSerializer[Any]], extra: Mapping[str, Any] | None = None,
                  pagination: type[Pagination] = WholeListPagination,
                  context: Mapping[str, Any] | None = None) -> Response:
    """A computed list in the envelope, with ``extra`` keys (a period's currency, start and end) beside it."""
    paginator = pagination()
    # The stubs want a QuerySet; DRF pages any sliceable sequence, as Django's Paginator does.
    page: list[Any] | None = paginator.paginate_queryset(
        items if isinstance(items, Sequence) else list(items), request, view=view)  # type: ignore[arg-type]
    data = serializer(page, many=True, context=dict(context or {})).data
    body = paginator.get_paginated_response(data).data
    results = body.pop("results")
    return Response({**body, **(extra or {}), "results": results})


def list_envelope(item: type[serializers.BaseSerializer[Any]], name: str,
                  **extra: serializers.Field[Any, Any, Any, Any]) -> type[serializers.Serializer[Any]]:
    """The envelope of a computed list, for the schema: count, next, previous, the extra keys, results."""
    fields: dict[str, Any] = {
        "count": serializers.IntegerField(help_text="Items in the whole list."),
        "next": serializers.URLField(allow_null=True, help_text="The next page, or null."),
        "previous": serializers.URLField(allow_null=True, help_text="The previous page, or null."),
        **extra,
        "results": item(many=True),
    }
    return type(name, (serializers.Serializer,), fields)


# --- schema -------------------------------------------------------------------------------------------------

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every API error has this shape, whatever its status.",
    "required": ["message", "code", "fields", "extra"],
    "properties": {
        "message": {"type": "string", "description": "What went wrong, as a sentence to show."},
        "code": {"type": "string", "description": "Stable for programs: invalid, not_found, not_authenticated, "
                                                  "authentication_failed, token_not_valid, permission_denied, "
                                                  "method_not_allowed, throttled, locked_out, import_refused, "
                                                  "parse_error, unsupported_media_type, server_error..."},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                   "description": "Each field at fault, by dotted path (splits.1.amount), with its messages."},
        "extra": {"type": "object", "additionalProperties": True,
                  "description": "What this error adds; e.g. a refused import's `batch`."},
    },
}

DEFAULT_ERRORS = {
    "401": "Not signed in, or the token is invalid or expired.",
    "429": "Too many requests; the Retry-After header says when to try again.",
    "500": "Something went wrong on the server; nothing was changed.",
    "503": "The database could not be reached (`database_unavailable`); the Retry-After header says when to try "
           "again. A write may have been saved before the connection was lost: check before sending it again.",
}


def error_responses_hook(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the Error component, referenced by every error response, and the
    errors any operation can answer (401, 429, 500, 503; 404 on a path with an id; 400 on an operation with input)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    body = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            wanted = dict(DEFAULT_ERRORS)
            if "{" in path:
                wanted.setdefault("404", "Not found, or not yours.")
            if "requestBody" in operation:
                wanted.setdefault("415", "The body is not of a media type this operation accepts, or is malformed.")
            if any(parameter.get("name") == "page" for parameter in operation.get("parameters", [])):
                wanted.setdefault("404", "No such page (`page` beyond the last).")
            if method in {"post", "put", "patch"} or operation.get("parameters"):
                wanted.setdefault("400", "Invalid input: `message` says what is wrong; `fields` names each "
                                         "field at fault.")
            for code, description in wanted.items():
                responses.setdefault(code, {"description": description})
            for code, response in responses.items():
                if code[:1] in {"4", "5"}:
                    response["content"] = body
    return result
