"""The admin's names read as English: a model whose name ends in s, x, z, ch or sh, or in a consonant and y, has
its plural spelled out ("Import batches", not "Import batchs")."""

from __future__ import annotations

import re

from django.contrib import admin


def english_plural(name: str) -> str:
    if re.search(r"(s|x|z|ch|sh)$", name):
        return f"{name}es"
    if re.search(r"[^aeiou]y$", name):
        return f"{name[:-1]}ies"
    return f"{name}s"


def test_every_admin_model_has_an_english_plural():
    wrong = {}
    for model in admin.site._registry:
        meta = model._meta
        name, plural = str(meta.verbose_name), str(meta.verbose_name_plural)
        if plural == f"{name}s" and english_plural(name) != plural:
            wrong[meta.label] = plural
    assert wrong == {}


def test_import_batches_are_named_in_english(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "Import batches" in page and "Import batchs" not in page
