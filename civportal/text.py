"""Control characters in text that comes from outside: one definition for the whole portal.

Forms refuse them, the address (path and query string) refuses them with a 400, and
spreadsheet cells drop them. PostgreSQL cannot store NUL in text (a NUL that reaches a
query is a 500), XLSX cannot hold most C0 characters (openpyxl refuses the whole file on
an ESC), and none of them is visible, so a person cannot see what is wrong.

Tab, line feed and carriage return are the only ones with a meaning, and only in text
that may span lines (a story, a summary, a spreadsheet cell).
"""

import re

# C0 controls, DEL and the C1 controls; the multi-line set leaves out \t, \n and \r.
_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f]")
_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _pattern(multiline: bool) -> re.Pattern:
    return _MULTI_LINE if multiline else _SINGLE_LINE


def has_control_characters(text: str, *, multiline: bool = False) -> bool:
    """True when ``text`` holds a character a person could not have meant to type there."""
    return _pattern(multiline).search(text) is not None


def without_control_characters(text: str, *, multiline: bool = True) -> str:
    """``text`` with those characters removed (tabs and line breaks kept when multi-line)."""
    return _pattern(multiline).sub("", text)
