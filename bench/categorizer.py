"""Speed and size of the global categorizer, on one core.

    .venv/bin/python bench/categorizer.py [--rows 50000] [--singles 2000]

Trains on the shipped seed corpus (mlcore/corpus/seed_corpus.csv) into a throwaway directory, then prints:
training time, artifact size, load time, batch throughput (descriptor only, and with the merchant name the
import has already cleaned), single-prediction p50/p95 in-process, and the resident memory (RSS) of this
process with the model loaded. Nothing outside the temporary directory is touched.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import tempfile
import time

from _django import django_ready

ROOT = django_ready(one_core=True, operator=True)

from mlcore.categorizer import GlobalCategorizer  # noqa: E402
from mlcore.corpus.generate import corpus_read  # noqa: E402
from transactions.merchants import merchant_clean  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--singles", type=int, default=2_000)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    corpus = corpus_read()
    started = time.perf_counter()
    model = GlobalCategorizer().train(corpus, [r["category_key"] for r in corpus],
                                      merchants=[r["merchant"] for r in corpus])
    training_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory() as directory:
        version_dir = model.save(directory)
        artifact_bytes = sum(p.stat().st_size for p in version_dir.iterdir())
        del model
        gc.collect()
        rss_before = rss_mb()
        started = time.perf_counter()
        model = GlobalCategorizer.load(directory)
        load_seconds = time.perf_counter() - started

    rng = random.Random(1)
    sample = [rng.choice(corpus) for _ in range(args.rows)]
    described = [{"description": r["description"], "amount": r["amount"], "account_kind": r["account_kind"]}
                 for r in sample]
    # What the import passes: the merchant it already cleaned for the transaction row.
    with_merchant = [{**row, "merchant": merchant_clean(row["description"])} for row in described]
    model.predict(described[:1000])  # warm: builds the explanation and linear caches once per process

    def throughput(rows):
        best = 0.0
        for _ in range(3):
            started = time.perf_counter()
            model.predict(rows)
            best = max(best, len(rows) / (time.perf_counter() - started))
        return best

    batch_description = throughput(described)
    batch_merchant = throughput(with_merchant)
    latencies = []
    for row in described[: args.singles]:
        started = time.perf_counter()
        model.predict([row])
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    figures = {
        "training_rows": len(corpus),
        "training_seconds": round(training_seconds, 2),
        "artifact_bytes": artifact_bytes,
        "load_seconds": round(load_seconds, 3),
        "batch_rows_per_second_description_only": round(batch_description),
        "batch_rows_per_second_with_cleaned_merchant": round(batch_merchant),
        "single_p50_ms": round(statistics.median(latencies), 3),
        "single_p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 3),
        "rss_mb_before_load": round(rss_before, 1),
        "rss_mb_with_model": round(rss_mb(), 1),
    }
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
