"""Phone numbers and email addresses, each normalised one way: E.164 through phonenumbers,
emails through pydantic's validation."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from pydantic import ConfigDict, EmailStr, TypeAdapter, ValidationError, WithJsonSchema

# What a country field accepts, for the API's schema: the ISO 3166-1 alpha-2 countries
# phonenumbers knows, and the calling codes (with or without "+"; the schema lists them without).
ISO_COUNTRIES = sorted(phonenumbers.SUPPORTED_REGIONS)
CALLING_CODES = sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)
# The codes of a country, not of a non-geographic service (800, 870...): those that name a region.
COUNTRY_CALLING_CODES = [
    code
    for code in CALLING_CODES
    if phonenumbers.region_code_for_country_code(code) != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY
]


def one_of(values: Iterable[object]) -> WithJsonSchema:
    """The schema of a text field that takes exactly these values (its validator also takes other
    spellings of them, such as lower case)."""
    return WithJsonSchema({"type": "string", "enum": [str(value) for value in values]})


ISO_COUNTRY = one_of(ISO_COUNTRIES)
# A contact's country: ISO, or the calling code of a country.
COUNTRY = one_of([*ISO_COUNTRIES, *COUNTRY_CALLING_CODES])
# A message's country filter: any calling code (non-geographic ones too), or ISO.
CALLING_CODE = one_of([*CALLING_CODES, *ISO_COUNTRIES])


@dataclass(frozen=True)
class PhoneNumber:
    e164: str
    calling_code: str
    # The ISO country the number belongs to (not merely its calling code's main one: +1 is also CA).
    region: str | None = None
    # A number that can receive an SMS as a person's phone: libphonenumber types it MOBILE, or
    # FIXED_LINE_OR_MOBILE where a country's plans cannot tell the two apart (US, CA).
    mobile: bool = False


_MOBILE_TYPES = frozenset({phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE})


# Cached: a send normalises each number, then screens and prices it by its E.164 form.
@lru_cache(maxsize=16_384)
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
    region = phonenumbers.region_code_for_number(parsed)
    return PhoneNumber(
        e164=phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
        calling_code=str(parsed.country_code),
        region=region if region in phonenumbers.SUPPORTED_REGIONS else None,
        # Satellite and other non-geographic numbers (+870, +881, ...) type as MOBILE but are no country's.
        mobile=region in phonenumbers.SUPPORTED_REGIONS and phonenumbers.number_type(parsed) in _MOBILE_TYPES,
    )


def country_of(address: str) -> str | None:
    """The ISO country of an E.164 number (what its SMS is priced by); None for anything else."""
    phone = normalize_phone(address) if address.startswith("+") else None
    return phone.region if phone else None


# Built at its first address: building it reads the email validator's installed version from the
# package metadata, a cold-start cost for the functions that never read an address.
_EMAIL = TypeAdapter(EmailStr, config=ConfigDict(defer_build=True))


def normalize_email(raw: str) -> str | None:
    """The address with its domain lower-cased, or None when it is not a valid address."""
    try:
        return _EMAIL.validate_python(raw.strip())
    except ValidationError:
        return None


def region_of(calling_code: str | None) -> str | None:
    """The main region of a calling code ("57" -> "CO"), to read a national number again."""
    if not calling_code or not calling_code.isdigit():
        return None
    region = phonenumbers.region_code_for_country_code(int(calling_code))
    return None if region == phonenumbers.UNKNOWN_REGION else region


def region_code(value: str) -> str:
    """An ISO 3166-1 alpha-2 country code phone numbers can be read in ("co" -> "CO")."""
    code = value.strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError("must be an ISO 3166-1 alpha-2 country code, such as CO or US")
    return code
