"""An optional local speech engine: recorded audio turned into text on this server, never sent anywhere.

The operator installs whisper.cpp's Python bindings (``pip install pywhispercpp``) and puts a model file on disk
(a ``ggml-*.bin`` from the whisper.cpp project, copied there by hand: nothing is downloaded at run time), then sets
``SPEECH_MODEL_PATH`` to it. Without either, ``speech_unavailable_reason`` says which is missing and the pages
keep the browser's own recognition and the typed sentence.

The model is loaded once per process, on the first recording, and one recording is transcribed at a time per
process (a whisper.cpp context is not shared between threads).
"""

from __future__ import annotations

import importlib.util
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

SAMPLE_RATE = 16_000  # what whisper models take: mono, 16 kHz
# A whisper.cpp model file starts with ggml's magic number 0x67676d6c, little-endian. Checked before loading: the
# bindings crash the whole process on a file that is not one, instead of raising.
GGML_MAGIC = b"lmgg"
_LOCK = threading.Lock()


class SpeechError(Exception):
    """The engine could not turn the recording into text; the message says why, for the person."""


def speech_unavailable_reason() -> str | None:
    """None when recorded audio can be transcribed here; otherwise what the operator has to do."""
    path = settings.SPEECH_MODEL_PATH
    if not path:
        return "This server has no speech engine (SPEECH_MODEL_PATH is not set)."
    if not Path(path).is_file():
        return f"The speech model file {path} (SPEECH_MODEL_PATH) does not exist."
    with Path(path).open("rb") as model:
        if model.read(4) != GGML_MAGIC:
            return f"The file {path} (SPEECH_MODEL_PATH) is not a whisper.cpp model."
    if importlib.util.find_spec("pywhispercpp") is None:
        return "The speech engine is not installed on this server (pip install pywhispercpp)."
    return None


@lru_cache(maxsize=1)
def _model(path: str, threads: int) -> Any:
    from pywhispercpp.model import Model  # noqa: PLC0415 - optional; imported by the first recording only

    return Model(path, n_threads=threads, print_progress=False, print_realtime=False)


def transcribe(pcm16: bytes, *, language: str = "auto") -> str:
    """The words in mono 16 kHz signed 16-bit little-endian samples."""
    reason = speech_unavailable_reason()
    if reason:
        raise SpeechError(reason)
    import numpy as np  # noqa: PLC0415 - only with the engine

    samples = np.frombuffer(pcm16, dtype="<i2").astype(np.float32) / 32768.0
    with _LOCK:
        try:
            segments = _model(str(settings.SPEECH_MODEL_PATH), settings.SPEECH_THREADS).transcribe(
                samples, language=language)
        except Exception as error:  # the bindings raise plain RuntimeErrors  # noqa: BLE001
            raise SpeechError(f"The speech engine could not read the recording ({error}).") from error
    return " ".join(segment.text.strip() for segment in segments).strip()
