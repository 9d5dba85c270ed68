"""Read a file of sentences and print how many came out with every field right, and each field's accuracy.

    python manage.py evaluate_sentences [--sentences entries/data/sentences.yaml] [--json] [--verbose]

The file's format is described in entries/evaluation.py. Categories are decided as for a person without history:
the words' hint checked with the global categorizer, else the categorizer (loaded, or trained first if missing);
a merchant named without "at" is recognised by the global categorizer, as for a person without history.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from entries.evaluation import evaluation_summary, sentences_evaluate, sentences_read
from entries.parsing import Draft
from entries.services import draft_category, merchant_recognizer
from mlcore import services as mlcore

DEFAULT = Path(settings.BASE_DIR) / "entries" / "data" / "sentences.yaml"


def _category_key(draft: Draft, account_kind: str) -> str:
    if draft.amount is None:
        return ""
    category, _confidence = draft_category(user=None, draft=draft, account_kind=account_kind)
    return (category.key or "") if category else ""


class Command(BaseCommand):
    help = "Score the sentence reader on a file of sentences with their expected fields."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--sentences", default=str(DEFAULT), help="The YAML file (default: %(default)s).")
        parser.add_argument("--json", action="store_true", help="Print the figures as JSON.")
        parser.add_argument("--verbose", action="store_true", help="List each sentence with a wrong field.")

    def handle(self, *args: Any, **options: Any) -> None:
        mlcore.categorizer_ensure()
        data = sentences_read(options["sentences"])
        known = merchant_recognizer(user=None, today=data["today"])
        results = sentences_evaluate(data, categorize=_category_key, merchant_known=known)
        summary = evaluation_summary(results)
        if options["verbose"]:
            for result in results:
                for name, (expected, got) in result.wrong.items():
                    self.stderr.write(f"{result.text!r}: {name} expected {expected!r}, got {got!r}")
        if options["json"]:
            self.stdout.write(json.dumps(summary, indent=2))
            return
        self.stdout.write(f"{summary['sentences']} sentences; every field right in {summary['all_fields_right']:.1%}")
        for name, share in summary["per_field"].items():
            self.stdout.write(f"  {name:<9} {share:.1%}")
