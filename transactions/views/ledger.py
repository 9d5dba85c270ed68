"""The transactions pages: the list with filters, sorting and totals, inline create and edit (htmx), the
detail with splits and notes, bulk re-categorize and delete, and the home page's money summary.

Views stay thin: reads go through selectors with the signed-in user, writes through services, and an
object that belongs to someone else is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from core.pages import add_service_errors, is_htmx, preferred_currency, safe_next
from transactions import rules, selectors, services
from transactions.filters import MAX_ID, TransactionFilter
from transactions.forms import (
    BulkRecategorizeForm,
    TransactionForm,
    category_tree,
    split_formset_class,
)
from transactions.models import (
    Account,
    Category,
    Source,
    Tag,
    Transaction,
)

PAGE_SIZE = 50
# The first click on a column sorts the way people usually look at it: newest dates, biggest outflows, A to Z.
SORTABLE = {"date": "-date", "amount": "amount", "merchant": "merchant"}


def sort_links(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the ordering its header link applies and the current direction, if any."""
    links = {}
    for column, first in SORTABLE.items():
        if current in (column, f"-{column}") or (column == "date" and not current):
            direction = "descending" if (current or "-date").startswith("-") else "ascending"
            following = column if direction == "descending" else f"-{column}"
        else:
            direction, following = "", first
        links[column] = {"next": following, "direction": direction}
    return links


class TransactionListView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        currency = preferred_currency(user)
        all_categories = list(selectors.category_list(user=user))
        accounts = list(Account.objects.filter(owner=user).order_by("name"))
        tags = list(Tag.objects.filter(owner=user).order_by("name"))

        ignored = []
        filterset = TransactionFilter(request.GET or None, queryset=selectors.transaction_rows(user=user), request=request)
        # The template renders the pickers from the lists above; the filter form only validates the choice.
        filterset.form.fields["category"].queryset = selectors.category_list(user=user)
        rows = filterset.qs
        if filterset.is_bound:
            ignored += [f"{filterset.form.fields[name].label or name}: {' '.join(errors)}"
                        for name, errors in filterset.errors.items()]

        data = filterset.form.cleaned_data if filterset.is_bound else {}
        active_filters = sum(1 for name, value in data.items() if name != "ordering" and value not in (None, "", []))
        # Unfiltered, the rows are the whole ledger, whose totals the selector keeps between visits.
        totals = selectors.transaction_totals(user=user, currency=currency, transactions=rows if active_filters else None)
        paginator = Paginator(rows, PAGE_SIZE)
        paginator.count = totals["rows"]  # one pass over the matching rows for the totals and the page count
        page = paginator.get_page(request.GET.get("page"))
        batch_id = data.get("import_batch")
        batch = selectors.import_batch_list(user=user).filter(pk=batch_id).first() if batch_id else None
        context = {
            "page": page,
            "preferred_currency": currency,
            "filterset": filterset,
            "values": request.GET,
            "ignored_filters": ignored,
            "accounts": accounts,
            "tags": tags,
            "category_tree": category_tree(all_categories),
            "sources": Source.choices,
            "page_numbers": page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "sort": sort_links(request.GET.get("ordering", "") if "ordering" not in filterset.errors else ""),
            "totals": totals,
            "import_batch": batch,
            "active_filters": active_filters,
            "has_accounts": bool(accounts),
        }
        return render(request, "transactions/list.html", context)


def render_row(request, txn: Transaction, *, offer: dict | None = None):
    txn = selectors.transaction_row_get(user=request.user, pk=txn.pk)  # with tags, splits and names, as in the list
    return render(request, "transactions/_row.html", {"txn": txn, "preferred_currency": preferred_currency(request.user),
                                                      "offer": offer})


def rule_offer(request, txn: Transaction, changes: dict) -> dict | None:
    """After the user corrects a category: "Always file MERCHANT under CATEGORY?", unless such a rule exists."""
    if not changes.get("category") or rules.correction_rule_exists(user=request.user, txn=txn):
        return None
    return {"label": rules.correction_label(txn), "category": txn.category}


def render_row_form(request, form, *, txn: Transaction | None = None):
    context = {"form": form, "txn": txn, "preferred_currency": preferred_currency(request.user)}
    if is_htmx(request):
        return render(request, "transactions/_row_form.html", context)
    return render(request, "transactions/edit.html", context)


