"""Organisations and API keys in the accounts table."""

from typing import TYPE_CHECKING, Any

from boto3.dynamodb.conditions import Attr, Key
from botocore.exceptions import ClientError

from sendme.domain.accounts import ApiKey, Organization
from sendme.domain.errors import NumberTakenError, OrganizationNotFoundError
from sendme.domain.ledger import LedgerEntry
from sendme.storage import keys
from sendme.storage.dynamodb import cancellation_codes, is_condition_failure
from sendme.storage.ledger import CreditLedger, TransactItem

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table


class AccountRepository:
    """Organisations and API keys in the overloaded accounts table.

    Layout: pk "ORG#<orgId>" sk "PROFILE" is the organisation (its credits move only through
    sendme.storage.ledger); pk "KEY#<sha256>" sk "KEY" is a
    key as every API request reads it; pk "ORG#<orgId>" sk "APIKEY#<keyId>" is the same key listed
    under its organisation (show-org, revoke-key). Keys are never stored in clear.
    """

    def __init__(self, table: "Table") -> None:
        self._table = table

    def add_organization(self, organization: Organization, opening: LedgerEntry | None = None) -> None:
        """Store a new organisation; with `opening`, the ledger entry of its opening balance in the
        same transaction."""
        item = {**keys.organization(organization.id), **organization.model_dump(mode="json", by_alias=True)}
        if opening is None:
            self._table.put_item(Item=item, ConditionExpression=Attr("pk").not_exists())
            return
        put: TransactItem = {
            "Put": {"TableName": self._table.name, "Item": item, "ConditionExpression": "attribute_not_exists(pk)"}
        }
        self._table.meta.client.transact_write_items(
            TransactItems=[put, CreditLedger(self._table).put(opening)]  # type: ignore[list-item]
        )

    def get_organization(self, org_id: str, *, consistent: bool = True) -> Organization | None:
        """`consistent=False` (every API request's, decision 38): half the read units; a change made
        in the last moment (a suspension) may not be seen yet."""
        item = self._item(keys.organization(org_id), consistent=consistent)
        return Organization.model_validate(item) if item else None

    def _item(self, key: dict[str, str], *, consistent: bool) -> dict[str, Any] | None:
        item = self._table.get_item(Key=key, ConsistentRead=consistent).get("Item")
        if item is None and not consistent:
            # Written a moment ago and not yet on the replica read, or not there at all: only a
            # consistent read tells, so an item just stored (a key just issued) is found at once.
            item = self._table.get_item(Key=key, ConsistentRead=True).get("Item")
        return item

    def accept_terms(self, org_id: str, version: str) -> None:
        self._update(org_id, "SET acceptedTermsVersion = :version", {":version": version})

    def suspend(self, org_id: str, at: str) -> None:
        self._update(org_id, "SET suspendedAt = :at", {":at": at})

    def resume(self, org_id: str) -> None:
        self._update(org_id, "REMOVE suspendedAt")

    def suspend_email(self, org_id: str, at: str, reason: str) -> bool:
        """Suspend the organisation's email; False if it already was (the first reason stands)."""
        try:
            self._table.update_item(
                Key=keys.organization(org_id),
                UpdateExpression="SET emailSuspendedAt = :at, emailSuspendedReason = :reason",
                # An organisation is stored with every field, so a null one is "not suspended" too.
                ConditionExpression=Attr("pk").exists()
                & (Attr("emailSuspendedAt").not_exists() | Attr("emailSuspendedAt").eq(None)),
                ExpressionAttributeValues={":at": at, ":reason": reason},
            )
        except ClientError as error:
            if is_condition_failure(error):
                return False
            raise
        return True

    def resume_email(self, org_id: str) -> None:
        self._update(org_id, "REMOVE emailSuspendedAt, emailSuspendedReason")

    def set_request_limit(self, org_id: str, per_minute: int, burst: int) -> None:
        values = {":rate": per_minute, ":burst": burst}
        self._update(org_id, "SET requestsPerMinute = :rate, requestBurst = :burst", values)

    def set_allowed_countries(self, org_id: str, countries: list[str]) -> None:
        self._update(org_id, "SET allowedCountries = :countries", {":countries": countries})

    def set_number(self, org_id: str, number: str, help_text: str | None, previous: str | None) -> None:
        """Give the organisation the two-way `number` (releasing its `previous` one), in one
        transaction: a number another organisation holds is refused (NumberTakenError). Without
        `help_text` the organisation keeps the one it has."""
        name = self._table.name
        update, values = "SET twoWayNumber = :number", {":number": number}
        if help_text is not None:
            update, values = update + ", helpText = :help", {**values, ":help": help_text}
        items: list[Any] = [
            {
                "Put": {
                    "TableName": name,
                    "Item": {**keys.number_owner(number), "orgId": org_id},
                    "ConditionExpression": "attribute_not_exists(pk) OR orgId = :org",
                    "ExpressionAttributeValues": {":org": org_id},
                }
            },
            {
                "Update": {
                    "TableName": name,
                    "Key": keys.organization(org_id),
                    "UpdateExpression": update,
                    "ConditionExpression": "attribute_exists(pk)",
                    "ExpressionAttributeValues": values,
                }
            },
        ]
        if previous and previous != number:
            items.append(
                {
                    "Delete": {
                        "TableName": name,
                        "Key": keys.number_owner(previous),
                        "ConditionExpression": "orgId = :org",
                        "ExpressionAttributeValues": {":org": org_id},
                    }
                }
            )
        try:
            self._table.meta.client.transact_write_items(TransactItems=items)
        except ClientError as error:
            codes = cancellation_codes(error)
            if codes and codes[0] == "ConditionalCheckFailed":
                raise NumberTakenError(f"{number} is another organisation's two-way number") from error
            if len(codes) > 1 and codes[1] == "ConditionalCheckFailed":
                raise OrganizationNotFoundError(f"organisation {org_id} does not exist") from error
            raise

    def org_of_number(self, number: str) -> str | None:
        """The organisation whose two-way number this is (E.164), if any."""
        item = self._table.get_item(Key=keys.number_owner(number)).get("Item")
        return str(item["orgId"]) if item else None

    def _update(self, org_id: str, expression: str, values: dict[str, Any] | None = None) -> None:
        """Change the organisation's profile item; it must exist."""
        arguments: dict[str, Any] = {"ExpressionAttributeValues": values} if values else {}
        try:
            self._table.update_item(
                Key=keys.organization(org_id),
                UpdateExpression=expression,
                ConditionExpression=Attr("pk").exists(),
                **arguments,
            )
        except ClientError as error:
            if is_condition_failure(error):
                raise OrganizationNotFoundError(f"organisation {org_id} does not exist") from error
            raise

    def add_api_key(self, key: ApiKey) -> None:
        """The key under its hash (what every API request reads) and under its organisation (to list it)."""
        item = key.model_dump(mode="json", by_alias=True, exclude_none=True)
        # The table's client converts Python values to DynamoDB's typed form, as the table does.
        self._table.meta.client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": self._table.name, "Item": {**keys.api_key(key.key_hash), **item}}},
                {"Put": {"TableName": self._table.name, "Item": {**keys.org_api_key(key.org_id, key.key_id), **item}}},
            ]
        )

    def api_key(self, key_hash: str) -> ApiKey | None:
        """The key every API request presents, read eventually consistent (half the read units of
        the one read every request makes, decision 38): a revocation reaches every request within
        DynamoDB's replication, typically under a second."""
        item = self._item(keys.api_key(key_hash), consistent=False)
        return ApiKey.model_validate(item) if item else None

    def api_keys(self, org_id: str) -> list[ApiKey]:
        response = self._table.query(
            KeyConditionExpression=Key("pk").eq(keys.org(org_id)) & Key("sk").begins_with(keys.API_KEY),
            ConsistentRead=True,
        )
        return [ApiKey.model_validate(item) for item in response["Items"]]

    def revoke_api_key(self, key: ApiKey, at: str) -> None:
        """Mark both copies of the key revoked, in one transaction."""
        update = {
            "TableName": self._table.name,
            "UpdateExpression": "SET revokedAt = if_not_exists(revokedAt, :at)",
            "ConditionExpression": "attribute_exists(pk)",
            "ExpressionAttributeValues": {":at": at},
        }
        self._table.meta.client.transact_write_items(
            TransactItems=[
                {"Update": {**update, "Key": keys.api_key(key.key_hash)}},  # type: ignore[typeddict-item]
                {"Update": {**update, "Key": keys.org_api_key(key.org_id, key.key_id)}},  # type: ignore[typeddict-item]
            ]
        )
