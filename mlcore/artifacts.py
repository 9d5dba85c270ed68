"""Versioned model artifacts on disk, shared by every mlcore model.

``<root>/<version>/{model.joblib, metadata.json}`` plus ``<root>/current`` naming the version. A version is
written under a temporary name and renamed into place, and ``current`` is replaced atomically after that, so
a reader sees either the old complete model or the new one. Reading checks the format and library versions
and the model file's checksum before unpickling anything.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import joblib
import numpy as np

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
CURRENT_FILE = "current"

T = TypeVar("T")


class ArtifactError(Exception):
    """The saved model cannot be used; the caller retrains."""


class ArtifactMissing(ArtifactError):
    pass


class ArtifactIncompatible(ArtifactError):
    pass


class ArtifactCorrupt(ArtifactError):
    pass


@dataclass(frozen=True)
class ArtifactKind:
    """How one model names itself in messages, and what a reader must find in its metadata."""

    name: str  # "Categorizer", "Budget model": starts the messages
    lowercase: str  # "categorizer", "budget model": inside a sentence
    model_name: str  # how the model file is called in messages, e.g. "Categorizer model"
    format_version: int
    retrain: str  # the sentence telling how to retrain
    libraries: Mapping[str, tuple[str, str]]  # metadata key -> (library as shown, version running now)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    with open(path, "rb") as handle:
        os.fsync(handle.fileno())


def write_text_atomic(path: Path, text: str) -> None:
    """Temporary file in the same directory, fsync, rename: readers see the old or the new file, whole."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def artifact_write(directory: Path | str, kind: ArtifactKind, *, payload: Any, metadata: Mapping[str, Any],
                   compress: Any = 0) -> tuple[Path, dict[str, Any]]:
    """Write a new version under ``directory`` and point ``current`` at it; returns its path and metadata.

    ``metadata`` is what the model knows (sizes, hashes, metrics); versions, checksum and dates are added.
    """
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    created = datetime.now(UTC)
    version = f"v{kind.format_version}-{created:%Y%m%dT%H%M%S%fZ}"
    suffix = 1
    while (root / version).exists():  # two saves within one clock tick
        suffix += 1
        version = f"v{kind.format_version}-{created:%Y%m%dT%H%M%S%fZ}-{suffix}"
    staging = root / f".tmp-{version}-{os.getpid()}"
    final = root / version
    try:
        staging.mkdir()
        model_path = staging / MODEL_FILE
        joblib.dump(payload, model_path, compress=compress)
        fsync_file(model_path)
        written = {
            **metadata,
            "version": version,
            "format_version": kind.format_version,
            "created_at": created.isoformat(),
            **{key: running for key, (_, running) in kind.libraries.items()},
            "numpy_version": np.__version__,
            "python_version": platform.python_version(),
            "model_sha256": file_sha256(model_path),
            "model_bytes": model_path.stat().st_size,
        }
        write_text_atomic(staging / METADATA_FILE, json.dumps(written, indent=2, sort_keys=True))
        os.rename(staging, final)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    write_text_atomic(root / CURRENT_FILE, version + "\n")
    return final, written


def version_dir(directory: Path, kind: ArtifactKind) -> Path:
    """The version ``current`` names under ``directory`` (or ``directory`` itself if it is a version)."""
    if (directory / METADATA_FILE).exists():
        return directory
    pointer = directory / CURRENT_FILE
    if not pointer.exists():
        raise ArtifactMissing(f"No {kind.lowercase} artifact under {directory} (no '{CURRENT_FILE}' file).")
    version = pointer.read_text(encoding="utf-8").strip()
    if not version or "/" in version or version.startswith("."):
        raise ArtifactCorrupt(f"{pointer} names no valid version ({version!r}).")
    return directory / version


def artifact_read(directory: Path | str, kind: ArtifactKind, *, build: Callable[[Any], T],
                  check: Callable[[dict[str, Any], Path], None] | None = None) -> tuple[T, dict[str, Any]]:
    """(model, metadata) of the current version, the model made by ``build(payload)``. Raises ArtifactMissing,
    ArtifactIncompatible (another format or library version, or what ``check`` refuses) or ArtifactCorrupt."""
    folder = version_dir(Path(directory), kind)
    metadata_path, model_path = folder / METADATA_FILE, folder / MODEL_FILE
    if not metadata_path.exists() or not model_path.exists():
        raise ArtifactMissing(f"{kind.name} artifact {folder} lacks {METADATA_FILE} or {MODEL_FILE}.")
    try:
        metadata = json.loads(metadata_path.read_text(encoding="utf-8"))
        if not isinstance(metadata, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as error:
        raise ArtifactCorrupt(f"{kind.name} metadata {metadata_path} is unreadable: {error}.") from error
    found_format = metadata.get("format_version")
    if found_format != kind.format_version:
        raise ArtifactIncompatible(
            f"{kind.name} artifact {folder.name} has format version {found_format}; "
            f"this code reads format version {kind.format_version}. {kind.retrain}")
    for key, (library, running) in kind.libraries.items():
        found = metadata.get(key)
        if found != running:
            raise ArtifactIncompatible(
                f"{kind.name} artifact {folder.name} was saved with {library} {found}; "
                f"this process runs {library} {running}. {kind.retrain}")
    if check is not None:
        check(metadata, folder)
    # Check the bytes before unpickling: a truncated or altered file is refused without running it.
    if metadata.get("model_sha256") != file_sha256(model_path):
        raise ArtifactCorrupt(f"{kind.model_name} {model_path} does not match the checksum in its metadata.")
    try:
        model = build(joblib.load(model_path))
    except Exception as error:  # noqa: BLE001 - any unpickling failure means the file is unusable
        raise ArtifactCorrupt(f"{kind.model_name} {model_path} cannot be loaded: {error!r}.") from error
    return model, metadata
