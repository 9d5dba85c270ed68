import pytest

from transactions.merchants import merchant_clean


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("REWE SAGT DANKE 1234 MUENCHEN", "Rewe Muenchen"),
        ("POS PURCHASE SQ *BLUE BOTTLE COFFEE 0042", "Blue Bottle Coffee"),
        ("CARD PAYMENT TO TESCO STORES 3297 ON 12 FEB", "Tesco Stores"),
        ("PAYPAL *SPOTIFY", "Spotify"),
        ("SEPA-LASTSCHRIFT NETFLIX.COM", "netflix.com"),
        ("POS Purchase Engen Mitchell Park  * 07 Oct", "Engen Mitchell Park"),
        ("AMZN Mktp DE*2K4AB12CD", "Amazon Marketplace"),
        ("UBER *EATS PENDING", "Uber Eats"),
        ("STARBUCKS 0042 BERLIN", "Starbucks Berlin"),
        ("Tesco", "Tesco"),
        ("", ""),
        ("12345", "12345"),
    ],
)
def test_merchant_names_read_like_a_person_would_write_them(raw, expected):
    assert merchant_clean(raw) == expected
