"""Phone number normalisation to E.164 through Google's libphonenumber port."""

from dataclasses import dataclass

import phonenumbers


@dataclass(frozen=True)
class PhoneNumber:
    e164: str
    calling_code: str


def normalize_phone(raw: str, default_region: str | None = None) -> PhoneNumber | None:
    """The number in E.164, or None when it is not a valid number.

    A national number ("3001234567") is read in `default_region`; an international one
    ("+57 300 123 4567") needs none.
    """
    try:
        parsed = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return PhoneNumber(
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        calling_code=str(parsed.country_code),
    )
