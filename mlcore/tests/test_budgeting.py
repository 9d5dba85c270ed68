"""Budget suggestions: the heuristic, the model, the savings trim, the artifact, user isolation."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import numpy as np
import pytest
import time_machine

from mlcore.artifacts import ArtifactCorrupt, ArtifactIncompatible, ArtifactMissing
from mlcore.budget_data import month_add, synthetic_population
from mlcore.budgeting import (
    BudgetModel,
    budget_artifact_dir,
    budget_model_evaluate,
    budget_model_get,
    budget_model_reset,
    budget_suggestions,
)
from transactions.tests.factories import AccountFactory, TransactionFactory, category

OCTOBER = date(2026, 10, 1)


@pytest.fixture(autouse=True)
def _artifacts(settings, tmp_path):
    settings.MLCORE_ARTIFACT_DIR = tmp_path / "models"
    budget_model_reset()
    with time_machine.travel(datetime(2026, 10, 20, 12, 0, tzinfo=UTC), tick=False):
        yield
    budget_model_reset()


@pytest.fixture(scope="module")
def population():
    return synthetic_population(users=40, months=20, seed=3, end=OCTOBER)


@pytest.fixture(scope="module")
def trained(population):
    return BudgetModel().train(population)


def _spend(account, key: str, month: date, amount: str, day: int = 10):
    return TransactionFactory(account=account, category=category(key), date=month.replace(day=day),
                              amount=Decimal(amount))


def _by_key(suggestions):
    return {(s.category.key if s.category else None): s for s in suggestions}


def _history(account, months: int, amounts: dict[str, str]):
    for back in range(months, 0, -1):
        for key, amount in amounts.items():
            _spend(account, key, month_add(OCTOBER, -back), amount)


@pytest.mark.django_db
def test_heuristic_is_the_median_of_the_last_three_months_and_says_why(owner, account):
    _spend(account, "food_drink.groceries", date(2026, 7, 1), "-412.00")
    _spend(account, "food_drink.restaurants", date(2026, 8, 1), "-380.00")  # rolled up into Food & Drink
    _spend(account, "food_drink.groceries", date(2026, 9, 1), "-455.00")
    _spend(account, "shopping", date(2026, 9, 1), "-99.00")
    _spend(account, "shopping", date(2026, 9, 2), "19.00")  # a refund lowers the spend

    suggestions = _by_key(budget_suggestions(user=owner, month=date(2026, 10, 17)))

    food = suggestions["food_drink"]
    assert food.method == "heuristic"
    assert food.amount == Decimal("410")
    assert food.predicted == Decimal("412.00")
    assert food.currency == "EUR"
    assert food.explanation == ("Median of your last 3 months (EUR 412, 380, 455); 3 months of history in this "
                                "category; from 4 months on, the suggestion follows your own pattern")
    # One month of shopping in three: the median is nothing, which is no budget to suggest, nor to count.
    assert "shopping" not in suggestions
    overall = suggestions[None]
    assert overall.amount == Decimal("410")
    assert overall.explanation == "The same as the one category suggestion above"
    assert list(suggestions)[-1] is None  # the overall one comes last


@pytest.mark.django_db
def test_amounts_in_other_currencies_count_converted_or_not_at_all(owner, account):
    usd = AccountFactory(owner=owner, currency="USD")
    for month in (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)):
        TransactionFactory(account=usd, category=category("travel"), date=month, amount=Decimal("-110.00"),
                           amount_converted=Decimal("-100.00"), converted_currency="EUR")
        TransactionFactory(account=usd, category=category("travel"), date=month, amount=Decimal("-999.00"))
    assert _by_key(budget_suggestions(user=owner, month=OCTOBER))["travel"].amount == Decimal("100")


@pytest.mark.django_db
def test_income_transfers_and_tiny_categories_get_no_suggestion(owner, account):
    for month in (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)):
        _spend(account, "income.salary", month, "3000.00")
        _spend(account, "transfers.savings_transfer", month, "-500.00")
        _spend(account, "food_drink.coffee_shops", month, "-3.00")
    assert budget_suggestions(user=owner, month=OCTOBER) == []


@pytest.mark.django_db
def test_without_any_history_there_are_no_suggestions(owner):
    assert budget_suggestions(user=owner, month=OCTOBER) == []


@pytest.mark.django_db
def test_only_the_users_own_transactions_count(owner, other_user, account):
    other_account = AccountFactory(owner=other_user)
    _spend(other_account, "travel", date(2026, 9, 1), "-900.00")
    _spend(account, "food_drink", date(2026, 9, 1), "-100.00")
    suggestions = _by_key(budget_suggestions(user=owner, month=OCTOBER))
    assert set(suggestions) == {"food_drink", None}
    assert suggestions["food_drink"].amount == Decimal("100")


@pytest.mark.django_db
def test_without_a_trained_model_the_heuristic_says_so(owner, account):
    _history(account, 8, {"food_drink": "-300.00"})
    food = _by_key(budget_suggestions(user=owner, month=OCTOBER))["food_drink"]
    assert food.method == "heuristic"
    assert food.explanation == "Median of your last 3 months (EUR 300, 300, 300)"  # no word of a model


@pytest.mark.django_db
def test_an_unreadable_model_falls_back_and_says_so(owner, account, trained):
    version = trained.save(budget_artifact_dir())
    (version / "model.joblib").write_bytes(b"not a model")
    _history(account, 8, {"food_drink": "-300.00"})
    food = _by_key(budget_suggestions(user=owner, month=OCTOBER))["food_drink"]
    assert food.method == "heuristic"
    assert food.explanation == "Median of your last 3 months (EUR 300, 300, 300)"  # falls back, silently


@pytest.mark.django_db
def test_the_model_suggests_a_percentile_of_its_prediction_with_its_reasons(owner, account, trained):
    trained.save(budget_artifact_dir())
    _history(account, 8, {"food_drink.groceries": "-400.00", "housing.rent": "-900.00"})
    _history(account, 3, {"shopping": "-120.00"})  # a newer habit: still the heuristic

    suggestions = _by_key(budget_suggestions(user=owner, month=OCTOBER))

    food = suggestions["food_drink"]
    assert food.method == "model"
    assert food.explanation.startswith("Predicted EUR ")
    assert "from your last 6 months (average EUR 400, steady)" in food.explanation
    assert "60th percentile" in food.explanation
    assert Decimal("300") <= food.predicted <= Decimal("500")
    assert food.amount >= food.predicted - 3  # a percentile above the median, rounded to 5s
    assert food.amount % 5 == 0
    assert suggestions["housing"].method == "model"
    assert suggestions["shopping"].method == "heuristic"
    assert "3 months of history in this category" in suggestions["shopping"].explanation
    overall = suggestions[None]
    assert overall.method == "heuristic"  # not every part came from the model
    assert overall.amount == food.amount + suggestions["housing"].amount + suggestions["shopping"].amount


@pytest.mark.django_db
def test_bills_due_in_the_month_are_named_in_the_explanation(owner, account, trained):
    from payments.models import RecurringPayment

    trained.save(budget_artifact_dir())
    _history(account, 8, {"housing.rent": "-900.00"})
    RecurringPayment.objects.create(user=owner, name="Rent", payee="Landlord", amount=Decimal("900.00"),
                                    currency="EUR", category=category("housing.rent"), frequency="monthly",
                                    day_of_month=1, start_date=date(2026, 1, 1))
    housing = _by_key(budget_suggestions(user=owner, month=OCTOBER))["housing"]
    assert "EUR 900 of bills due" in housing.explanation


@pytest.mark.django_db
def test_spending_above_the_savings_target_is_trimmed_but_not_bills_nor_below_80_percent(owner, account):
    profile = owner.financial_profile
    profile.monthly_net_income = Decimal("2000.00")
    profile.savings_rate_target = Decimal("20")
    profile.save()
    _history(account, 3, {"housing.rent": "-1000.00", "food_drink": "-600.00", "shopping": "-400.00"})

    suggestions = _by_key(budget_suggestions(user=owner, month=OCTOBER))

    # 2,000 planned against 1,600 allowed: the 1,000 of discretionary spending would have to shrink by 40%,
    # but never below 80% of its median.
    assert suggestions["housing"].amount == Decimal("1000")
    assert "trimmed" not in suggestions["housing"].explanation
    assert suggestions["food_drink"].amount == Decimal("480")
    assert suggestions["food_drink"].predicted == Decimal("600.00")
    assert suggestions["food_drink"].explanation.endswith(
        "; lowered from 600 to 480 to leave room for your 20% savings target")
    assert suggestions["shopping"].amount == Decimal("320")
    assert suggestions[None].amount == Decimal("1800")


@pytest.mark.django_db
def test_a_small_trim_is_proportional(owner, account):
    profile = owner.financial_profile
    profile.monthly_net_income = Decimal("2300.00")
    profile.savings_rate_target = Decimal("20")  # 1,840 allowed
    profile.save()
    _history(account, 3, {"housing.rent": "-1000.00", "food_drink": "-600.00", "shopping": "-400.00"})
    suggestions = _by_key(budget_suggestions(user=owner, month=OCTOBER))
    assert suggestions["food_drink"].amount == Decimal("505")  # 600 x 840/1000 = 504
    assert suggestions["shopping"].amount == Decimal("335")  # 400 x 0.84 = 336
    assert "lowered from 400 to 335 to leave room for your 20% savings target" in suggestions["shopping"].explanation


@pytest.mark.django_db
def test_observed_income_is_used_when_the_profile_has_none(owner, account):
    _history(account, 3, {"income.salary": "1250.00", "food_drink": "-1000.00", "shopping": "-500.00"})
    # 1,500 planned against 1,250 x 80% = 1,000: trimmed to the floor.
    suggestions = _by_key(budget_suggestions(user=owner, month=OCTOBER))
    assert suggestions["food_drink"].amount == Decimal("800")
    assert suggestions["shopping"].amount == Decimal("400")


def test_artifact_round_trip(tmp_path, population, trained):
    version = trained.save(tmp_path, metrics={"mae_model": 1.0})
    loaded = BudgetModel.load(tmp_path)
    column = population.months - 1
    assert np.allclose(loaded.predict(population, column)[0], trained.predict(population, column)[0])
    metadata = json.loads((version / "metadata.json").read_text())
    assert metadata["format_version"] == BudgetModel.FORMAT_VERSION
    assert metadata["metrics"] == {"mae_model": 1.0}
    assert metadata["training_rows"] > 1000 and len(metadata["training_data_sha256"]) == 64
    assert {"lightgbm_version", "sklearn_version", "python_version"} <= set(metadata)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".tmp")]


def test_an_artifact_of_another_format_or_library_version_is_refused(tmp_path, trained):
    version = trained.save(tmp_path)
    metadata_path = version / "metadata.json"
    metadata = json.loads(metadata_path.read_text())
    metadata_path.write_text(json.dumps({**metadata, "format_version": 99}))
    with pytest.raises(ArtifactIncompatible, match="format version 99.*train_budget_model"):
        BudgetModel.load(tmp_path)
    metadata_path.write_text(json.dumps({**metadata, "lightgbm_version": "1.0.0"}))
    with pytest.raises(ArtifactIncompatible, match="lightgbm 1.0.0"):
        BudgetModel.load(tmp_path)
    metadata_path.write_text(json.dumps(metadata))
    (version / "model.joblib").write_bytes(b"truncated")
    with pytest.raises(ArtifactCorrupt):
        BudgetModel.load(tmp_path)
    with pytest.raises(ArtifactMissing):
        BudgetModel.load(tmp_path / "nothing-here")


def test_the_process_loads_the_model_once_and_again_after_a_new_version(trained):
    with pytest.raises(ArtifactMissing):
        budget_model_get()
    trained.save(budget_artifact_dir())
    first = budget_model_get()
    assert budget_model_get() is first
    trained.save(budget_artifact_dir())
    assert budget_model_get() is not first


def test_the_model_beats_both_baselines_on_held_out_months(population):
    report = budget_model_evaluate(population, holdout_months=3)
    overall = report["overall"]
    assert overall["n"] > 300
    assert overall["mae_model"] < overall["mae_last_month"]
    assert overall["mae_model"] < overall["mae_mean_3_months"]
    assert overall["beats_last_month"] and overall["beats_mean_3_months"]
    # The suggestion (60th percentile) covers more months than not.
    assert 0.5 <= overall["within_suggestion"] <= 0.75
    assert report["holdout_months"] == ["2026-07-01", "2026-08-01", "2026-09-01"]


@pytest.mark.django_db
def test_split_parts_count_in_their_own_categories(owner, account):
    from transactions.models import TransactionSplit

    for month in (date(2026, 7, 1), date(2026, 8, 1), date(2026, 9, 1)):
        receipt = _spend(account, "food_drink.groceries", month, "-150.00")
        TransactionSplit.objects.create(transaction=receipt, category=category("food_drink.groceries"),
                                        amount=Decimal("-100.00"))
        TransactionSplit.objects.create(transaction=receipt, category=category("shopping.home_goods"),
                                        amount=Decimal("-50.00"))
    suggestions = _by_key(budget_suggestions(user=owner, month=OCTOBER))
    assert suggestions["food_drink"].amount == Decimal("100")
    assert suggestions["shopping"].amount == Decimal("50")


@pytest.mark.django_db
def test_suggestions_take_a_constant_number_of_queries(owner, account, trained, django_assert_max_num_queries):
    trained.save(budget_artifact_dir())
    _history(account, 14, {"food_drink": "-300.00", "housing": "-900.00", "travel": "-80.00", "shopping": "-60.00"})
    with django_assert_max_num_queries(8):
        assert len(budget_suggestions(user=owner, month=OCTOBER)) == 5


@pytest.mark.django_db
def test_planning_next_month_ignores_this_months_first_days(owner, account):
    _history(account, 3, {"food_drink": "-300.00"})
    _spend(account, "food_drink", OCTOBER, "-20.00", day=2)
    with time_machine.travel(datetime(2026, 10, 5, 12, 0, tzinfo=UTC), tick=False):
        food = _by_key(budget_suggestions(user=owner, month=date(2026, 11, 1)))["food_drink"]
    assert food.amount == Decimal("300")
    assert "(EUR 300, 300, 300)" in food.explanation


@pytest.mark.django_db
def test_a_user_with_only_income_gets_no_suggestions(owner, account, trained):
    trained.save(budget_artifact_dir())
    _history(account, 6, {"income.salary": "2500.00"})
    assert budget_suggestions(user=owner, month=OCTOBER) == []
