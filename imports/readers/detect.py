"""What kind of file an upload is, and how its text is encoded."""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from imports.table import ImportRefused

SUPPORTED = "CSV, Excel (.xlsx, .xls) and OFX/QFX"

_OFX_MARK = re.compile(rb"OFXHEADER\s*[:=]|<\?OFX\b|<OFX>", re.IGNORECASE)
_HTML_MARK = re.compile(rb"<(?:!doctype\s+html|html|table|body|head)\b", re.IGNORECASE)


def file_format(data: bytes, filename: str = "") -> str:
    """'csv', 'xlsx', 'xls' or 'ofx', by content (banks name .xls files that are CSV or HTML); or refuse."""
    head = data[:4096]
    blank = b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"
    if not head.strip(blank) and not data.strip(blank):  # the whole file only when its head is blank
        raise ImportRefused("The file is empty.")
    if head.startswith(b"%PDF"):
        raise ImportRefused(f"This is a PDF statement. Download the transactions from your bank as {SUPPORTED} "
                            "instead; a PDF cannot be imported.")
    if head.startswith(b"PK\x03\x04"):
        if b"xl/" in data[:200_000] or filename.lower().endswith((".xlsx", ".xlsm")):
            return "xlsx"
        raise ImportRefused("This is a ZIP archive or an office document other than Excel: unpack it, or save "
                            f"the sheet as .xlsx or CSV ({SUPPORTED} can be imported).")
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "xls"
    text_head = _ascii_view(head)
    if _OFX_MARK.search(text_head):
        return "ofx"
    if _HTML_MARK.search(text_head):
        raise ImportRefused(f"This file is a web page (HTML), not a bank export. Export {SUPPORTED} from your "
                            "bank instead.")
    if _looks_binary(head):
        raise ImportRefused(f"This is not a text or spreadsheet file that Finsight can read ({SUPPORTED}).")
    return "csv"


def _ascii_view(head: bytes) -> bytes:
    # UTF-16 text has a NUL beside every ASCII byte; drop them to look for markers.
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or head[:200].count(b"\x00") > 20:
        return head.replace(b"\x00", b"")
    return head


def _looks_binary(head: bytes) -> bool:
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or _utf16_without_bom(head):
        return False
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 13, 12))
    return controls > len(head) * 0.05


def _utf16_without_bom(head: bytes) -> str | None:
    sample = head[:2000]
    if len(sample) < 8:
        return None
    even_nul = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd_nul = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


# Letters of the languages whose banks use the two common Windows code pages; a decoding whose accented
# letters all belong to one language is the right one ("Prélèvement" rather than "Prélčvement").
_ALPHABETS = {
    "fr": "àâæçéèêëîïôœùûüÿ", "de": "äöüßé", "nl": "éèëïöüáó", "es": "áéíóúñü", "it": "àèéìíîòóù",
    "pt": "áâãàçéêíóôõú", "da": "æøåé", "sv": "åäöé", "fi": "åäö", "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž", "pl": "ąćęłńóśźż", "hu": "áéíóöőúüű", "hr": "čćđšž", "ro": "ăâîșțşţ",
    "is": "áðéíóúýþæö",
}
_ALPHABET_SETS = {lang: set(letters) for lang, letters in _ALPHABETS.items()}


def _language_fit(text: str) -> float:
    letters = [ch for ch in text.lower() if ord(ch) > 127 and unicodedata.category(ch).startswith("L")]
    if not letters:
        return 1.0
    return max(sum(ch in alphabet for ch in letters) for alphabet in _ALPHABET_SETS.values()) / len(letters)


def decode_text(data: bytes) -> tuple[str, str]:
    """(text, encoding): a BOM, else strict UTF-8, else the Windows code page whose letters make sense."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                          (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise ImportRefused(f"The file says it is {encoding.upper()} but is not.") from None
    if guess := _utf16_without_bom(data[:2000]):
        try:
            return data.decode(guess), guess
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    candidates = []
    for encoding in ("cp1252", "cp1250"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        candidates.append((_language_fit(text), encoding == "cp1252", encoding, text))
    if candidates:
        fit, _, encoding, text = max(candidates)
        if fit >= 0.9:
            return text, encoding
    best = from_bytes(data[:200_000]).best()
    if best is not None and best.encoding:
        try:
            return data.decode(best.encoding), best.encoding
        except (UnicodeDecodeError, LookupError):
            pass
    if candidates:
        _, _, encoding, text = max(candidates)
        return text, encoding
    return data.decode("latin-1"), "latin-1"
