"""The categories page: the standard taxonomy and your own, create, rename, hide and merge."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from core.pages import add_service_errors
from transactions import selectors, services
from transactions.forms import (
    CategoryCreateForm,
    CategoryMergeForm,
    CategoryRenameForm,
    category_tree,
)


class CategoryListView(LoginRequiredMixin, View):
    def render(self, request, form):
        user = request.user
        categories = list(selectors.category_list(user=user))
        counts = selectors.category_transaction_counts(user=user)
        for category in categories:
            category.transaction_count = counts.get(category.pk, 0)
        tree = category_tree(categories)
        sections = []
        for kind, label in (("expense", "Spending"), ("income", "Income"), ("transfer", "Transfers")):
            groups = [(top, subs) for top, subs in tree if top.kind == kind]
            if groups:
                sections.append({"kind": kind, "label": label, "groups": groups})
        return render(request, "transactions/categories.html", {
            "sections": sections, "form": form, "own_count": sum(1 for c in categories if c.owner_id == user.pk),
        })

    def create_form(self, request, data=None):
        parents = [c for c in selectors.category_picker_list(user=request.user) if c.parent_id is None]
        return CategoryCreateForm(data, parents=parents, initial={"parent": request.GET.get("parent", "")})

    def get(self, request):
        return self.render(request, self.create_form(request))

    def post(self, request):
        form = self.create_form(request, request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                category = services.category_create(user=request.user, name=data["name"], parent=data["parent"],
                                                    kind=data["kind"])
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Category “{category}” added.")
                return redirect("transactions:categories")
        return self.render(request, form)


class CategoryRenameView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        category = selectors.category_get(user=request.user, pk=pk)
        form = CategoryRenameForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Enter the new name.")
            return redirect("transactions:categories")
        old = category.name
        try:
            services.category_rename(user=request.user, category=category, name=form.cleaned_data["name"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Renamed “{old}” to “{category.name}”.")
        return redirect("transactions:categories")


class CategoryHideView(LoginRequiredMixin, View):
    def post(self, request, pk: int):
        category = selectors.category_get(user=request.user, pk=pk)
        hidden = request.POST.get("hidden") != "no"
        services.category_set_hidden(user=request.user, category=category, hidden=hidden)
        if hidden:
            messages.success(request, f"“{category}” is hidden from your pickers. Its transactions keep it.")
        else:
            messages.success(request, f"“{category}” is back in your pickers.")
        return redirect(reverse("transactions:categories") + f"#category-{category.pk}")


class CategoryMergeView(LoginRequiredMixin, View):
    def prepare(self, request, pk: int):
        source = selectors.category_get(user=request.user, pk=pk)
        if source.owner_id != request.user.pk:
            messages.error(request, "Standard categories cannot be merged; you can hide them instead.")
            return source, None
        return source, [c for c in selectors.category_picker_list(user=request.user)
                        if c.pk != source.pk and c.parent_id != source.pk]

    def render(self, request, source, form):
        return render(request, "transactions/category_merge.html", {
            "source": source, "form": form,
            "transaction_count": selectors.category_transaction_count(user=request.user, category=source),
            "children": list(source.children.all()),
        })

    def get(self, request, pk: int):
        source, targets = self.prepare(request, pk)
        if targets is None:
            return redirect("transactions:categories")
        return self.render(request, source, CategoryMergeForm(targets=targets))

    def post(self, request, pk: int):
        source, targets = self.prepare(request, pk)
        if targets is None:
            return redirect("transactions:categories")
        form = CategoryMergeForm(request.POST, targets=targets)
        if form.is_valid():
            target = form.cleaned_data["target"]
            name = str(source)
            try:
                moved = services.category_merge(user=request.user, source=source, target=target)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Merged “{name}” into “{target}”: "
                                          f"{moved} transaction{'' if moved == 1 else 's'} moved.")
                return redirect("transactions:categories")
        return self.render(request, source, form)
