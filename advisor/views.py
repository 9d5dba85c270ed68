"""The advisor's pages: ask a question (a plain form that posts and lands on the conversation, and with a local
model a stream of its progress), the conversation so far, the list of conversations, deleting them, and how long
they are kept. Thin: reads through advisor.selectors with the signed-in user (another user's conversation is a
404), writes through advisor.services, words from advisor.pages.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

import structlog
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views import View

from accounts.throttling import PageRateThrottle
from advisor import pages, selectors, services, writers
from advisor.answer import OnEvent
from advisor.forms import QuestionForm, RetentionForm
from advisor.models import Conversation, Retention
from advisor.services import Asked
from core.pages import add_service_errors
from mlcore import services as mlcore

log = structlog.get_logger(__name__)

BAD_REQUEST = 400
TOO_MANY_REQUESTS = 429
PAGE_SIZE = 20
RECENT = 5  # conversations beside the chat
SUGGESTED = 6  # suggested questions on a new conversation


def _urls(conversation: Conversation | None) -> dict[str, str]:
    """Where the ask form posts, and where it streams when a local model writes the answers."""
    if conversation is not None and conversation.pk:
        urls = {"action": reverse("advisor:conversation", args=[conversation.pk]),
                "stream": reverse("advisor:conversation_stream", args=[conversation.pk])}
    else:
        urls = {"action": reverse("advisor:coach"), "stream": reverse("advisor:stream")}
    if not mlcore.llm_configured():
        urls["stream"] = ""  # written answers come back at once: the plain form is enough
    return urls


def _chat(request: HttpRequest, *, conversation: Conversation | None = None, asked: Asked | None = None,
          form: QuestionForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    if conversation is not None:
        thread = list(conversation.messages.all())
    elif asked is not None:  # answered and not kept: shown once, here
        thread = [asked.question, asked.answer]
    else:
        thread = []
    items = [pages.shown(message) for message in thread]
    answers = [item for item in items if not item.is_question]
    settings = selectors.advisor_settings_get(user=user)
    return render(request, "advisor/chat.html", {
        "conversation": conversation, "items": items,
        "form": form or QuestionForm(), "urls": _urls(conversation),
        **_next_questions(answers[-1] if answers else None),
        "recent": list(selectors.conversation_list(user=user)[:RECENT]),
        "letter": selectors.letter_list(user=user).first(),
        "retention": settings.retention_days, "kept_for": pages.kept_for(settings.retention_days),
        "kept": settings.retention_days != Retention.NONE, "not_kept_answer": asked is not None,
    }, status=status)


def _next_questions(last: pages.Shown | None) -> dict[str, Any]:
    """What to offer under the conversation: the last answer's follow-ups, none when that answer shows its own
    examples (it did not answer), else the usual suggestions."""
    if last is not None and last.examples:
        return {"suggestions": [], "follow_ups": False}
    if last is not None and last.message.suggestions:
        return {"suggestions": last.message.suggestions, "follow_ups": True}
    return {"suggestions": list(writers.SUGGESTIONS)[:SUGGESTED], "follow_ups": False}


class AskThrottle(PageRateThrottle):
    """The advisor's rate (THROTTLE_ADVISOR) per signed-in person, shared with the API's ask (the same cache key).
    DRF's scoped throttle reads its scope from the view it is given: it is its own view here."""

    throttle_scope = "advisor"

    def __init__(self) -> None:
        super().__init__("advisor")

    def get_cache_key(self, request, view):  # type: ignore[no-untyped-def]
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


def _too_many(request: HttpRequest) -> str:
    """The sentence a person asking too fast sees, or "" to go on."""
    throttle = AskThrottle()
    if throttle.allow_request(request, throttle):
        return ""
    wait = int(throttle.wait() or 0) + 1
    return f"You have asked a lot of questions in a short time; ask again in {wait} second{'s' if wait != 1 else ''}."


