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

Lists about a period keep their own keys (``currency``, ``start``, ``end``) beside these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
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
