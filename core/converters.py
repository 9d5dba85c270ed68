"""URL converters shared by the apps."""


class IdConverter:
    """A database id: digits that fit a 64-bit integer (18 digits), so oversized ids are a 404, not a 500."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


# For DRF viewsets: ``lookup_value_regex = ID_REGEX``.
ID_REGEX = IdConverter.regex
