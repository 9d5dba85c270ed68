"""The page where a sentence becomes a transaction: say or type it, check the draft, confirm with one tap.

Its own page rather than a box on transactions:create: the ledger cannot import this app (it stands higher), and
a draft needs its own confirm step with the group offer; the create page links here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views import View

from core.pages import add_service_errors, preferred_currency
from entries import services
from entries.forms import DraftConfirmForm, SentenceForm
from groups.selectors import group_list
from transactions.models import Account
from transactions.selectors import category_picker_list

FIELDS_SHOWN = ("amount", "date", "merchant", "category", "account")


def _confirm_form(request: HttpRequest, data=None, initial=None) -> DraftConfirmForm:
    user = request.user
    return DraftConfirmForm(data, accounts=Account.objects.filter(owner=user).order_by("name"),
                            categories=category_picker_list(user=user), groups=group_list(user=user),
                            initial=initial, auto_id="draft_%s")


def _page(request: HttpRequest, *, sentence: SentenceForm, draft=None, form=None, status: int = 200) -> HttpResponse:
    context = {"sentence": sentence, "draft": draft, "form": form, "voice": settings.VOICE_INPUT_ENABLED,
               "speech_on_server": settings.VOICE_INPUT_ENABLED and services.speech_on_server(),
               "speech_max_seconds": settings.SPEECH_MAX_SECONDS,
               "preferred_currency": preferred_currency(request.user),
               "unsure": [f for f in FIELDS_SHOWN if draft and draft.confidence.get(f, 0) < 0.6]}
    response = render(request, "entries/say.html", context, status=status)
    if settings.VOICE_INPUT_ENABLED:
        # The one page that may ask for the microphone; every other page keeps the site-wide refusal.
        policy = {**settings.PERMISSIONS_POLICY, "microphone": "(self)"}
        response["Permissions-Policy"] = ", ".join(f"{k}={v}" for k, v in policy.items())
    return response


class SayView(LoginRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        if not Account.objects.filter(owner=request.user).exists():
            messages.info(request, "Add an account first: every transaction belongs to one.")
            return redirect("transactions:accounts")
        return _page(request, sentence=SentenceForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        sentence = SentenceForm(request.POST, request.FILES)
        if not sentence.is_valid():
            return _page(request, sentence=sentence, status=400)
        audio = sentence.cleaned_data["audio"]
        try:
            if audio:
                draft = services.draft_from_audio(user=request.user, upload=audio, size=audio.size)
                sentence = SentenceForm(initial={"text": draft.text})  # what was heard, in the box
            else:
                draft = services.draft_from_text(user=request.user, text=sentence.cleaned_data["text"])
        except ValidationError as error:
            add_service_errors(sentence, error)
            return _page(request, sentence=sentence, status=400)
        initial = {**draft.as_data(), "group": draft.group.pk if draft.group else None, "split": bool(draft.group)}
        if initial["currency"] == (draft.account.currency if draft.account else None):
            initial["currency"] = ""
        return _page(request, sentence=sentence, draft=draft, form=_confirm_form(request, initial=initial))


class ConfirmView(LoginRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = _confirm_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.entry_confirm(
                    user=request.user, account=data["account"], on=data["date"], amount=data["amount"],
                    currency=data["currency"] or None, description=data["description"], merchant=data["merchant"],
                    category=data["category"], notes=data["notes"], tags=data["tags"], group=data["group"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Transaction added" + (f" and split in {data['group'].name}."
                                                                 if data["group"] else "."))
                return redirect("transactions:list")
        return _page(request, sentence=SentenceForm(), form=form, status=400)
