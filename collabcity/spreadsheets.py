"""Text that goes into CSV files opened by spreadsheet programs."""

# A cell starting with one of these runs as a formula in Excel or LibreOffice (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value) -> str:
    """The value as text, neutralised with a leading apostrophe if it would start a formula."""
    text = str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
