"""Avatar validation: only real images, re-encoded so no metadata or trailing payload survives."""

from __future__ import annotations

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}


def avatar_process(upload) -> ContentFile:
    """Return a freshly encoded image file for ``upload`` or raise ValidationError saying why not."""
    max_bytes = settings.AVATAR_MAX_BYTES
    max_pixels = settings.AVATAR_MAX_PIXELS
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            f"The image is {upload.size / 1024 / 1024:.1f} MB; the limit is {max_bytes // 1024 // 1024} MB.",
            code="too_large",
        )
    data = upload.read()
    if len(data) > max_bytes:
        raise ValidationError(f"The image is larger than {max_bytes // 1024 // 1024} MB.", code="too_large")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("This file is not an image we can read (JPEG, PNG, GIF or WebP).", code="not_image") from None
    if image_format not in ACCEPTED_FORMATS:
        raise ValidationError(f"{image_format} images are not accepted; use JPEG, PNG, GIF or WebP.", code="format")
    if width > max_pixels or height > max_pixels:
        raise ValidationError(
            f"The image is {width}x{height} pixels; the limit is {max_pixels} pixels on each side.",
            code="too_many_pixels",
        )
    try:
        # verify() leaves the image unusable; decode it fully from a fresh handle.
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            image = image.convert("RGBA" if has_alpha else "RGB")
            image.thumbnail((settings.AVATAR_STORED_SIZE, settings.AVATAR_STORED_SIZE))
            out = io.BytesIO()
            if has_alpha:
                image.save(out, format="PNG", optimize=True)
                extension = "png"
            else:
                image.save(out, format="JPEG", quality=88, optimize=True)
                extension = "jpg"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ValidationError("The image is damaged or truncated and cannot be read.", code="truncated") from None
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{extension}")
