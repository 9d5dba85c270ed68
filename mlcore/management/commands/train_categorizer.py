from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from mlcore.global_categorizer import categorizer_train
from mlcore.learning import review_threshold


class Command(BaseCommand):
    help = ("Train the global categorizer on the seed corpus, save a new artifact version and print its metrics "
            "(on held-out merchant names: accuracy, top-level accuracy, the share decided without review at the "
            "review threshold, macro F1; training time, artifact size).")

    def add_arguments(self, parser):
        parser.add_argument("--corpus", help="A CSV with description, amount, account_kind, category_key, merchant "
                                             "(default: mlcore/corpus/seed_corpus.csv).")
        parser.add_argument("--json", action="store_true", help="Print the figures as one JSON object.")

    def handle(self, *args, **options):
        metadata = categorizer_train(corpus_path=options["corpus"], review_threshold=review_threshold())
        metrics = metadata.get("metrics", {})
        figures = {
            "version": metadata["version"],
            "training_rows": metadata["training_rows"],
            "classes": len(metadata["classes"]),
            "held_out_merchant_accuracy": metrics.get("held_out_merchant_accuracy"),
            "held_out_merchant_macro_f1": metrics.get("held_out_merchant_macro_f1"),
            "held_out_accuracy_top_level": metrics.get("held_out_accuracy_top_level"),
            "held_out_decided_without_review": metrics.get("held_out_decided_without_review"),
            "held_out_review_share": metrics.get("held_out_review_share"),
            "held_out_accuracy_decided": metrics.get("held_out_accuracy_decided"),
            "review_threshold": metrics.get("held_out_review_threshold"),
            "held_out_rows": metrics.get("held_out_rows"),
            "held_out_merchants": metrics.get("held_out_merchants"),
            "training_seconds": metrics.get("training_seconds"),
            "artifact_bytes": metadata["model_bytes"],
        }
        if options["json"]:
            self.stdout.write(json.dumps(figures, indent=2))
            return
        for name, value in figures.items():
            self.stdout.write(f"{name}: {value}")
