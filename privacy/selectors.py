"""Reading a person's archives, and the imports of archives they uploaded."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from privacy.models import DataExport, DataImport

RECENT = 10


def data_export_list(*, user: User) -> QuerySet[DataExport]:
    return DataExport.objects.filter(owner=user).order_by("-created_at", "-id")


def data_export_get(*, user: User, pk: int) -> DataExport:
    """One of the person's archives; anyone else's is a 404."""
    return get_object_or_404(DataExport, owner=user, pk=pk)


def data_import_list(*, user: User) -> QuerySet[DataImport]:
    return DataImport.objects.filter(owner=user).order_by("-created_at", "-id")


def data_import_get(*, user: User, pk: int) -> DataImport:
    """One of the person's imports; anyone else's is a 404."""
    return get_object_or_404(DataImport, owner=user, pk=pk)
