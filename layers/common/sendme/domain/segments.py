"""How many SMS parts a text takes, and in which encoding.

GSM 03.38 7-bit: 160 units in one part, 153 per part of a concatenated message; characters of
the extension table take two units (escape + char). Anything outside GSM-7 forces UCS-2: 70
UTF-16 units in one part, 67 per part. A character is never split across two parts.
"""

from dataclasses import dataclass
from enum import StrEnum

_GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


_GSM7_EXTENSION = frozenset("^{}\\[~]|€\f")


class Encoding(StrEnum):
    GSM7 = "GSM-7"
    UCS2 = "UCS-2"


@dataclass(frozen=True)
class SegmentInfo:
    encoding: Encoding
    segments: int
    units: int
    ucs2_characters: tuple[str, ...]


def _units(char: str, encoding: Encoding) -> int:
    if encoding is Encoding.GSM7:
        return 2 if char in _GSM7_EXTENSION else 1
    return 2 if ord(char) > 0xFFFF else 1


def _pack(text: str, encoding: Encoding, per_part: int) -> int:
    parts, used = 1, 0
    for char in text:
        size = _units(char, encoding)
        if used + size > per_part:
            parts, used = parts + 1, 0
        used += size
    return parts


def count_segments(text: str) -> SegmentInfo:
    forcing = tuple(dict.fromkeys(c for c in text if c not in _GSM7_BASIC and c not in _GSM7_EXTENSION))
    encoding = Encoding.UCS2 if forcing else Encoding.GSM7
    single, multi = (70, 67) if forcing else (160, 153)
    units = sum(_units(c, encoding) for c in text)
    segments = 1 if units <= single else _pack(text, encoding, multi)
    return SegmentInfo(encoding=encoding, segments=segments, units=units, ucs2_characters=forcing)
