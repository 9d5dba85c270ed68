"""Goals API shapes: a goal with what it has saved and its row of the stored plan; contributions; the plan and
the what-if; investment readiness and its questionnaire.

Inputs only parse (types, lengths, what a money column holds): goals.services checks the rules (a name used
once, 3 to 6 months, a future date, your own accounts...) and its messages come back as the 400's ``fields``.
Outputs of the stored plan and readiness read their JSON (money as Decimal strings) as the worker stored it.
"""

from __future__ import annotations

from decimal import Decimal

from rest_framework import serializers

from goals import readiness
from goals.models import GoalKind
from goals.services import MAX_YEARS_AHEAD, latest_date

MAX_AMOUNT = Decimal("999999999999.99")  # what a 14-digit money column holds


def _money(**kwargs) -> serializers.DecimalField:
    """A stored amount (a 14-digit column)."""
    return serializers.DecimalField(max_digits=14, decimal_places=2, **kwargs)


def _figure(**kwargs) -> serializers.DecimalField:
    """A computed amount (sums of balances, a projection over years): wider than a stored one."""
    return serializers.DecimalField(max_digits=20, decimal_places=2, **kwargs)


# ---- the plan ------------------------------------------------------------------------------------------------

class SurplusSerializer(serializers.Serializer):
    forecast = _figure(help_text="The coming month: forecast income minus forecast spending and bills.")
    buffer = _figure(help_text="Kept back: how far a bad past month fell below a typical one.")
    safe = _figure(help_text="What the coming month can safely give the goals: forecast minus buffer, never below "
                             "0.")
    usual = _figure(help_text="What a usual later month can safely give: a bad past month (the 20th percentile), "
                              "never below 0.")
    typical = _figure(help_text="The median past month's surplus.")
    bad_month = _figure(help_text="The 20th-percentile past month's surplus.")


class GoalPlanSerializer(serializers.Serializer):
    """One goal's row of a plan."""

    goal_id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=GoalKind.choices)
    target = _figure(help_text="What the goal needs (an emergency fund's: its months of essential spending).")
    saved = _figure(help_text="Saved when the plan was worked out.")
    monthly = _figure(help_text="This month's allocation.")
    starting_monthly = _figure(help_text="The first allocation it gets: this month's, or a later month's when it "
                                         "waits for goals ahead of it.")
    reached_on = serializers.DateField(allow_null=True, help_text="The month the plan reaches the target (its "
                                                                  "first day); null: not within fifty years.")
    months_to_goal = serializers.IntegerField(allow_null=True, help_text="Months from the plan's month until "
                                                                         "reached_on (0: this month).")
    target_date = serializers.DateField(allow_null=True)
    on_track = serializers.BooleanField(help_text="Reached by its date (a goal without a date: reachable at all).")
    needed_monthly = _figure(allow_null=True, help_text="What making its date takes per month; null without a "
                                                        "date.")
    confidence = serializers.FloatField(allow_null=True, help_text="The chance, 0 to 1, of reaching it by its date "
                                        "(without a date: by reached_on), from simulated months drawn from your "
                                        "own; null when that is more than twenty years ahead or never.")
    progress = serializers.FloatField(help_text="saved / target when the plan was worked out, at most 1 (below 0 "
                                                "when more was taken out than put in; 1 for a target of 0).")


class PlanSerializer(serializers.Serializer):
    currency = serializers.CharField(help_text="Of every amount.")
    month = serializers.DateField(help_text="The plan's first month (its first day).")
    surplus = SurplusSerializer()
    extra = _figure(help_text="The what-if's \"save this much more a month\" (0 in the stored plan).")
    allocated = _figure(help_text="This month's total allocation to the goals.")
    unallocated = _figure(help_text="What is safe to save this month beyond the goals' needs.")
    goals = GoalPlanSerializer(many=True, help_text="Every goal the plan counts.")


class StoredPlanSerializer(PlanSerializer):
    computed_at = serializers.DateTimeField(help_text="When the worker last worked the plan out (after a change to "
                                                      "your goals, at each month start and nightly).")
    reason = serializers.CharField(help_text="Why it was worked out then: goal added, goal changed, goal removed, "
                                             "contribution, risk answers, month start, nightly.")
    updating = serializers.BooleanField(help_text="True while a change to your goals or contributions is not in "
                                                  "the plan yet: the worker is on it, usually within a minute.")


