"""A recorded sentence transcribed on this server: the recording checked before anything reads it, a clear
answer where the operator installed no speech engine, and (only where one is installed, with espeak-ng to say
the sentence) the whole way from a recording to a draft."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import wave
from importlib.util import find_spec

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entries.audio import wav_samples
from mlcore import services as mlcore
from transactions.models import Transaction

URL = "/api/v1/transactions/parse/"
SAY = reverse("entries:say")


def recording(*, seconds: float = 1.0, rate: int = 16_000, channels: int = 1, width: int = 2) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(width)
        out.setframerate(rate)
        out.writeframes(b"\x10\x00" * int(seconds * rate) * channels * (width // 2 or 1))
    return buffer.getvalue()


def read(data: bytes) -> bytes:
    return wav_samples(io.BytesIO(data), size=len(data))


def test_a_mono_16_khz_recording_is_read_as_its_samples():
    assert len(read(recording(seconds=1.5))) == 1.5 * 16_000 * 2


@pytest.mark.parametrize(("data", "message"), [
    (recording(rate=44_100), "2 channel|44100 Hz"),
    (recording(channels=2), "2 channel"),
    (b"ID3\x04 an mp3 file" + bytes(4000), "not a WAV file"),
    (recording(seconds=0.1), "too short"),
    (recording(seconds=31), "longer than 30 seconds"),
])
def test_a_recording_the_engine_cannot_take_is_refused_with_what_was_wrong(data, message):
    with pytest.raises(ValidationError, match=message):
        read(data)


def test_the_size_is_checked_before_the_file_is_read():
    class Endless(io.RawIOBase):
        def read(self, size: int = -1) -> bytes:
            raise AssertionError("read although too large")

    with pytest.raises(ValidationError, match="longer than 30 seconds"):
        wav_samples(Endless(), size=50_000_000)


@pytest.fixture
def no_engine(settings):
    settings.SPEECH_MODEL_PATH = ""


def test_without_a_speech_engine_the_page_keeps_the_browsers_recognition(signed_in, no_engine):
    page = signed_in.get(SAY).content.decode()
    assert "data-mic-server" not in page and 'name="audio"' not in page
    assert "Google" in page


@pytest.mark.parametrize(("content", "reason"), [
    (b"<html>Not found</html>", "is not a whisper.cpp model"),  # a download that went wrong: would crash the engine
    (None, "does not exist"),
])
def test_a_model_file_that_is_missing_or_no_model_changes_nothing_on_the_page(signed_in, settings, tmp_path, content,
                                                                             reason):
    model = tmp_path / "ggml-base.bin"
    if content is not None:
        model.write_bytes(content)
    settings.SPEECH_MODEL_PATH = str(model)
    assert reason in mlcore.speech_unavailable_reason()
    assert "data-mic-server" not in signed_in.get(SAY).content.decode()


def test_a_model_file_without_the_engine_installed_is_said_plainly(settings, tmp_path):
    if find_spec("pywhispercpp") is not None:
        pytest.skip("the engine is installed here")
    (tmp_path / "ggml-base.bin").write_bytes(b"lmgg" + bytes(64))
    settings.SPEECH_MODEL_PATH = str(tmp_path / "ggml-base.bin")
    assert "pip install pywhispercpp" in mlcore.speech_unavailable_reason()


def test_a_recording_sent_to_a_server_without_an_engine_is_a_clear_400_and_nothing_is_saved(owner_api, account,
                                                                                          no_engine):
    response = owner_api.post(URL, {"audio": SimpleUploadedFile("s.wav", recording(), "audio/wav")},
                              format="multipart")
    assert response.status_code == 400
    error = response.json()
    assert "no speech engine" in error["fields"]["audio"][0] and "Type the sentence instead" in error["message"]
    assert not Transaction.objects.exists()


def test_the_page_says_the_same_when_a_recording_arrives_anyway(signed_in, account, no_engine):
    response = signed_in.post(SAY, {"text": "", "audio": SimpleUploadedFile("s.wav", recording(), "audio/wav")})
    assert response.status_code == 400
    assert "no speech engine" in response.content.decode()


def test_an_empty_sentence_box_still_asks_for_a_sentence(signed_in, account):
    response = signed_in.post(SAY, {"text": ""})
    assert response.status_code == 400
    assert "Say or type what you spent or received" in response.content.decode()


# --- with the engine: only where the operator installed one -------------------------------------------------

MODEL = os.environ.get("FINSIGHT_TEST_SPEECH_MODEL", "")


@pytest.mark.skipif(not (MODEL and find_spec("pywhispercpp") and shutil.which("espeak-ng")),
                    reason="needs pywhispercpp, a whisper.cpp model file in FINSIGHT_TEST_SPEECH_MODEL and espeak-ng")
def test_a_spoken_sentence_becomes_a_draft_on_this_server(owner_api, account, settings, tmp_path, global_model):
    settings.SPEECH_MODEL_PATH = MODEL
    spoken = tmp_path / "spoken.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "140", "-w", str(spoken),
                    "Spent twelve euros on lunch at Chipotle yesterday"], check=True)
    with wave.open(str(spoken)) as said:  # espeak-ng speaks at 22,050 Hz: down to 16 kHz as the page sends
        import numpy as np  # noqa: PLC0415

        samples = np.frombuffer(said.readframes(said.getnframes()), dtype="<i2")
        rate = said.getframerate()
    resampled = np.interp(np.arange(0, len(samples), rate / 16_000), np.arange(len(samples)), samples)
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16_000)
        out.writeframes(resampled.astype("<i2").tobytes())
    response = owner_api.post(URL, {"audio": SimpleUploadedFile("s.wav", buffer.getvalue(), "audio/wav"),
                                    "today": "2026-12-02"}, format="multipart")
    assert response.status_code == 200, response.json()
    draft = response.json()
    assert "chipotle" in draft["text"].lower()
    assert (draft["amount"], draft["date"]) == ("-12.00", "2026-12-01")
