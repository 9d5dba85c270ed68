"""The rules pages: list and order rules, create and edit with a live preview, apply to existing, delete.

Also the "always do this for MERCHANT" offer a corrected transaction row shows. Reads go through the
selectors in transactions.rules with the signed-in user; another user's rule is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.pages import add_service_errors, is_htmx, preferred_currency
from transactions import rules, selectors
from transactions.forms import RuleForm
from transactions.models import Rule


def rule_initial(rule: Rule) -> dict:
    initial = {name: getattr(rule, name) for name in rules.EDITABLE}
    initial["add_tags"] = ", ".join(rule.add_tags)
    initial["account"] = rule.account_id
    return initial


class RuleListView(LoginRequiredMixin, View):
    def get(self, request):
        rows = [(rule, rules.rule_conditions_text(rule), rules.rule_actions_text(rule))
                for rule in rules.rule_list(user=request.user)]
        return render(request, "transactions/rules/list.html", {"rows": rows})


class RuleFormView(LoginRequiredMixin, View):
    """Create (no pk) or edit a rule."""

    def render(self, request, form, rule=None):
        preview = None
        if form.is_bound and form.is_valid():
            preview = self.preview(request, form)
        elif not form.is_bound and rule is not None:
            preview = rules.rule_preview(user=request.user, rule_or_data=rule)
        return render(request, "transactions/rules/form.html", {
            "form": form, "rule": rule, "preview": preview, "preferred_currency": preferred_currency(request.user),
        })

    @staticmethod
    def preview(request, form):
        try:
            return rules.rule_preview(user=request.user, rule_or_data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return None

    def get(self, request, pk: int | None = None):
        rule = rules.rule_get(user=request.user, pk=pk) if pk else None
        initial = rule_initial(rule) if rule else {}
        if rule is None and request.GET.get("match_value"):
            initial |= {"match_value": request.GET["match_value"][:200], "name": request.GET["match_value"][:100]}
        form = RuleForm(initial=initial, user=request.user, keep=rule.set_category if rule else None)
        return self.render(request, form, rule)

    def post(self, request, pk: int | None = None):
        rule = rules.rule_get(user=request.user, pk=pk) if pk else None
        form = RuleForm(request.POST, user=request.user, keep=rule.set_category if rule else None)
        if form.is_valid():
            try:
                if rule is None:
                    rule = rules.rule_create(user=request.user, data=form.cleaned_data)
                    messages.success(request, f"Rule “{rule.name}” created. It applies to new imports; apply it to "
                                              "existing transactions from the list.")
                else:
                    rules.rule_update(user=request.user, rule=rule, data=form.cleaned_data)
                    messages.success(request, f"Rule “{rule.name}” saved.")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect(reverse("transactions:rules") + f"#rule-{rule.pk}")
        return render(request, "transactions/rules/form.html", {
            "form": form, "rule": rule, "preview": None, "preferred_currency": preferred_currency(request.user),
        })


class RulePreviewView(LoginRequiredMixin, View):
    """The live preview under the form: which existing transactions the rule as typed would change."""

    def post(self, request):
        data = request.POST.copy()
        data["name"] = data.get("name") or "Preview"  # a name is not needed to see what a rule would do
        form = RuleForm(data, user=request.user)
        preview = None
        problems: list[str] = []
        if form.is_valid():
            try:
                preview = rules.rule_preview(user=request.user, rule_or_data=form.cleaned_data)
            except ValidationError as error:
                problems = error.messages
        else:
            problems = [message for errors in form.errors.values() for message in errors]
        return render(request, "transactions/rules/_preview.html", {
            "preview": preview, "problems": problems, "preferred_currency": preferred_currency(request.user),
        })


class RuleDeleteView(LoginRequiredMixin, View):
    def get(self, request, pk: int):
        rule = rules.rule_get(user=request.user, pk=pk)
        return render(request, "transactions/rules/delete.html", {"rule": rule})

    def post(self, request, pk: int):
        rule = rules.rule_get(user=request.user, pk=pk)
        rules.rule_delete(user=request.user, rule=rule)
        messages.success(request, f"Rule “{rule.name}” deleted. Transactions it filed keep their category.")
        return redirect("transactions:rules")


class RuleApplyView(LoginRequiredMixin, View):
    """Apply one rule to the transactions already there, after showing how many it would change."""

    def get(self, request, pk: int):
        rule = rules.rule_get(user=request.user, pk=pk)
        preview = rules.rule_preview(user=request.user, rule_or_data=rule)
        return render(request, "transactions/rules/apply.html", {
            "rule": rule, "preview": preview, "preferred_currency": preferred_currency(request.user),
        })

    def post(self, request, pk: int):
        rule = rules.rule_get(user=request.user, pk=pk)
        changed = rules.rule_apply_to_existing(user=request.user, rule=rule)
        messages.success(request, f"Rule “{rule.name}” applied: {changed} transaction{'' if changed == 1 else 's'} "
                                  "changed.")
        return redirect(reverse("transactions:rules") + f"#rule-{rule.pk}")


class RuleToggleView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        rule = rules.rule_get(user=request.user, pk=pk)
        active = request.POST.get("active") == "yes"
        rules.rule_set_active(user=request.user, rule=rule, active=active)
        messages.success(request, f"Rule “{rule.name}” {'switched on' if active else 'paused'}.")
        return redirect(reverse("transactions:rules") + f"#rule-{rule.pk}")


class RuleMoveView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        rule = rules.rule_get(user=request.user, pk=pk)
        direction = request.POST.get("direction")
        if direction in ("up", "down"):
            rules.rule_move(user=request.user, rule=rule, direction=direction)
        return redirect(reverse("transactions:rules") + f"#rule-{rule.pk}")


class RuleFromTransactionView(LoginRequiredMixin, View):
    """"Always file MERCHANT under CATEGORY": the offer on a row whose category the user just corrected."""

    def post(self, request, pk: int):
        txn = selectors.transaction_get(user=request.user, pk=pk)
        try:
            rule, changed = rules.rule_from_correction(user=request.user, txn=txn)
        except ValidationError as error:
            if is_htmx(request):
                return render(request, "transactions/rules/_offer_done.html", {"problem": " ".join(error.messages)})
            messages.error(request, " ".join(error.messages))
            return redirect("transactions:list")
        if is_htmx(request):
            # The rows the rule just filed, so that those on the page show it at once (at most a page's worth).
            changed_rows = selectors.transaction_rows(user=request.user).filter(
                category_source="rule", category_explanation=rules.rule_explanation(rule)).exclude(pk=txn.pk)[:50]
            return render(request, "transactions/rules/_offer_done.html", {
                "rule": rule, "changed": changed, "changed_rows": changed_rows if changed else [],
                "preferred_currency": preferred_currency(request.user),
            })
        messages.success(request, f"Rule “{rule.name}” created: {changed} other transaction"
                                  f"{'' if changed == 1 else 's'} changed.")
        return redirect(reverse("transactions:rules") + f"#rule-{rule.pk}")
