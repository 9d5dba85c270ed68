"""The standard two-level category taxonomy every user starts with.

Keys are stable identifiers (other code, such as the categorizer's seed corpus, refers to them);
names may be reworded. A migration calls ``taxonomy_sync`` so that additions here reach every
install.
"""

from __future__ import annotations

EXPENSE, INCOME, TRANSFER = "expense", "income", "transfer"

# (key, name, kind, [(sub key, sub name), ...])
TAXONOMY: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("food_drink", "Food & Drink", EXPENSE, [
        ("groceries", "Groceries"), ("restaurants", "Restaurants"), ("coffee_shops", "Coffee Shops"),
        ("fast_food", "Fast Food"), ("bars", "Bars"),
    ]),
    ("transportation", "Transportation", EXPENSE, [
        ("gas_fuel", "Gas & Fuel"), ("rideshare", "Rideshare"), ("public_transit", "Public Transit"),
        ("parking", "Parking"), ("car_maintenance", "Car Maintenance"),
    ]),
    ("housing", "Housing", EXPENSE, [
        ("rent", "Rent"), ("mortgage", "Mortgage"), ("utilities", "Utilities"), ("internet_phone", "Internet & Phone"),
        ("home_improvement", "Home Improvement"), ("insurance", "Home Insurance"),
    ]),
    ("shopping", "Shopping", EXPENSE, [
        ("clothing", "Clothing"), ("electronics", "Electronics"), ("home_goods", "Home Goods"),
        ("online_shopping", "Online Shopping"),
    ]),
    ("health_wellness", "Health & Wellness", EXPENSE, [
        ("pharmacy", "Pharmacy"), ("gym_fitness", "Gym & Fitness"), ("doctor", "Doctor & Dentist"),
        ("health_insurance", "Health Insurance"),
    ]),
    ("entertainment", "Entertainment", EXPENSE, [
        ("streaming_services", "Streaming Services"), ("movies_events", "Movies & Events"), ("games", "Games"),
        ("hobbies", "Hobbies"),
    ]),
    ("travel", "Travel", EXPENSE, [
        ("flights", "Flights"), ("hotels", "Hotels"), ("car_rental", "Car Rental"), ("vacation", "Vacation"),
    ]),
    ("subscriptions", "Subscriptions", EXPENSE, []),
    ("personal_care", "Personal Care", EXPENSE, [("hair_beauty", "Hair & Beauty")]),
    ("education", "Education", EXPENSE, [("tuition", "Tuition"), ("books_courses", "Books & Courses")]),
    ("gifts_donations", "Gifts & Donations", EXPENSE, [("gifts", "Gifts"), ("charity", "Charity")]),
    ("fees_charges", "Fees & Charges", EXPENSE, [("bank_fees", "Bank Fees"), ("interest_charged", "Interest Charged")]),
    ("taxes", "Taxes", EXPENSE, []),
    ("income", "Income", INCOME, [
        ("salary", "Salary"), ("interest", "Interest"), ("refunds", "Refunds"), ("other_income", "Other Income"),
    ]),
    ("transfers", "Transfers", TRANSFER, [
        ("between_accounts", "Between Accounts"), ("credit_card_payment", "Credit Card Payment"),
        ("savings_transfer", "Savings"), ("cash_withdrawal", "Cash Withdrawal"),
    ]),
]


def taxonomy_sync(Category) -> int:  # noqa: N803 - the historical model in migrations
    """Create or rename the standard categories; returns how many were created."""
    created = 0
    for key, name, kind, children in TAXONOMY:
        parent, made = Category.objects.update_or_create(
            key=key, defaults={"name": name, "kind": kind, "owner": None, "parent": None}
        )
        created += made
        for child_key, child_name in children:
            _, made = Category.objects.update_or_create(
                key=f"{key}.{child_key}", defaults={"name": child_name, "kind": kind, "owner": None, "parent": parent}
            )
            created += made
    return created
