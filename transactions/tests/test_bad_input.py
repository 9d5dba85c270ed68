"""Malformed query strings and ids never produce a 500, on the pages, the API and the export."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond a 64-bit integer


@pytest.mark.parametrize("query", [f"import_batch={HUGE}", f"account={HUGE}", f"category={HUGE}", f"tag={HUGE}",
                                   "date_from=notadate", "amount_min=abc", f"page={HUGE}", "ordering=password"])
def test_bad_filter_values_are_answered_not_crashed(owner_api, client, owner, query):
    client.force_login(owner)
    assert owner_api.get(f"/api/v1/transactions/?{query}").status_code in (200, 400, 404)
    assert owner_api.get(f"/api/v1/transactions/export.csv?{query}").status_code in (200, 400)
    assert client.get(f"/transactions/?{query}").status_code == 200


@pytest.mark.parametrize("url", [f"/api/v1/transactions/{HUGE}/", f"/api/v1/accounts/{HUGE}/",
                                 f"/api/v1/categories/{HUGE}/", f"/api/v1/imports/{HUGE}/",
                                 f"/transactions/{HUGE}/", f"/transactions/import/{HUGE}/",
                                 f"/money/accounts/{HUGE}/edit/", f"/categories/{HUGE}/rename/"])
def test_oversized_ids_are_not_found(owner_api, client, owner, url):
    client.force_login(owner)
    assert (owner_api if url.startswith("/api") else client).get(url).status_code == 404
