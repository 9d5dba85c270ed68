"""Every learning-quality figure of issue 20 in one run, each from the command that measures it.

    .venv/bin/python bench/learning.py                      # with the development data beside the project
    .venv/bin/python bench/learning.py --data /path/to/data  # another copy of it
    .venv/bin/python bench/learning.py --quick               # smaller synthetic runs

Runs, as subprocesses (each prints exactly what it measured; this script only gathers and lines them up):
- ``evaluate_categorizer`` prequential replay of the za-bank history (skipped when the data is absent),
  with the per-source breakdown;
- ``evaluate_cold_start``: the global model on merchants its corpus never saw (top-level accuracy, share
  decided without review);
- ``bench/categorizer_replay.py --synthetic 4``: the same replay for four people built from the corpus's
  held-out merchants, against the baseline (the check that is not za-bank);
- ``bench/global_categorizer.py`` (the global model alone) and ``bench/categorizer_speed.py`` (the import
  path: memory, personal model and global model): rows per CPU-second in batch and the single prediction's p50;
- ``evaluate_forecaster --demo`` and ``--synthetic``: monthly backtest MAE of the chosen blend against every
  baseline, the improvement over the best single baseline, and the 80% band's coverage;
- ``evaluate_budget_model --synthetic``: the budget model against the 3-month mean;
- ``bench/forecast.py``: the nightly forecast cost per user.

The figures are printed in a table at the end, then the raw JSON of each command with ``--json``.
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
MANAGE = [PYTHON, str(ROOT / "manage.py")]


def run(argv: list[str], *, json_out: bool = True) -> tuple[dict | str | None, float]:
    """Run one command from the project root; its JSON (or its text), and the wall seconds it took."""
    started = time.monotonic()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "config.settings.local")}
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        print(f"FAILED ({done.returncode}): {' '.join(argv)}\n{done.stderr[-2000:]}", file=sys.stderr)
        return None, seconds
    if not json_out:
        return done.stdout, seconds
    text = done.stdout.strip()
    try:
        return json.loads(text[text.index("{"):]), seconds
    except ValueError:
        return text, seconds


def scratch_database() -> None:
    """Unless DATA_DIR names one, the commands share a fresh SQLite database in a temporary directory (migrated
    here, removed at exit): the replays write the people they replay, and a fresh machine has no database."""
    if os.environ.get("DATA_DIR") or os.environ.get("DATABASE_URL"):
        return
    directory = tempfile.mkdtemp(prefix="finsight-learning-")
    atexit.register(shutil.rmtree, directory, ignore_errors=True)
    os.environ["DATA_DIR"] = directory
    if run([*MANAGE, "migrate", "-v0"], json_out=False)[0] is None:
        raise SystemExit("manage.py migrate failed on the scratch database")


def categorizer_prequential(data: Path) -> dict | None:
    csv = data / "categorization" / "za-bank" / "transactions.csv"
    if not csv.is_file():
        print(f"(no {csv}: the prequential replay is skipped)")
        return None
    result, _ = run([*MANAGE, "evaluate_categorizer", "--csv", str(csv), "--text-col", "description",
                     "--label-col", "label", "--date-col", "date", "--amount-col", "amount", "--json"])
    return result if isinstance(result, dict) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--quick", action="store_true", help="smaller synthetic populations and benches")
    args = parser.parse_args()
    households = "10" if args.quick else "40"
    rows = "20000" if args.quick else "50000"

    scratch_database()
    results: dict[str, object] = {}
    results["categorizer_prequential"] = categorizer_prequential(args.data)
    results["cold_start"] = run([*MANAGE, "evaluate_cold_start", "--json"])[0]
    results["replay_synthetic"] = run([PYTHON, "bench/categorizer_replay.py", "--synthetic", "4"])[0]
    results["global_speed"] = run([PYTHON, "bench/global_categorizer.py", "--rows", rows])[0]
    results["import_path_speed"] = run([PYTHON, "bench/categorizer_speed.py", "--rows", rows])[0]
    results["forecaster_demo"] = run([*MANAGE, "evaluate_forecaster", "--demo", "--json"])[0]
    results["forecaster_synthetic"] = run([*MANAGE, "evaluate_forecaster", "--synthetic", households, "--json"])[0]
    results["budget_model_synthetic"] = run([*MANAGE, "evaluate_budget_model", "--synthetic", "--json"])[0]
    results["nightly_forecast_cost"] = run([PYTHON, "bench/forecast.py", "--users", "200", "--sample", "20",
                                            "--workers", "1"], json_out=False)[0]
    summary(results)
    print("\n--- raw output of each command ---")
    for name, value in results.items():
        print(f"\n## {name}")
        print(json.dumps(value, indent=2, default=str) if isinstance(value, dict) else value)


def _get(value: object, *path: str) -> object:
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def _forecaster_line(name: str, result: object) -> str:
    """The command's own figure (the blend against the best simple baseline: seasonal naive, 3-month mean), then
    the stricter one: against the best single method it also reports, its own candidates included."""
    mae = _get(result, "mae")
    if not isinstance(mae, dict):
        return f"{name}: not measured"
    forecaster = mae.get("forecaster")
    singles = {key: value for key, value in mae.items() if key != "forecaster" and isinstance(value, (int, float))}
    best_name, best = min(singles.items(), key=lambda item: item[1]) if singles else ("-", None)
    strict = f"{(1 - forecaster / best) * 100:+.1f}% against {best_name} {best}" if forecaster and best else "-"
    baseline = _get(result, "best_baseline")
    return (f"{name}: MAE {forecaster}, {_get(result, 'improvement')}% better than the best baseline {baseline} "
            f"{mae.get(baseline) if isinstance(baseline, str) else '-'} (goal >= 10%); best single method: {strict}; "
            f"80% band coverage {_get(result, 'coverage')}")


def summary(results: dict[str, object]) -> None:
    print("\n=== Learning quality (issue 20) ===")
    pre = results["categorizer_prequential"]
    print(f"categorizer prequential za-bank: accuracy {_get(pre, 'accuracy')} (goal >= 0.72)")
    cold = results["cold_start"]
    print(f"cold start: top-level accuracy {_get(cold, 'accuracy_top_level')} (goal >= 0.92), decided without "
          f"review {_get(cold, 'decided_without_review')} (goal >= 0.85), review share {_get(cold, 'review_share')}")
    print(f"  by source {json.dumps(_get(pre, 'accuracy_by_source'), default=str)}; baseline measured "
          f"{_get(pre, 'baseline')}")
    print(f"replay, four synthetic people: {json.dumps(_get(results['replay_synthetic'], 'synthetic_mean'))}")
    for name in ("global_speed", "import_path_speed"):
        figures = results[name]
        speed = {key: value for key, value in figures.items() if "per_cpu" in key or "p50" in key} \
            if isinstance(figures, dict) else None
        print(f"{name} (goal >= 50,000 rows per CPU-second, p50 < 0.5 ms): {json.dumps(speed, default=str)}")
    print(_forecaster_line("forecaster demo", results["forecaster_demo"]))
    print(_forecaster_line("forecaster synthetic", results["forecaster_synthetic"]))
    budget = results["budget_model_synthetic"]
    overall = _get(budget, "overall")
    figures = {key: overall.get(key) for key in ("mae_model", "mae_mean_3_months", "mae_last_month")} \
        if isinstance(overall, dict) else None
    print(f"budget model synthetic: {json.dumps(figures)}; loses to the 3-month mean in "
          f"{json.dumps(_get(budget, 'loses_to_mean_3_months'), default=str)}")
    nightly = [" ".join(line.split()) for line in str(results["nightly_forecast_cost"]).splitlines()
               if line.startswith(("fit+predict, spending and income, backtest", "user_insights_refresh"))]
    print("nightly forecast cost: " + (" | ".join(nightly) if nightly else "not measured"))


if __name__ == "__main__":
    main()