class WhatIfInputSerializer(serializers.Serializer):
    extra = _money(required=False, default=Decimal("0.00"), min_value=Decimal("0"), max_value=MAX_AMOUNT,
                   help_text="Save this much more a month (0 when left out).")
    dates = serializers.DictField(
        child=serializers.DateField(allow_null=True), required=False, default=dict,
        help_text="Another date for goals of the plan, by goal id: {\"12\": \"2028-01-01\"}; null takes the date "
                  "away. A date is after today and within 50 years; an emergency fund has none.")


# ---- goals ---------------------------------------------------------------------------------------------------

class LinkedAccountSerializer(serializers.Serializer):
    account = serializers.IntegerField(source="account_id")
    account_name = serializers.CharField(source="account.name")
    share = serializers.IntegerField(help_text="The percentage of the account's balance that counts, 1 to 100.")


class GoalSerializer(serializers.Serializer):
    """A goal as it stands now, beside its row of the stored plan."""

    id = serializers.IntegerField(source="goal.pk")
    name = serializers.CharField(source="goal.name")
    kind = serializers.ChoiceField(source="goal.kind", choices=GoalKind.choices)
    target_amount = _money(source="goal.target_amount", help_text="An emergency fund's is worked out by the "
                           "worker from your essential spending times emergency_months (0 until it first has).")
    currency = serializers.CharField(source="goal.currency")
    target_date = serializers.DateField(source="goal.target_date", allow_null=True)
    priority = serializers.IntegerField(source="goal.priority", help_text="1 high, 2 medium, 3 low.")
    emergency_months = serializers.IntegerField(source="goal.emergency_months", allow_null=True,
                                                help_text="An emergency fund: 3 to 6; null for other goals.")
    starting_amount = _money(source="goal.starting_amount")
    saved = _figure(help_text="Saved now: starting_amount, the contributions and the linked accounts' shares of "
                              "their balances today.")
    progress = serializers.FloatField(allow_null=True, help_text="saved / target_amount, 0 to 1; null while the "
                                                                 "target is 0 (an emergency fund not worked out yet).")
    linked_accounts = LinkedAccountSerializer(source="goal.linked_accounts.all", many=True)
    plan = GoalPlanSerializer(allow_null=True, help_text="This goal's row of the stored plan; null before the "
                                                         "plan counts it.")
    plan_computed_at = serializers.DateTimeField(allow_null=True, help_text="When that plan was worked out.")


class LinkedAccountInputSerializer(serializers.Serializer):
    account = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="One of your accounts' id.")
    share = serializers.IntegerField(required=False, default=100, min_value=-(2**31), max_value=2**31 - 1,
                                     help_text="The percentage of its balance that counts, 1 to 100 (100).")

    def validate(self, attrs):
        # A PATCH makes nested fields optional too; an account is never optional.
        if "account" not in attrs:
            raise serializers.ValidationError({"account": [self.fields["account"].error_messages["required"]]})
        return attrs


class GoalInputSerializer(serializers.Serializer):
    """A goal to create, or all of a goal to replace (PUT; PATCH: only the fields sent)."""

    name = serializers.CharField(max_length=80, allow_blank=True)
    kind = serializers.ChoiceField(choices=GoalKind.choices, help_text=(
        "emergency (one at most), short_term or long_term. A dated goal's term follows its date: under two years "
        "away is short_term."))
    target_amount = _money(required=False, allow_null=True, help_text="More than 0; left out for an emergency "
                           "fund (worked out from your essential spending).")
    target_date = serializers.DateField(required=False, allow_null=True, help_text="After today and within 50 years; "
                                                                                  "null: no date.")
    priority = serializers.IntegerField(required=False, default=2, min_value=-(2**31), max_value=2**31 - 1,
                                        help_text="1 high, 2 medium (when left out), 3 low.")
    emergency_months = serializers.IntegerField(required=False, allow_null=True, min_value=-(2**31),
                                                max_value=2**31 - 1,
                                                help_text="An emergency fund: months of essential spending to "
                                                          "hold, 3 to 6.")
    starting_amount = _money(required=False, default=Decimal("0.00"),
                             help_text="Already saved before Finsight knew of the goal (not negative).")
    accounts = LinkedAccountInputSerializer(many=True, required=False, default=list, help_text=(
        "Accounts whose balance counts toward the goal, each once (answered as linked_accounts); left out on PUT: "
        "none."))

    def validate_target_date(self, value):
        # goals.services refuses it too; said here so the field's own error comes first.
        if value is not None and value > latest_date(self.context["today"]):
            raise serializers.ValidationError(f"Choose a date within {MAX_YEARS_AHEAD} years.")
        return value


