"""What a file may hold before Finsight reads it: checked first, from what the file says of itself, so that a
hostile or broken file is refused in well under a second and no reader ever holds more than these limits.

- An .xlsx is a ZIP archive: its directory says how big each part unpacks to. A part that unpacks to more than
  the limit, or a hundred times its packed size, or a shared-strings part (every text cell of the workbook,
  which a reader must hold at once) above its own limit, is refused before anything is unpacked. Python's ZIP
  reader never unpacks more than a part's stated size, so a directory that lies cannot get past this.
- Every format stops at ``IMPORT_MAX_ROWS`` rows, and at ``MAX_COLUMNS`` cells a row.
- OFX may not declare entities or a document type (nothing a bank sends needs them).
"""

from __future__ import annotations

import io
import re
import zipfile

from django.conf import settings

from imports.table import ImportRefused

MAX_COLUMNS = 200
MAX_RATIO = 100  # unpacked size over packed size, for a part bigger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
_OFX_DECLARATION = re.compile(rb"<!\s*(ENTITY|DOCTYPE)", re.IGNORECASE)


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 200_000))


def max_unpacked_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UNPACKED_BYTES", 200 * 1024 * 1024))


def max_shared_strings_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_SHARED_STRINGS_BYTES", 32 * 1024 * 1024))


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB" if size >= 1024 * 1024 else f"{size / 1024:,.0f} KB"


def check_xlsx(data: bytes) -> None:
    """Refuse a workbook whose parts unpack to too much, before any part is unpacked."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ImportRefused("The Excel file could not be opened (its ZIP structure is damaged).") from None
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise ImportRefused(f"The Excel file is refused: its part {part.filename!r} unpacks to "
                                f"{_mb(part.file_size)} from {_mb(part.compress_size)}, which no bank export does.")
        if part.filename.lower().endswith("sharedstrings.xml") and part.file_size > max_shared_strings_bytes():
            raise ImportRefused(f"The Excel file is refused: its text cells take {_mb(part.file_size)}, more than "
                                f"the {_mb(max_shared_strings_bytes())} Finsight reads. Save the sheet as CSV, or "
                                f"export a shorter period.")
    if total > max_unpacked_bytes():
        raise ImportRefused(f"The Excel file is refused: it unpacks to {_mb(total)}, more than the "
                            f"{_mb(max_unpacked_bytes())} Finsight reads. Export a shorter period.")


def check_ofx(data: bytes) -> None:
    if _OFX_DECLARATION.search(data[:1_000_000]):
        raise ImportRefused("The OFX file declares entities or a document type, which bank statements never do; "
                            "it was not read.")


def check_row_count(count: int, row: int | None = None) -> None:
    """Refuse once a file has more rows than a reader may hold; ``row`` is where the reader got to."""
    if count > max_rows():
        where = f" (row {row:,})" if row else ""
        raise ImportRefused(f"The file has more than {max_rows():,} rows{where}. Export a shorter period, or "
                            f"split the file, and import each part.")
