"""Forms for the ledger pages. They only parse and validate input; the services do the writing."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from django import forms
from django.core.exceptions import ValidationError

from accounts.currencies import currency_choices
from transactions.models import Account, AccountKind, Category, CategoryKind, RuleField, RuleOperator, RuleSign
from transactions.selectors import category_picker_list

KIND_ORDER = {CategoryKind.EXPENSE: 0, CategoryKind.INCOME: 1, CategoryKind.TRANSFER: 2}


def category_tree(categories: Iterable[Category]) -> list[tuple[Category, list[Category]]]:
    """[(top category, [its sub-categories]), ...] ordered by kind, then name; from one list, no queries."""
    categories = list(categories)
    tops = {c.pk: c for c in categories if not c.parent_id}
    children: dict[int, list[Category]] = {}
    for category in categories:
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
            # A sub-category whose parent is hidden still shows, under its parent's name (loaded with it).
            tops.setdefault(category.parent_id, category.parent)
    ordered = sorted(tops.values(), key=lambda c: (KIND_ORDER.get(c.kind, 9), c.name.lower()))
    return [(top, sorted(children.get(top.pk, []), key=lambda c: c.name.lower())) for top in ordered]


class CategoryChoiceField(forms.ChoiceField):
    """A category picker grouped by top category, built from an already loaded list (no query per option).

    Cleans to a Category, or None when left empty.
    """

    def __init__(self, *, categories: Iterable[Category] = (), empty_label: str = "Uncategorized",
                 top_label: str = "{name}", **kwargs):
        self.empty_label = empty_label
        self.top_label = top_label
        super().__init__(**kwargs)
        self.set_categories(categories)

    def set_categories(self, categories: Iterable[Category]) -> None:
        categories = list(categories)
        self.by_pk = {str(c.pk): c for c in categories}
        grouped: list = [("", self.empty_label)]
        for top, subs in category_tree(categories):
            options = [(str(top.pk), self.top_label.format(name=top.name))] if str(top.pk) in self.by_pk else []
            options += [(str(sub.pk), sub.name) for sub in subs]
            grouped.append((top.name, options))
        self.choices = grouped

    def to_python(self, value):
        if value in self.empty_values:
            return None
        category = self.by_pk.get(str(value))
        if category is None:
            raise ValidationError("Choose one of the categories in the list.", code="invalid_choice")
        return category

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def prepare_value(self, value):
        return str(value.pk) if isinstance(value, Category) else value

    def has_changed(self, initial, data):
        initial = str(initial.pk) if isinstance(initial, Category) else (str(initial) if initial else "")
        return initial != (data or "")


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _amount_input(**attrs) -> forms.NumberInput:
    return forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal", **attrs})


class TransactionForm(forms.Form):
    """One transaction typed in or edited on its row. Amount is signed: negative is money out."""

    date = forms.DateField(widget=_date_input())
    account = forms.ModelChoiceField(queryset=Account.objects.none(), empty_label=None)
    merchant = forms.CharField(max_length=200, required=False, widget=forms.TextInput(attrs={"placeholder": "Merchant"}))
    description = forms.CharField(
        max_length=500, required=False,
        widget=forms.TextInput(attrs={"placeholder": "Description, as on the statement"}),
    )
    amount = forms.DecimalField(max_digits=14, decimal_places=2, widget=_amount_input(placeholder="-12.50"),
                                help_text="Minus for money out.", error_messages={"required": "Enter the amount."})
    currency = forms.ChoiceField(required=False)
    category = CategoryChoiceField(required=False)
    tags = forms.CharField(max_length=400, required=False, help_text="Separated by commas.",
                           widget=forms.TextInput(attrs={"placeholder": "e.g. holiday, work"}))
    notes = forms.CharField(max_length=2000, required=False, widget=forms.TextInput(attrs={"placeholder": "Notes"}))

    def __init__(self, *args, accounts, categories, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = accounts
        self.fields["category"].set_categories(categories)
        # Empty: the account's own currency.
        self.fields["currency"].choices = [("", "As account"), *((code, code) for code, _ in currency_choices())]
        if editing:
            # A transaction keeps the currency it was recorded in.
            del self.fields["currency"]

    def clean_amount(self) -> Decimal:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise ValidationError("Enter an amount other than zero.")
        return amount

    def clean_tags(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["tags"].split(",") if name.strip()]

    def clean(self):
        cleaned = super().clean()
        merchant, description = cleaned.get("merchant", ""), cleaned.get("description", "")
        if not merchant and not description and "merchant" not in self.errors and "description" not in self.errors:
            self.add_error("description", "Enter a merchant or a description.")
        elif not description:
            cleaned["description"] = merchant
        return cleaned


class AccountForm(forms.Form):
    """An account and its balance: today's, as the bank shows it, or an opening balance at the start of a day."""

    TODAY, OPENING = "today", "opening"

    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"placeholder": "e.g. Main checking"}))
    kind = forms.ChoiceField(choices=AccountKind.choices)
    currency = forms.ChoiceField(choices=currency_choices, initial="EUR")
    balance = forms.DecimalField(max_digits=14, decimal_places=2, widget=_amount_input(),
                                 help_text="Negative for a card or an overdraft. Not sure? Enter 0.00: after an "
                                           "import, Finsight compares with the balance the bank's file states.")
    balance_as_of = forms.ChoiceField(
        label="The balance is", initial=TODAY, widget=forms.RadioSelect(attrs={"class": "rounded-full"}),
        choices=[(TODAY, "Today’s, as your bank shows it now"), (OPENING, "An opening balance, at the start of a day")],
    )
    opening_date = forms.DateField(widget=_date_input(), label="Opening day",
                                   error_messages={"required": "Choose the day the opening balance is for."},
                                   help_text="Transactions from this day on add to the opening balance; "
                                             "imported older ones fill in the days before it.")

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # Amounts already recorded are in this currency; changing it would silently relabel them.
            del self.fields["currency"]
        # The day is needed for an opening balance only (the page shows the field only then).
        self.fields["opening_date"].required = not self.is_bound or self.data.get("balance_as_of") == self.OPENING

    def account_fields(self) -> dict:
        """What the account services take: name, kind (and currency), with the balance as today's or opening."""
        data = self.cleaned_data
        fields = {name: data[name] for name in ("name", "kind", "currency") if name in self.fields}
        if data["balance_as_of"] == self.TODAY:
            return fields | {"current_balance": data["balance"]}
        return fields | {"opening_balance": data["balance"], "opening_date": data["opening_date"]}

    @classmethod
    def initial_for(cls, account: Account, *, today) -> dict:
        """The edit form's values: today's balance when the known balance is today's, else the opening balance."""
        initial = {"name": account.name, "kind": account.kind}
        if account.known_balance_date >= today:
            return initial | {"balance": account.known_balance, "balance_as_of": cls.TODAY}
        return initial | {"balance": account.opening_balance, "balance_as_of": cls.OPENING,
                          "opening_date": account.opening_date}


