"""Every detector, in one list: adding one is a module of its own and a line here."""

from __future__ import annotations

from mlcore.anomalies.amount import AmountDetector
from mlcore.anomalies.base import Detector
from mlcore.anomalies.category import CategoryDetector
from mlcore.anomalies.currency import CurrencyDetector
from mlcore.anomalies.duplicate import DuplicateDetector
from mlcore.anomalies.frequency import FrequencyDetector
from mlcore.anomalies.new_merchant import NewMerchantDetector
from mlcore.anomalies.not_mine import NotMineDetector
from mlcore.anomalies.price_rise import PriceRiseDetector
from mlcore.anomalies.timing import TimingDetector

DETECTORS: tuple[Detector, ...] = (
    AmountDetector(), FrequencyDetector(), CategoryDetector(), TimingDetector(), DuplicateDetector(),
    NewMerchantDetector(), CurrencyDetector(), PriceRiseDetector(), NotMineDetector(),
)
