"""Names people type: one rule for user, unit and bank names.

A name is NFC-normalised, its white space folded to single spaces, and refused when it is
empty after that, has no letter or digit (a variation selector or a combining mark alone),
or holds a character no name needs: control characters (NUL, escapes), format characters
(zero-width spaces and joiners, right-to-left overrides that make a name read backwards,
the BOM), private-use, surrogate and unassigned code points, line or paragraph separators,
and letters that show as nothing (Hangul fillers, the blank braille pattern).
"""

from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l

from .errors import ValidationFailed

#: Unicode general categories never accepted in a name.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
#: Letters by category that show as nothing: Hangul fillers, the blank braille pattern.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_refused_character(text: str) -> bool:
    """Whether `text` holds a control, format or other invisible character."""
    return any(unicodedata.category(char) in REFUSED_CATEGORIES or char in BLANK_LETTERS
               for char in text)


def has_visible_character(text: str) -> bool:
    """Whether `text` has a letter or a digit (not marks, joiners or symbols alone)."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


def clean_name(raw: str | None, *, field: str, max_length: int, empty_message) -> str:
    """The name as stored, or ValidationFailed naming `field`."""
    text = unicodedata.normalize("NFC", raw or "")
    # Tabs and newlines are white space to fold, not characters to refuse.
    text = " ".join(text.split())
    if has_refused_character(text):
        raise ValidationFailed(
            _l("The name contains invisible or control characters; please type it again."),
            field=field)
    if not text:
        raise ValidationFailed(empty_message, field=field)
    if not has_visible_character(text):
        raise ValidationFailed(
            _l("The name contains invisible or control characters; please type it again."),
            field=field)
    if len(text) > max_length:
        raise ValidationFailed(
            _l("The name may have at most %(n)d characters.", n=max_length), field=field)
    return text
