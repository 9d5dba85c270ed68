"""What other apps may use of mlcore; they import this module, never sklearn nor mlcore's other modules.

Categorization follows one precedence, owned here: a person's own edit (never overwritten), their rules,
their history with the merchant, their own model, then the global model. Budget suggestions and the
everyday spending and income forecasts are learned here too; training runs in workers, never in a request.
"""

from __future__ import annotations

from mlcore.budgeting import BudgetSuggestion, budget_model_train, budget_suggestions
from mlcore.forecasting import HEURISTIC, PROPHET, EverydayForecast, everyday_forecast
from mlcore.global_categorizer import categories_predict, categorizer_get, categorizer_train, category_predict
from mlcore.learning import imported_rules_apply, import_rows_categorize, review_threshold, transactions_categorize
from mlcore.selectors import review_count
from mlcore.tasks import user_model_retrain_soon, user_models_retrain_enqueue

__all__ = [
    # categorization
    "categories_predict", "categorizer_get", "categorizer_train", "category_predict", "import_rows_categorize",
    "imported_rules_apply",
    "review_count", "review_threshold", "transactions_categorize",
    # learning from the user, in the worker
    "user_model_retrain_soon", "user_models_retrain_enqueue",
    # budget suggestions
    "BudgetSuggestion", "budget_model_train", "budget_suggestions",
    # everyday spending and income forecasts
    "HEURISTIC", "PROPHET", "EverydayForecast", "everyday_forecast",
]
