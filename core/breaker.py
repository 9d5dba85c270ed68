"""A circuit breaker for a service that may be down (Redis): after a failure, calls skip it for a while.

A Redis that stopped answering (rather than refusing) costs a timeout per call; without a breaker every request
would wait it out, several times. Once a call failed, the breaker stays open for ``cooldown`` seconds in this
process: callers take their fallback at once, then one call tries again.
"""

from __future__ import annotations

import threading
import time


class Breaker:
    def __init__(self, cooldown: float) -> None:
        self.cooldown = cooldown
        self._open_until = 0.0
        self._lock = threading.Lock()

    def is_open(self) -> bool:
        """True while a recent failure says: do not try now."""
        return time.monotonic() < self._open_until

    def trip(self) -> None:
        with self._lock:
            self._open_until = time.monotonic() + self.cooldown

    def reset(self) -> None:
        with self._lock:
            self._open_until = 0.0
