"""moto answers CheckIfPhoneNumberIsOptedOut true for every number ending in 99, whatever its own
opted-out list holds; AWS answers from the account's list. The delivery worker asks before each SMS
(a number on the list is failed OPTED_OUT), so moto's rule would fail one local send in a hundred:
here the answer comes from the same list ListPhoneNumbersOptedOut and OptInPhoneNumber use."""

from typing import Any

from moto.sns.models import SNSBackend


def _from_the_list(self: Any, number: str) -> bool:
    return number in self.opt_out_numbers


def install() -> None:
    SNSBackend.check_if_phone_number_is_opted_out = _from_the_list  # type: ignore[method-assign]
