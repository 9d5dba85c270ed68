"""The transaction filters shared by the page, the API and the CSV export (django-filter)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q

from transactions.models import Account, Category, Source, Tag, Transaction


def _accounts(request):
    return Account.objects.filter(owner=request.user) if request and request.user.is_authenticated \
        else Account.objects.none()


def _categories(request):
    return Category.objects.visible_to(request.user).select_related("parent") \
        if request and request.user.is_authenticated else Category.objects.none()


def _tags(request):
    return Tag.objects.filter(owner=request.user) if request and request.user.is_authenticated else Tag.objects.none()


# Ids beyond a 64-bit integer overflow the database driver; treat them as "no such object" instead of a 500.
MAX_ID = 2**63 - 1


class BoundedModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and str(value).isdigit() and int(value) > MAX_ID:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class BoundedModelChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = BoundedModelChoiceField


class TransactionFilter(django_filters.FilterSet):
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label="From")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label="To")
    account = BoundedModelChoiceFilter(queryset=_accounts)
    category = BoundedModelChoiceFilter(queryset=_categories, method="filter_category",
                                                label="Category (with its sub-categories)")
    uncategorized = django_filters.BooleanFilter(field_name="category", lookup_expr="isnull", label="Uncategorized")
    amount_min = django_filters.NumberFilter(field_name="amount", lookup_expr="gte", label="Amount from")
    amount_max = django_filters.NumberFilter(field_name="amount", lookup_expr="lte", label="Amount to")
    q = django_filters.CharFilter(method="filter_text", label="Search")
    tag = BoundedModelChoiceFilter(queryset=_tags, field_name="tags")
    source = django_filters.ChoiceFilter(choices=Source.choices)
    needs_review = django_filters.BooleanFilter()
    import_batch = django_filters.NumberFilter(field_name="import_batch_id", min_value=1, max_value=MAX_ID)
    ordering = django_filters.OrderingFilter(
        fields=(("date", "date"), ("amount", "amount"), ("merchant", "merchant"), ("created_at", "created")),
    )

    class Meta:
        model = Transaction
        fields: list[str] = []

    def filter_category(self, queryset, name, category):
        ids = [category.pk, *Category.objects.visible_to(self.request.user).filter(parent=category)
               .values_list("pk", flat=True)]
        return queryset.in_categories(ids)

    def filter_text(self, queryset, name, value):
        # Notes are encrypted at rest (docs/encryption.md), so SQL cannot search them; descriptions and merchants can.
        for word in value.split():
            queryset = queryset.filter(Q(description__icontains=word) | Q(merchant__icontains=word))
        return queryset

    @property
    def qs(self):
        queryset = super().qs
        chosen = list(queryset.query.order_by)
        # A tie-breaker keeps pages stable when many rows share a date or an amount.
        return queryset.order_by(*chosen, "-id") if chosen else queryset.order_by("-date", "-id")