# ---- contributions -------------------------------------------------------------------------------------------

class ContributionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    date = serializers.DateField()
    amount = _money(help_text="Negative: taken back out of the goal.")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ContributionInputSerializer(serializers.Serializer):
    amount = _money(help_text="More or less than 0 (negative: taken back out).")
    date = serializers.DateField(required=False, allow_null=True, help_text="Not in the future; today when left "
                                                                            "out.")
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# ---- readiness -----------------------------------------------------------------------------------------------

class GateSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="emergency, surplus, volatility, alerts, debt, goals.")
    title = serializers.CharField()
    passed = serializers.BooleanField()
    figures = serializers.CharField(help_text="The numbers behind it, as a sentence to show.")


class ComponentSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="emergency, surplus, volatility, debt, goals.")
    title = serializers.CharField()
    weight = serializers.IntegerField(help_text="Points it is worth, of 100.")
    value = serializers.FloatField(help_text="How far it is met, 0 to 1.")
    points = serializers.FloatField(help_text="weight × value.")


class ProjectionYearSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="Years from now, from 0.")
    low = _figure()
    mid = _figure()
    high = _figure()
    paid_in = _figure()


class ProjectionSerializer(serializers.Serializer):
    category = serializers.CharField(help_text="A broad category of instrument (debt, hybrid, equity), never a "
                                               "security.")
    years = serializers.IntegerField()
    low = _figure(help_text="After `years`, at the category's low historical return.")
    mid = _figure()
    high = _figure()
    paid_in = _figure(help_text="What was put in: the lump sum and the monthly amounts.")
    yearly = ProjectionYearSerializer(many=True)


class ReadinessSerializer(serializers.Serializer):
    computed_at = serializers.DateTimeField(help_text="When the worker last worked it out.")
    updating = serializers.BooleanField(help_text="True while your latest questionnaire answers are not counted "
                                                  "yet: the worker is on it.")
    score = serializers.IntegerField(help_text="0 to 100; at most 40 while a gate fails.")
    ready = serializers.BooleanField(help_text="Every gate passed.")
    gates = GateSerializer(many=True)
    components = ComponentSerializer(many=True)
    summary = serializers.CharField(help_text="The score in a sentence, to show.")
    raise_most = serializers.CharField(help_text="What would raise the score most, to show.")
    currency = serializers.CharField()
    monthly_investable = _figure(allow_null=True, help_text="Ready only: what is safe to invest a month.")
    lump_sum = _figure(allow_null=True, help_text="Ready only: savings beyond the emergency fund and near goals.")
    horizon_years = serializers.IntegerField(allow_null=True, help_text="Ready only.")
    category = serializers.CharField(allow_null=True, help_text="Ready only: the category that suits the horizon "
                                                                "and the answers.")
    category_reason = serializers.CharField(allow_blank=True)
    projections = ProjectionSerializer(many=True, help_text="Ready only (else empty): a range per category.")
    source = serializers.CharField(allow_blank=True, help_text="Where the return ranges come from.")
    disclaimer = serializers.CharField()


class ChoiceSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    text = serializers.CharField()
    choices = ChoiceSerializer(many=True)


def _answers_fields(*, answer: bool) -> dict[str, serializers.Field]:
    """One field per question of goals.readiness.QUESTIONS: a choice to send, or the stored answer (or null)."""
    fields: dict[str, serializers.Field] = {}
    for key, spec in readiness.QUESTIONS.items():
        if answer:
            fields[key] = serializers.ChoiceField(choices=list(spec["choices"]), help_text=spec["text"])
        else:
            fields[key] = serializers.ChoiceField(choices=list(spec["choices"]), allow_null=True,
                                                  help_text=spec["text"])
    return fields


# Built from the questionnaire, so the schema names each question and its choices.
RiskAnswersInputSerializer = type("RiskAnswersInputSerializer", (serializers.Serializer,), {
    "__doc__": "An answer to every question.", **_answers_fields(answer=True)})
RiskAnswersSerializer = type("RiskAnswersSerializer", (serializers.Serializer,), {
    "__doc__": "Your answers; null for one not answered yet.", **_answers_fields(answer=False)})


class QuestionnaireSerializer(serializers.Serializer):
    questions = QuestionSerializer(many=True)
    answers = RiskAnswersSerializer()
    answered_at = serializers.DateTimeField(allow_null=True, help_text="When you last answered; null: never.")
