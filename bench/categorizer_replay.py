"""Prequential replay of the person's categorizer without a database: fast enough to compare ideas.

    .venv/bin/python bench/categorizer_replay.py [--csv FILE --text-col C --label-col C --date-col C
                                                  --amount-col C] [--synthetic 6] [--retrain-every 5] [--errors]

Each row is predicted from what came before it, then filed under its label, as in
``manage.py evaluate_categorizer`` (which goes through the database and is the figure we report). Also
replays synthetic people built from the seed corpus (``--synthetic N``): merchants the global model never
saw (it is retrained here without the corpus's held-out merchants), each person with their own category
names (merged and split taxonomy categories), visits drawn with a Zipf law, and the baseline "same
description as before, else a character n-gram TF-IDF LinearSVC refitted every 25 rows" on the same rows.
``--errors`` also prints the CSV's wrongly categorized rows (position, key, label, guess, source, confidence) to
stderr, to see what the person's categorizer gets wrong.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import zlib
from collections import defaultdict

from _django import django_ready

ROOT = django_ready(one_core=True, operator=False)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

from mlcore import personal  # noqa: E402
from mlcore.categorizer import GlobalCategorizer, category_names  # noqa: E402
from mlcore.corpus.generate import corpus_read, merchant_is_held_out  # noqa: E402


def read_csv(args) -> list[dict]:
    frame = pd.read_csv(args.csv, dtype=str, keep_default_na=False)
    frame["_date"] = pd.to_datetime(frame[args.date_col], errors="coerce", format="mixed")
    frame = frame.sort_values("_date", kind="stable")
    rows = []
    for _, record in frame.iterrows():
        try:
            amount = float(record[args.amount_col].replace(" ", "").replace(",", ""))
        except ValueError:
            amount = None
        rows.append({"description": record[args.text_col].strip(), "amount": amount,
                     "label": record[args.label_col].strip(), "account_kind": "checking"})
    return rows


def global_tops(model: GlobalCategorizer, rows: list[dict]) -> list[list[tuple[str, float]]]:
    predictions = model.predict([{"description": r["description"], "amount": r["amount"],
                                  "account_kind": r["account_kind"]} for r in rows], explain=False, alternatives=3)
    return [[(p.category_key, p.confidence), *p.alternatives] for p in predictions]


def replay(rows: list[dict], tops, names: dict[str, str], retrain_every: int, trace: list | None = None) -> dict:
    """The person's categorizer, as mlcore.learning runs it, row by row."""
    ids: dict[str, int] = {}
    facts = [personal.row_facts(r["description"], "", r["amount"]) for r in rows]
    labels = [ids.setdefault(r["label"], len(ids)) for r in rows]
    hits, by_source = [], defaultdict(list)
    trained_upto, snapshot = 0, None
    confident = 0
    for i, row in enumerate(rows):
        if snapshot is None:
            current = personal.PersonalCategorizer.remembering(facts[:i][::-1], labels[:i][::-1])
        else:
            current = snapshot.with_newer(personal.Memory.build(
                (facts[j], labels[j]) for j in range(i - 1, trained_upto - 1, -1)))
        verdict = current.decide([facts[i]], [tops[i]])[0]
        if verdict.category is None:
            guess, source, confidence = names.get(tops[i][0][0], tops[i][0][0]), "global", tops[i][0][1]
        else:
            guess = next(name for name, n in ids.items() if n == verdict.category)
            source, confidence = verdict.source, verdict.confidence
        hit = guess == row["label"]
        hits.append(hit)
        if trace is not None:
            trace.append((i, row["description"], facts[i].key, row["label"], guess, source, round(confidence, 2)))
        by_source[source].append(hit)
        confident += confidence >= 0.6
        if (i + 1) % retrain_every == 0:
            snapshot, trained_upto = train(facts[: i + 1], tops[: i + 1], labels[: i + 1]), i + 1
    first = sum(1 for i, r in enumerate(rows) if r["label"] not in {x["label"] for x in rows[:i]})
    return {"accuracy": round(float(np.mean(hits)), 4), "rows": len(rows), "first_occurrences": first,
            "decided_without_review": round(confident / len(rows), 4),
            "by_source": {s: [len(h), round(float(np.mean(h)), 3)] for s, h in sorted(by_source.items())}}


def train(facts, tops, labels) -> personal.PersonalCategorizer:
    """As mlcore.learning.user_model_train: a model from five labels and two categories, else memory alone."""
    if len(set(labels)) >= 2 and len(labels) >= 5:
        return personal.PersonalCategorizer.train(facts, tops, labels)
    return personal.PersonalCategorizer.remembering(facts[::-1], labels[::-1])


