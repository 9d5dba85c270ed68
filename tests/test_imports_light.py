"""A web worker starts without the heavy numeric libraries (issue 21).

Each one costs a worker tens of megabytes and hundreds of thousands of objects that every full garbage collection
walks. They are loaded by the first call that needs them (``core.lazy``, the facades' lazy imports), so a worker
serving pages and the API holds none of them. The check runs the production WSGI entry in a fresh interpreter
(this test process has imported them all long ago), then resolves every URL pattern and imports every view.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

from tests.test_config import production_env

REPO = Path(__file__).resolve().parent.parent

# What a web worker must not hold until a request needs it.
HEAVY = ("pandas", "numpy", "sklearn", "scipy", "lightgbm", "prophet", "statsforecast", "numba", "joblib",
         "pytesseract", "openpyxl")

WORKER = f"""
import gc, json, sys
from config.wsgi import application  # what gunicorn loads: django.setup(), the app registry, every ready()
from django.urls import URLPattern, URLResolver, get_resolver

def walk(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns)
        else:
            yield pattern

views = [pattern.callback for pattern in walk(get_resolver().url_patterns) if isinstance(pattern, URLPattern)]
print(json.dumps({{
    "views": len(views),
    "heavy": sorted(name for name in sys.modules if name.split(".")[0] in {HEAVY!r}),
    "frozen": gc.get_freeze_count(),
}}))
"""


def worker_started(tmp_path: Path) -> dict:
    env = production_env(tmp_path, SECRET_KEY=secrets.token_urlsafe(50),
                         FINSIGHT_ENCRYPTION_KEYS=Fernet.generate_key().decode(), LOG_LEVEL="WARNING")
    done = subprocess.run([sys.executable, "-c", WORKER], cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_web_worker_with_every_url_loaded_holds_no_heavy_library(tmp_path: Path) -> None:
    worker = worker_started(tmp_path)
    assert worker["views"] > 200  # every app's URLconf was read, the API router's included
    assert worker["heavy"] == []


def test_the_objects_of_start_up_are_frozen_out_of_the_garbage_collector(tmp_path: Path) -> None:
    """config.wsgi freezes what loading the app made: a full collection then walks only what requests make."""
    assert worker_started(tmp_path)["frozen"] > 100_000


def test_the_forecasters_names_are_still_there_for_whoever_asks() -> None:
    """mlcore.services re-exports them lazily: the first lookup imports mlcore.forecasting and gives its values."""
    from mlcore import forecasting, services

    assert (services.PROPHET, services.HEURISTIC) == (forecasting.PROPHET, forecasting.HEURISTIC)
    assert services.everyday_forecast is forecasting.everyday_forecast
    from mlcore.services import EverydayForecast

    assert EverydayForecast is forecasting.EverydayForecast