class TransactionCreateView(LoginRequiredMixin, View):
    def form(self, request, data=None):
        user = request.user
        accounts = Account.objects.filter(owner=user).order_by("name")
        initial = {"date": timezone.localdate()}
        last_account = Transaction.objects.filter(owner=user).order_by("-created_at").values_list(
            "account_id", flat=True).first()
        if last_account:
            initial["account"] = last_account
        return TransactionForm(data, accounts=accounts, categories=selectors.category_picker_list(user=user), initial=initial,
                               auto_id="new_%s")

    def get(self, request):
        if not Account.objects.filter(owner=request.user).exists():
            messages.info(request, "Add an account first: every transaction belongs to one.")
            if is_htmx(request):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = reverse("transactions:accounts")
                return response
            return redirect("transactions:accounts")
        return render_row_form(request, self.form(request))

    def post(self, request):
        form = self.form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                txn = services.transaction_create(
                    user=request.user, account=data["account"], on=data["date"], amount=data["amount"],
                    description=data["description"], merchant=data["merchant"], category=data["category"],
                    notes=data["notes"], tags=data["tags"], currency=data["currency"] or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if is_htmx(request):
                    return render_row(request, txn)
                messages.success(request, "Transaction added.")
                return redirect("transactions:list")
        return render_row_form(request, form)


class TransactionRowView(LoginRequiredMixin, View):
    """One row as the list shows it: what Cancel puts back after an inline edit."""

    def get(self, request, pk: int):
        return render_row(request, selectors.transaction_get(user=request.user, pk=pk))


class TransactionEditView(LoginRequiredMixin, View):
    def form(self, request, txn: Transaction, data=None):
        user = request.user
        initial = {
            "date": txn.date, "account": txn.account_id, "merchant": txn.merchant, "description": txn.description,
            "amount": txn.amount, "category": txn.category, "notes": txn.notes,
            "tags": ", ".join(tag.name for tag in txn.tags.all()),
        }
        form = TransactionForm(data, accounts=Account.objects.filter(owner=user).order_by("name"),
                               categories=selectors.category_picker_list(user=user, keep=[txn.category]), initial=initial,
                               editing=True, auto_id=f"txn{txn.pk}_%s")
        if txn.is_split:
            del form.fields["category"]  # the parts carry the categories; edited on the split page
        return form

    def get(self, request, pk: int):
        txn = selectors.transaction_get(user=request.user, pk=pk)
        return render_row_form(request, self.form(request, txn), txn=txn)

    def post(self, request, pk: int):
        txn = selectors.transaction_get(user=request.user, pk=pk)
        form = self.form(request, txn, request.POST)
        if form.is_valid():
            try:
                changes = self.changes(txn, form)
                services.transaction_update(user=request.user, txn=txn, data=changes)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if is_htmx(request):
                    return render_row(request, txn, offer=rule_offer(request, txn, changes))
                messages.success(request, "Transaction saved.")
                return redirect("transactions:list")
        return render_row_form(request, form, txn=txn)

    @staticmethod
    def changes(txn: Transaction, form: TransactionForm) -> dict:
        """Only what the person changed: an untouched category keeps its source, an untouched amount its split."""
        data = form.cleaned_data
        changed = {}
        for field in ("date", "account", "merchant", "description", "amount", "notes"):
            if data[field] != getattr(txn, field):
                changed[field] = data[field]
        if "category" in data and (data["category"] != txn.category or (txn.needs_review and data["category"])):
            # Saving a row that needed review with a category on it confirms that category.
            changed["category"] = data["category"]
        if sorted(data["tags"]) != sorted(tag.name for tag in txn.tags.all()):
            changed["tags"] = data["tags"]
        return changed


class TransactionDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        txn = selectors.transaction_get(user=request.user, pk=pk)
        services.transaction_delete(user=request.user, txn=txn)
        if is_htmx(request):
            return HttpResponse("")
        messages.success(request, "Transaction deleted.")
        return redirect(safe_next(request, reverse("transactions:list")))


class TransactionDetailView(LoginRequiredMixin, View):
    """A transaction in full, with the editor that splits it across categories."""

    def formset(self, request, txn: Transaction, categories, data=None):
        parts = [{"category": s.category, "amount": s.amount, "notes": s.notes} for s in txn.splits.all()]
        if not parts:
            parts = [{"category": txn.category, "amount": None, "notes": ""}]
        formset_class = split_formset_class(blank_rows=max(2, 4 - len(parts)))
        return formset_class(data, initial=parts, prefix="part", form_kwargs={"categories": categories})

    @staticmethod
    def categories(request, txn: Transaction) -> list[Category]:
        return selectors.category_picker_list(user=request.user, keep=[txn.category, *(part.category for part in txn.splits.all())])

    def render(self, request, txn, formset, split_error: list[str] | None = None):
        return render(request, "transactions/detail.html", {
            "txn": txn, "formset": formset, "split_error": split_error or [],
            "preferred_currency": preferred_currency(request.user),
            "back": safe_next(request, reverse("transactions:list")),
        })

    def get(self, request, pk: int):
        txn = selectors.transaction_get(user=request.user, pk=pk)
        return self.render(request, txn, self.formset(request, txn, self.categories(request, txn)))

    def post(self, request, pk: int):
        txn = selectors.transaction_get(user=request.user, pk=pk)
        categories = self.categories(request, txn)
        if request.POST.get("action") == "unsplit":
            services.transaction_split_set(user=request.user, txn=txn, parts=[])
            messages.success(request, "The split was removed. Choose a category for the whole transaction.")
            return redirect(request.get_full_path())
        formset = self.formset(request, txn, categories, request.POST)
        if not formset.is_valid():
            return self.render(request, txn, formset)
        parts = [(f.cleaned_data["category"], f.cleaned_data["amount"], f.cleaned_data["notes"])
                 for f in formset.forms if not f.is_blank]
        if not parts:
            return self.render(request, txn, formset, ["Enter at least two parts, each with a category and an amount."])
        try:
            services.transaction_split_set(user=request.user, txn=txn, parts=parts)
        except ValidationError as error:
            return self.render(request, txn, formset, error.messages)
        messages.success(request, f"Split saved: {len(parts)} parts.")
        return redirect(request.get_full_path())


class TransactionBulkView(LoginRequiredMixin, View):
    """Re-categorize or delete the selected rows; nothing changes until the confirmation page is submitted."""

    def post(self, request):
        user = request.user
        back = safe_next(request, reverse("transactions:list"))
        raw_ids = request.POST.getlist("ids")
        if not raw_ids:
            messages.error(request, "Select at least one transaction first.")
            return redirect(back)
        if not all(value.isdigit() and int(value) <= MAX_ID for value in raw_ids):
            raise Http404("Unknown transaction")
        ids = sorted({int(value) for value in raw_ids})
        selected = selectors.transaction_list(user=user).filter(pk__in=ids)
        if selected.count() != len(ids):
            raise Http404("Unknown transaction")  # someone else's, or gone: never say which

        action = request.POST.get("action")
        category = None
        form = None
        if action == "recategorize":
            form = BulkRecategorizeForm(request.POST, categories=selectors.category_picker_list(user=user), auto_id="bulk_%s")
            if not form.is_valid():
                messages.error(request, "Choose the category to file the selected transactions under.")
                return redirect(back)
            category = form.cleaned_data["category"]
        elif action != "delete":
            messages.error(request, "Choose what to do with the selected transactions.")
            return redirect(back)

        if request.POST.get("confirmed") == "yes":
            if action == "delete":
                count = services.transactions_delete(user=user, transactions=selected)
                messages.success(request, f"Deleted {count} transaction{'' if count == 1 else 's'}.")
            else:
                count = services.transactions_recategorize(user=user, transactions=selected, category=category)
                messages.success(request, f"Filed {count} transaction{'' if count == 1 else 's'} under {category}.")
            return redirect(back)

        return render(request, "transactions/bulk_confirm.html", {
            "action": action, "category": category, "ids": ids, "count": len(ids),
            "sample": list(selected[:10]), "back": back, "preferred_currency": preferred_currency(user),
        })


class HomeSummaryView(LoginRequiredMixin, View):
    """Accounts and recent transactions for the home page, loaded by htmx after the page."""

    def get(self, request):
        user = request.user
        return render(request, "transactions/_home_summary.html", {
            "accounts": list(selectors.account_list(user=user)[:6]),
            "recent": list(selectors.transaction_list(user=user).order_by("-date", "-id")[:5]),
            "preferred_currency": preferred_currency(user),
        })