class AccountAdjustForm(forms.Form):
    """The bank's balance at the end of a day, to make Finsight's agree with (the reconciliation's button)."""

    date = forms.DateField(widget=_date_input())
    bank_balance = forms.DecimalField(max_digits=14, decimal_places=2, widget=_amount_input())


class CategoryCreateForm(forms.Form):
    name = forms.CharField(max_length=60, widget=forms.TextInput(attrs={"placeholder": "e.g. Pet care"}))
    parent = CategoryChoiceField(required=False, empty_label="None: a new top-level category",
                                 label="Inside")
    kind = forms.ChoiceField(choices=CategoryKind.choices, initial=CategoryKind.EXPENSE,
                             help_text="A sub-category takes the kind of its parent.")

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].set_categories(parents)


class CategoryRenameForm(forms.Form):
    name = forms.CharField(max_length=60, label="New name")


class CategoryMergeForm(forms.Form):
    target = CategoryChoiceField(required=True, empty_label="Choose a category", label="Merge into")

    def __init__(self, *args, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].set_categories(targets)


class BulkRecategorizeForm(forms.Form):
    category = CategoryChoiceField(required=True, empty_label="Choose a category")

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_categories(categories)


class SplitPartForm(forms.Form):
    category = CategoryChoiceField(required=False, empty_label="Choose a category")
    amount = forms.DecimalField(max_digits=14, decimal_places=2, required=False, widget=_amount_input())
    notes = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].set_categories(categories)

    def clean(self):
        cleaned = super().clean()
        category, amount = cleaned.get("category"), cleaned.get("amount")
        if (category is None) != (amount is None) and not self.errors:
            raise ValidationError("Each part needs both a category and an amount.")
        return cleaned

    @property
    def is_blank(self) -> bool:
        return self.cleaned_data.get("category") is None and self.cleaned_data.get("amount") is None


def split_formset_class(*, blank_rows: int):
    """Split parts: the existing ones plus ``blank_rows`` empty rows to fill in."""
    return forms.formset_factory(SplitPartForm, extra=blank_rows, max_num=20, absolute_max=20, validate_max=True)


class RuleForm(forms.Form):
    name = forms.CharField(max_length=100, widget=forms.TextInput(attrs={"placeholder": "e.g. Supermarkets"}))
    match_field = forms.ChoiceField(label="Look at", choices=RuleField.choices, initial=RuleField.EITHER)
    match_operator = forms.ChoiceField(label="Which", choices=RuleOperator.choices, initial=RuleOperator.CONTAINS)
    match_value = forms.CharField(label="Text", max_length=200, required=False,
                                  widget=forms.TextInput(attrs={"placeholder": "e.g. rewe"}),
                                  help_text="Upper and lower case are the same.")
    amount_min = forms.DecimalField(label="Amount from", max_digits=14, decimal_places=2, required=False,
                                    min_value=0, widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": "0.00"}))
    amount_max = forms.DecimalField(label="Amount up to", max_digits=14, decimal_places=2, required=False,
                                    min_value=0, widget=forms.NumberInput(attrs={"step": "0.01", "placeholder": "any"}),
                                    help_text="Without the sign: 50 matches both −50 and +50.")
    sign = forms.ChoiceField(label="Direction", choices=RuleSign.choices, initial=RuleSign.ANY)
    account = forms.ModelChoiceField(queryset=Account.objects.none(), required=False, empty_label="Any account")
    set_category = CategoryChoiceField(label="File under", required=False, empty_label="Keep the category")
    add_tags = forms.CharField(label="Add tags", max_length=400, required=False, help_text="Separated by commas.",
                               widget=forms.TextInput(attrs={"placeholder": "e.g. food, weekly"}))
    set_merchant = forms.CharField(label="Set merchant to", max_length=200, required=False,
                                   widget=forms.TextInput(attrs={"placeholder": "e.g. Rewe"}))
    stop_processing = forms.BooleanField(label="Stop here", required=False,
                                         help_text="When this rule matches, the rules below it are skipped.")
    is_active = forms.BooleanField(label="Active", required=False, initial=True)

    def __init__(self, *args, user, keep=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].queryset = Account.objects.filter(owner=user).order_by("name")
        self.fields["set_category"].set_categories(category_picker_list(user=user, keep=[keep]))

    def clean_add_tags(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["add_tags"].split(",") if name.strip()]