def _ask(request: HttpRequest, conversation: Conversation | None) -> HttpResponse:
    form = QuestionForm(request.POST)
    if form.is_valid() and (refused := _too_many(request)):
        form.add_error("question", refused)
        return _chat(request, conversation=conversation and selectors.conversation_with_messages(
            user=request.user, pk=conversation.pk), form=form, status=TOO_MANY_REQUESTS)
    if form.is_valid():
        try:
            asked = services.question_ask(user=request.user, question=form.cleaned_data["question"],
                                          conversation_id=conversation.pk if conversation else None)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if asked.conversation.pk is None:
                return _chat(request, asked=asked)
            return redirect(reverse("advisor:conversation", args=[asked.conversation.pk]) +
                            f"#message-{asked.answer.pk}")
    if conversation is not None:
        conversation = selectors.conversation_with_messages(user=request.user, pk=conversation.pk)
    return _chat(request, conversation=conversation, form=form, status=BAD_REQUEST)


class CoachView(LoginRequiredMixin, View):
    """A new conversation: suggested questions and the form."""

    def get(self, request):
        return _chat(request)

    def post(self, request):
        return _ask(request, None)


class ConversationView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return _chat(request, conversation=selectors.conversation_with_messages(user=request.user, pk=pk))

    def post(self, request, pk: int):
        return _ask(request, selectors.conversation_get(user=request.user, pk=pk))


# ---- streaming --------------------------------------------------------------------------------------------

def _sse(event: str, data: dict[str, Any]) -> str:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n"


def _with_events(work: Callable[[OnEvent], Asked]) -> Iterator[tuple[str, Any]]:
    """Run ``work`` in a thread and yield its events as they come, then ("asked", its result).

    The thread borrows this request's database connection (Django's thread sharing, as its live test server does):
    the request thread only waits on the queue meanwhile, so the two never use it at once, and a test's
    transaction is seen by both."""
    events: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()
    connection = connections[DEFAULT_DB_ALIAS]

    def run() -> None:
        connections[DEFAULT_DB_ALIAS] = connection
        try:
            events.put(("asked", work(lambda kind, data: events.put((kind, data)))))
        except BaseException as error:  # noqa: BLE001 - handed to the request thread, which raises it
            events.put(("error", error))

    connection.inc_thread_sharing()
    # The request's log context (its id, the user) goes with the work.
    worker = threading.Thread(target=contextvars.copy_context().run, args=(run,), name="advisor-answer", daemon=True)
    try:
        worker.start()
        while True:
            kind, data = events.get()
            if kind == "error":
                raise data
            yield kind, data
            if kind == "asked":
                return
    finally:
        worker.join()  # a reader who left early: the answer is still stored
        connection.dec_thread_sharing()


def _stream(request: HttpRequest, conversation: Conversation | None, question: str) -> Iterator[str]:
    user = request.user
    asked: Asked | None = None
    try:
        for kind, data in _with_events(lambda on_event: services.question_ask(
                user=user, question=question, conversation_id=conversation.pk if conversation else None,
                on_event=on_event)):
            if kind == "tool":
                yield _sse("tool", {"name": data, "label": pages.tool_label(str(data))})
            elif kind == "delta":
                yield _sse("delta", {"text": data})
            elif kind == "replaced":
                yield _sse("replaced", {"reason": data, "label": pages.REPLACED})
            elif kind == "asked":
                asked = data
    except Exception:  # noqa: BLE001 - the response has begun: the page can only be told in an event
        log.exception("advisor_stream_failed", user_id=user.pk)
        yield _sse("error", {"message": "Something went wrong while answering. Please ask again."})
        return
    if asked is None:
        return
    kept = asked.conversation.pk is not None
    urls = _urls(asked.conversation if kept else None)
    item = pages.shown(asked.answer)
    context = {"item": item, "urls": urls, **_next_questions(item)}
    yield _sse("answer", {
        "html": render_to_string("advisor/_message.html", context, request=request),
        "follow_ups": render_to_string("advisor/_follow_ups.html", context, request=request),
        "conversation": asked.conversation.pk, "message": asked.answer.pk,
        "url": urls["action"] if kept else "", "action": urls["action"], "stream": urls["stream"],
    })


