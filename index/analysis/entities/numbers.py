"""NUMBER spans: money, percentages, counts and number words."""

from __future__ import annotations

import functools
import re

from index.models import EntitySpan

_SCALE = r"(?:bn|m|k|tn|million|billion|trillion|thousand|hundred)"
_WORDS = (
    r"two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety|hundred|thousand|dozens|hundreds|thousands|millions|billions"
)
_NUMBER = (
    rf"(?<![\w.,])(?:"
    rf"(?:[£$€¥]|US\$|A\$|C\$)\s?\d+(?:[.,]\d+)*(?:\s?{_SCALE}\b)?"
    rf"|\d+(?:,\d{{3}})*(?:\.\d+)?(?:\s?(?:%|per\s?cent\b|percent\b)|\s?{_SCALE}\b"
    rf"(?:\s(?:dollars|pounds|euros|yen|people))?)?"
    rf"|\b(?:[Tt]wo|[Tt]hree|[Ff]our|[Ff]ive|[Ss]ix|[Ss]even|[Ee]ight|[Nn]ine|[Tt]en|{_WORDS})"
    rf"(?:[\s-](?:{_WORDS}|million|billion))*\b(?:\s(?:per\s?cent\b|percent\b))?"
    rf")(?![\w])"
)


@functools.cache
def _pattern() -> re.Pattern[str]:
    return re.compile(_NUMBER)


def find_numbers(text: str) -> list[EntitySpan]:
    """Counts, money and percentages ("£5m", "$1.2bn", "25%", "three children")."""
    return [
        EntitySpan(m.start(), m.end(), "NUMBER", m.group(), m.group())
        for m in _pattern().finditer(text)
    ]
