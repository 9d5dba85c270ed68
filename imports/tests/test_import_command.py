"""`manage.py import_transactions`: a JSON summary, and a non-zero exit (nothing imported) when refused."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from imports.tests.import_fixtures import samples
from transactions.models import ImportBatch, ImportStatus, Transaction

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[dict, CommandError | None]:
    out = io.StringIO()
    try:
        call_command("import_transactions", *args, stdout=out)
        failure = None
    except CommandError as error:
        failure = error
    return json.loads(out.getvalue()), failure


def test_imports_a_file_and_prints_the_summary(owner, account, tmp_path):
    path = tmp_path / "umsatz.csv"
    path.write_bytes(samples.german_cp1252())

    summary, failure = run("--user", "OWNER@example.com", "--account", "main checking", str(path))
    again, _ = run("--user", owner.email, "--account", account.name, str(path))

    assert failure is None
    assert (summary["created"], summary["duplicates"], summary["errors"]) == (4, 0, [])
    assert summary["status"] == ImportStatus.DONE
    assert (again["created"], again["duplicates"]) == (0, 4)
    assert Transaction.objects.filter(account=account).count() == 4


def test_a_refused_file_exits_non_zero_and_imports_nothing(owner, account, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_bytes(samples.rows_csv(60, bad_date_on_row=57))

    summary, failure = run("--user", owner.email, "--account", account.name, str(path))

    assert failure is not None and failure.returncode == 1
    assert summary["created"] == 0
    assert summary["errors"][0]["row"] == 57 and summary["errors"][0]["column"] == "Date"
    assert not Transaction.objects.exists()


def test_a_file_needing_a_mapping_exits_non_zero_until_one_is_given(owner, account, tmp_path):
    path = tmp_path / "ambiguous.csv"
    path.write_bytes(samples.ambiguous_dates())

    summary, failure = run("--user", owner.email, "--account", account.name, str(path))

    assert failure is not None
    assert "--mapping" in summary["errors"][0]["message"]
    assert summary["columns"] == ["Date", "Description", "Amount"]
    assert not Transaction.objects.exists()
    assert ImportBatch.objects.get().status == ImportStatus.FAILED  # not left waiting for a form

    summary, failure = run("--user", owner.email, "--account", account.name, str(path),
                           "--mapping", '{"date_order": "dmy"}')
    assert failure is None and summary["created"] == 3


@pytest.mark.parametrize(("args", "message"), [
    (["--user", "nobody@example.com", "--account", "Main checking"], "No user"),
    (["--user", "owner@example.com", "--account", "Holiday fund"], "no account called"),
    (["--user", "owner@example.com", "--account", "Main checking", "--mapping", "{oops"], "not valid JSON"),
])
def test_unknown_user_account_or_bad_mapping_is_reported(owner, account, tmp_path, args, message):
    path = tmp_path / "x.csv"
    path.write_bytes(samples.pipe_delimited())

    summary, failure = run(*args, str(path))

    assert failure is not None
    assert message in summary["errors"][0]["message"]
    assert not Transaction.objects.exists()


def test_another_users_account_is_not_found(owner, other_user, other_account, tmp_path):
    path = tmp_path / "x.csv"
    path.write_bytes(samples.pipe_delimited())

    summary, failure = run("--user", owner.email, "--account", other_account.name, str(path))

    assert failure is not None and "no account called" in summary["errors"][0]["message"]
    assert not Transaction.objects.exists()
