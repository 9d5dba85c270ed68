"""A recorded sentence as the server's speech engine takes it: a WAV file of mono 16 kHz 16-bit samples.

The page's microphone records and encodes exactly that (entries/static/entries/voice.js); an API client sends
the same. Anything else is refused with what was wrong, before a byte reaches the engine, and the size is
checked before the file is read, so a large upload costs no memory.
"""

from __future__ import annotations

import io
import wave
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError

SAMPLE_RATE = 16_000
SAMPLE_WIDTH = 2  # bytes: signed 16-bit
HEADER_ALLOWANCE = 1024  # a WAV header with a few optional chunks


def max_bytes() -> int:
    return settings.SPEECH_MAX_SECONDS * SAMPLE_RATE * SAMPLE_WIDTH + HEADER_ALLOWANCE


def wav_samples(upload: IO[bytes], *, size: int) -> bytes:
    """The recording's raw samples (mono, 16 kHz, signed 16-bit little-endian). Raises ValidationError."""
    longest = settings.SPEECH_MAX_SECONDS
    if size > max_bytes():
        raise ValidationError(f"The recording is longer than {longest} seconds; say one transaction at a time.")
    data = upload.read(max_bytes() + 1)
    try:
        with wave.open(io.BytesIO(data), "rb") as recording:
            channels, width, rate = recording.getnchannels(), recording.getsampwidth(), recording.getframerate()
            frames = recording.getnframes()
            if (channels, width, rate) != (1, SAMPLE_WIDTH, SAMPLE_RATE):
                raise ValidationError(
                    f"The recording is {channels} channel(s), {width * 8}-bit, {rate} Hz; send mono 16-bit "
                    f"16,000 Hz WAV.")
            if frames > longest * SAMPLE_RATE:
                raise ValidationError(f"The recording is longer than {longest} seconds; say one transaction at a time.")
            samples = recording.readframes(frames)
    except (wave.Error, EOFError):
        raise ValidationError("The recording is not a WAV file of uncompressed samples.") from None
    if len(samples) < SAMPLE_RATE * SAMPLE_WIDTH // 4:
        raise ValidationError("The recording is too short to hold a sentence.")
    return samples
