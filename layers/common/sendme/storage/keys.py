"""Every key format of the two tables, in one place: reviewing or changing the single-table
design is a diff of this file, and `keys.` finds every access pattern.

The accounts table, (pk, sk):
- ORG#<orgId> / PROFILE: the organisation (credits, sender id, accepted terms);
- KEY#<sha256> / KEY: an API key as every API request reads it, by the hash of the key;
- ORG#<orgId> / APIKEY#<keyId>: the same key listed under its organisation;
- ORG#<orgId> / CONTACT#<contactId>: a contact;
- ORG#<orgId> / PHONE#<e164> and EMAIL#<address>: which contact owns that number or address;
- ORG#<orgId> / TAG#<tag>#<contactId>: a tag membership, so a tag's audience is one Query;
- ORG#<orgId> / SUPPRESSED#<address>: an address the organisation must not send to again;
- ORG#<orgId> / SUPPRESSED#<e164>: likewise a phone number that opted out by SMS;
- NUMBER#<e164> / NUMBER: the organisation a two-way number belongs to (one at most);
- ORG#<orgId> / SENDJOB#<jobId>: a send job;
- ORG#<orgId> / WEBHOOK#<endpointId>: a status webhook endpoint (sendme.domain.webhooks);
- ORG#<orgId> / HOOKSENT#<endpointId>#<deliveryId>: one delivery to that endpoint, newest last
  (UUIDv7), expiring 30 days after its last attempt (storage.webhook_deliveries, decision 36);
- ORG#<orgId> / TEMPLATE#<templateId> and CAMPAIGN#<campaignId>: a message template, a campaign;
- SENDJOB#<orgId>#<jobId> / RECIPIENTS#<listId>#<chunk>: the recipients a send job paid for, frozen
  one fan-out chunk per item (in its own partition, so the organisation's stays small);
- DUE#JOBS / <dueAt>#<orgId>#<jobId>: a scheduled send job by the time it is due, so the
  sweeper's minute reads what is due with one Query (sparse: only jobs still waiting);
- ORG#<orgId> / RATE#<bucket>: a rate-limit bucket (sendme.domain.limits);
- ORG#<orgId> / EMAILTALLY: the email bounce and complaint counters (sendme.domain.reputation);
- ORG#<orgId> / LEDGER#<uuid>#<kind>#<causeType>: a credits ledger entry (sendme.domain.ledger),
  keyed by its cause so that one cause moves credits of one kind at most once, and ordered by
  the UUIDv7 the cause's id ends with, so the whole ledger is one Query, oldest cause first;
- COUNTS#<orgId> / totals, day#<date>, campaignId#<id>: the message list's totals (storage.counters).

The messages table is keyed (orgId, id); its filter indexes are partitioned by
"<orgId>#<value>", so one Query reads one organisation's one value. A message's content item
(storage.message_items) is keyed ("<orgId>#content", <digest of the content>): apart from the
organisation's status items, so listing them never reads a content item.
"""

PROFILE = "PROFILE"
CONTACT = "CONTACT#"
API_KEY = "APIKEY#"
SUPPRESSED = "SUPPRESSED#"
LEDGER = "LEDGER#"
WEBHOOK = "WEBHOOK#"
DELIVERY = "HOOKSENT#"
TEMPLATE = "TEMPLATE#"
CAMPAIGN = "CAMPAIGN#"


def org(org_id: str) -> str:
    return f"ORG#{org_id}"


def organization(org_id: str) -> dict[str, str]:
    return {"pk": org(org_id), "sk": PROFILE}


def api_key(key_hash: str) -> dict[str, str]:
    return {"pk": f"KEY#{key_hash}", "sk": "KEY"}


def org_api_key(org_id: str, key_id: str) -> dict[str, str]:
    return {"pk": org(org_id), "sk": f"{API_KEY}{key_id}"}


def contact(contact_id: str) -> str:
    return f"{CONTACT}{contact_id}"


def phone_owner(e164: str) -> str:
    return f"PHONE#{e164}"


def email_owner(address: str) -> str:
    return f"EMAIL#{address}"


def member(tag: str, contact_id: str = "") -> str:
    """A tag membership; with no contact id, the prefix of every member of the tag."""
    return f"TAG#{tag}#{contact_id}"


def suppressed(address: str) -> str:
    return f"{SUPPRESSED}{address}"


def number_owner(e164: str) -> dict[str, str]:
    return {"pk": f"NUMBER#{e164}", "sk": "NUMBER"}


def send_job(org_id: str, job_id: str) -> dict[str, str]:
    return {"pk": org(org_id), "sk": f"SENDJOB#{job_id}"}


def send_job_recipients(org_id: str, job_id: str, list_id: str, chunk: int) -> dict[str, str]:
    return {"pk": f"SENDJOB#{org_id}#{job_id}", "sk": f"RECIPIENTS#{list_id}#{chunk:05d}"}


def webhook(org_id: str, endpoint_id: str) -> dict[str, str]:
    return {"pk": org(org_id), "sk": f"{WEBHOOK}{endpoint_id}"}


DUE_JOBS = "DUE#JOBS"


def due_job(due_at: str, org_id: str, job_id: str) -> dict[str, str]:
    return {"pk": DUE_JOBS, "sk": f"{due_at}#{org_id}#{job_id}"}


def rate_bucket(org_id: str, bucket: str) -> dict[str, str]:
    return {"pk": org(org_id), "sk": f"RATE#{bucket}"}


def email_tally(org_id: str) -> dict[str, str]:
    return {"pk": org(org_id), "sk": "EMAILTALLY"}


def ledger_entry(org_id: str, ordering_id: str, kind: str, cause_type: str) -> dict[str, str]:
    return {"pk": org(org_id), "sk": f"{LEDGER}{ordering_id}#{kind}#{cause_type}"}


def counts(org_id: str, item: str) -> dict[str, str]:
    return {"pk": f"COUNTS#{org_id}", "sk": item}


def partition(org_id: str, value: str) -> str:
    """A filter index's partition key: one organisation's one value of the attribute."""
    return f"{org_id}#{value}"


def message_content(org_id: str, content_id: str) -> dict[str, str]:
    """A message's content item in the messages table (storage.message_items)."""
    return {"orgId": f"{org_id}#content", "id": content_id}


def webhook_deliveries(endpoint_id: str) -> str:
    """The sort-key prefix of one endpoint's delivery records."""
    return f"{DELIVERY}{endpoint_id}#"


def webhook_delivery(org_id: str, endpoint_id: str, delivery_id: str) -> dict[str, str]:
    return {"pk": org(org_id), "sk": webhook_deliveries(endpoint_id) + delivery_id}
