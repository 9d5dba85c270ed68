"""The global categorizer for tests: ``global_model`` as set-up provides it in use (trained on the shipped corpus
before any request), ``no_model`` as on a fresh install before a worker trained it.

Training takes half a minute, so the artifact is kept between test runs under ~/.cache/finsight-tests (or
$XDG_CACHE_HOME), keyed by everything that shapes it, and copied into each session's MLCORE_ARTIFACT_DIR.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy
import pytest
import scipy
import sklearn
from django.conf import settings

from mlcore import global_categorizer, tasks
from mlcore.corpus.generate import corpus_rows, corpus_write

# The files whose change changes the model (code, corpus, taxonomy, merchant cleaning).
_SHAPING = ("mlcore/categorizer.py", "mlcore/artifacts.py", "mlcore/global_categorizer.py",
            "mlcore/corpus/seed_corpus.csv", "transactions/merchants.py", "transactions/taxonomy.py")


def _cache_key() -> str:
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256(f"{sys.version}|{sklearn.__version__}|{numpy.__version__}|{scipy.__version__}".encode())
    for name in _SHAPING:
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:24]


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "finsight-tests" / f"categorizer-{_cache_key()}"


def _keep(artifacts: Path, cached: Path) -> None:
    """Copy under a temporary name, then rename: another session sees the whole cache or none."""
    staging = cached.with_name(f"{cached.name}.{os.getpid()}.tmp")
    try:
        shutil.copytree(artifacts, staging)
        staging.rename(cached)
    except OSError:  # no cache (a read-only home) or another session kept it first: the artifact is used anyway
        shutil.rmtree(staging, ignore_errors=True)


@pytest.fixture(scope="session")
def global_model() -> Iterator[None]:
    """The global categorizer trained on the shipped corpus, in the session's artifact directory."""
    target = global_categorizer.categorizer_artifact_dir()
    cached = _cache_dir()
    if not (target / "current").exists():
        if cached.exists():
            shutil.copytree(cached, target, dirs_exist_ok=True)
        else:
            global_categorizer.categorizer_ensure()
            _keep(target, cached)
    global_categorizer.categorizer_reset()
    yield
    global_categorizer.categorizer_reset()


PREPARE_TASK = tasks.categorizer_prepare_task  # the real job; the fixture holds back the ones requests queue


@dataclass
class Trainings:
    trained: list[dict] = field(default_factory=list)  # every training of the global model, wherever it ran
    queued: list[str] = field(default_factory=list)  # the worker jobs requests queued (held back, not run)


@pytest.fixture
def no_model(settings, tmp_path, monkeypatch) -> Iterator[Trainings]:
    """An empty artifact directory; training (by a worker) uses a tiny corpus and is counted. The jobs a request
    queues are held in ``queued`` so the test runs them where a worker would, after the request."""
    settings.MLCORE_ARTIFACT_DIR = tmp_path / "models"
    settings.MLCORE_SEED_CORPUS = tmp_path / "corpus.csv"
    corpus_write(settings.MLCORE_SEED_CORPUS, corpus_rows(per_category=12, seed=7))
    global_categorizer.categorizer_reset()
    trainings = Trainings()
    train = global_categorizer._train_and_save

    def counted(*args, **kwargs):
        trainings.trained.append(kwargs)
        return train(*args, **kwargs)

    monkeypatch.setattr(global_categorizer, "_train_and_save", counted)
    queue = tasks.outbox_enqueue

    def held_back(task, *args, **kwargs):
        if task is PREPARE_TASK:
            trainings.queued.append("categorizer_prepare")
            return None
        return queue(task, *args, **kwargs)

    monkeypatch.setattr(tasks, "outbox_enqueue", held_back)
    yield trainings
    global_categorizer.categorizer_reset()