class AskStreamView(LoginRequiredMixin, View):
    """The same question as the form, answered as a stream of server-sent events: ``tool`` (a step of the local
    model's work, with what to show), ``delta`` (text as the model writes it), ``replaced`` (its draft gave way to
    the written answer), then ``answer`` (the answer as the page shows it, and the conversation's addresses) or
    ``error``. An invalid question is a 400 and the page posts the form the plain way to show why."""

    def post(self, request, pk: int | None = None):
        conversation = selectors.conversation_get(user=request.user, pk=pk) if pk is not None else None
        form = QuestionForm(request.POST)
        if not form.is_valid():
            return HttpResponse(" ".join(form.errors.get("question", [])), status=BAD_REQUEST,
                                content_type="text/plain; charset=utf-8")
        if refused := _too_many(request):
            return HttpResponse(refused, status=TOO_MANY_REQUESTS, content_type="text/plain; charset=utf-8")
        response = StreamingHttpResponse(_stream(request, conversation, form.cleaned_data["question"]),
                                         content_type="text/event-stream; charset=utf-8")
        response["Cache-Control"] = "no-store"
        response["X-Accel-Buffering"] = "no"  # a proxy in front passes each event on as it comes
        return response


# ---- monthly letters ----------------------------------------------------------------------------------------

class LetterListView(LoginRequiredMixin, View):
    def get(self, request):
        paginator = Paginator(selectors.letter_list(user=request.user), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        return render(request, "advisor/letters.html", {
            "page": page, "letters": page.object_list,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)})


class LetterView(LoginRequiredMixin, View):
    """One month's letter, by its month ("2026-11"): the address its notification links to."""

    def get(self, request, month: str):
        try:
            first = dt.date.fromisoformat(f"{month}-01")
        except ValueError as error:
            raise Http404("No such month.") from error
        letter = selectors.letter_for_month(user=request.user, month=first)
        return render(request, "advisor/letter.html", {"letter": letter, **pages.letter_shown(letter)})


# ---- the list, deleting, keeping --------------------------------------------------------------------------

class ConversationListView(LoginRequiredMixin, View):
    def get(self, request):
        paginator = Paginator(selectors.conversation_list(user=request.user), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        settings = selectors.advisor_settings_get(user=request.user)
        return render(request, "advisor/conversations.html", {
            "page": page, "conversations": page.object_list,
            "page_numbers": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "retention": settings.retention_days, "kept_for": pages.kept_for(settings.retention_days),
        })


class ConversationDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        return render(request, "advisor/delete.html",
                      {"conversation": selectors.conversation_get(user=request.user, pk=pk)})

    def post(self, request, pk: int):
        services.conversation_delete(user=request.user, pk=pk)
        messages.success(request, "Conversation deleted.")
        return redirect("advisor:conversations")


class ConversationsDeleteView(LoginRequiredMixin, View):
    """Delete every conversation of mine, after a confirmation page."""

    def get(self, request):
        count = selectors.conversation_list(user=request.user).count()
        return render(request, "advisor/delete_all.html", {"count": count})

    def post(self, request):
        count = services.conversations_delete(user=request.user)
        messages.success(request, f"{count} conversation{'s' if count != 1 else ''} deleted." if count
                         else "You had no conversations to delete.")
        return redirect("advisor:coach")


class RetentionView(LoginRequiredMixin, View):
    def get(self, request):
        settings = selectors.advisor_settings_get(user=request.user)
        return self.respond(request, RetentionForm(initial={"retention_days": settings.retention_days}))

    def post(self, request):
        form = RetentionForm(request.POST)
        if form.is_valid():
            try:
                saved = services.advisor_settings_save(user=request.user,
                                                       retention_days=form.cleaned_data["retention_days"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if saved.retention_days == Retention.NONE:
                    messages.success(request, "Saved. Your conversations are no longer kept, and those kept until "
                                              "now are deleted.")
                else:
                    messages.success(request, f"Saved. Conversations are kept {pages.kept_for(saved.retention_days)} "
                                              "after you last added to them.")
                return redirect("advisor:settings")
        return self.respond(request, form, status=BAD_REQUEST)

    @staticmethod
    def respond(request, form: RetentionForm, status: int = 200) -> HttpResponse:
        return render(request, "advisor/settings.html", {
            "form": form, "count": selectors.conversation_list(user=request.user).count()}, status=status)