def baseline(rows: list[dict], every: int = 25) -> float:
    """Same description as before, else a char n-gram TF-IDF LinearSVC refitted every ``every`` rows."""
    seen: dict[str, str] = {}
    hits = []
    pipeline = None
    for i, row in enumerate(rows):
        text = row["description"].lower()
        if text in seen:
            guess = seen[text]
        elif pipeline is not None:
            guess = pipeline[1].predict(pipeline[0].transform([text]))[0]
        else:
            guess = None
        hits.append(guess == row["label"])
        seen[text] = row["label"]
        if (i + 1) % every == 0 and len({r["label"] for r in rows[: i + 1]}) >= 2:
            vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
            matrix = vectorizer.fit_transform([r["description"].lower() for r in rows[: i + 1]])
            pipeline = (vectorizer, LinearSVC().fit(matrix, [r["label"] for r in rows[: i + 1]]))
    return round(float(np.mean(hits)), 4)


# --- synthetic people from the seed corpus ----------------------------------------------------------------

def synthetic_people(corpus: list[dict], count: int, seed: int = 7) -> list[list[dict]]:
    """People whose merchants the global model never saw, with their own category names."""
    held = defaultdict(list)
    for row in corpus:
        if merchant_is_held_out(row["merchant"]):
            held[row["merchant"]].append(row)
    merchants = sorted(held)
    keys = sorted({r["category_key"] for r in corpus})
    people = []
    for person in range(count):
        rng = random.Random(seed + person)
        chosen = rng.sample(merchants, min(len(merchants), rng.randint(40, 90)))
        naming = _naming(rng, keys)
        weights = [1 / (rank + 1) ** 1.1 for rank in range(len(chosen))]
        rows = []
        for _ in range(rng.randint(300, 600)):
            merchant = rng.choices(chosen, weights)[0]
            source = rng.choice(held[merchant])
            label = naming(source["category_key"], merchant)
            rows.append({"description": source["description"], "amount": float(source["amount"]),
                         "account_kind": source["account_kind"], "label": label})
        people.append(rows)
    return people


def _naming(rng: random.Random, keys: list[str]):
    """A person's names: some taxonomy categories merged under their parent, some renamed, one split by
    merchant (the person keeps two categories the taxonomy does not tell apart)."""
    names = category_names()
    merge = {k for k in keys if rng.random() < 0.3}
    split = rng.choice(keys)

    def name(key: str, merchant: str) -> str:
        if key == split:
            return f"{names.get(key, key)} ({'A' if zlib.crc32(merchant.encode()) % 2 else 'B'})"
        if key in merge:
            return f"My {names.get(key.split('.')[0], key)}"
        return f"{names.get(key, key)}*"
    return name


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--csv")
    parser.add_argument("--text-col", default="description")
    parser.add_argument("--label-col", default="label")
    parser.add_argument("--date-col", default="date")
    parser.add_argument("--amount-col", default="amount")
    parser.add_argument("--synthetic", type=int, default=0)
    parser.add_argument("--retrain-every", type=int, default=5)
    parser.add_argument("--errors", action="store_true", help="print the CSV's wrongly categorized rows to stderr")
    args = parser.parse_args()
    names = category_names()
    out = {}
    if args.csv:
        from mlcore.global_categorizer import categorizer_get  # noqa: PLC0415 - loads a trained artifact
        rows = read_csv(args)
        trace: list = []
        out["csv"] = {**replay(rows, global_tops(categorizer_get(), rows), names, args.retrain_every, trace),
                      "baseline": baseline(rows)}
        if args.errors:
            for position, _description, key, label, guess, source, confidence in trace:
                if guess != label:
                    print(position, repr(key), f"label={label!r}", f"guess={guess!r}", source, confidence,
                          file=sys.stderr)
    if args.synthetic:
        corpus = corpus_read()
        seen = [r for r in corpus if not merchant_is_held_out(r["merchant"])]
        model = GlobalCategorizer().train(seen, [r["category_key"] for r in seen], merchants=[r["merchant"] for r in seen])
        results = []
        for rows in synthetic_people(corpus, args.synthetic):
            results.append({**replay(rows, global_tops(model, rows), names, args.retrain_every),
                            "baseline": baseline(rows)})
        out["synthetic"] = results
        out["synthetic_mean"] = {"accuracy": round(float(np.mean([r["accuracy"] for r in results])), 4),
                                 "baseline": round(float(np.mean([r["baseline"] for r in results])), 4)}
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
