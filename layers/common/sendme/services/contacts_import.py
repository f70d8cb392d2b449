"""Bulk contact import: CSV or JSON lines in, created / updated / unchanged / rejected out.

A row is matched to an existing contact by its (normalised) phone or email: a match is
updated (non-empty cells overwrite, tags are added, nothing is removed), anything else is
created. Rows are validated and written a chunk at a time, each chunk's contacts packed into
100-item DynamoDB transactions written in parallel, so uniqueness holds as it does for one
contact and memory stays flat however long the file.
"""

import base64
import binascii
import csv
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from sendme.contracts.contacts import ImportOptions, ImportRejection, ImportReport
from sendme.domain.accounts import Principal, require_terms
from sendme.domain.clock import now_iso
from sendme.domain.contacts import Contact, ContactInput, as_input, normalized
from sendme.domain.errors import ImportFileInvalidError, SendMeError
from sendme.domain.ids import new_id
from sendme.storage.contacts import ContactRepository, ContactWrite, unique_keys

# What one POST /api/contacts/import may carry; the CLI streams files of any length.
MAX_API_ROWS = 100_000


# Rejections listed in the report (every one is counted).
MAX_LISTED_REJECTIONS = 1000


CHUNK_ROWS = 1000


# An import request stops taking new chunks this long before its Lambda's timeout.
SAFETY_MILLIS = 5_000


TAG_SEPARATOR = ";"


_COLUMNS = {
    "name": "name",
    "phone": "phone",
    "email": "email",
    "countrycode": "countryCode",
    "country": "countryCode",
    "tags": "tags",
    "status": "status",
}


@dataclass(frozen=True)
class Row:
    """One record of the file: its fields, or why it could not even be read."""

    line: int
    fields: dict[str, Any] | None = None
    error: str | None = None


def csv_rows(lines: Iterable[str]) -> Iterator[Row]:
    """Rows of a CSV with a header; known columns by name, any other column a custom field."""
    reader = csv.reader(iter(lines))
    try:
        header = next(reader, None)
        columns = _columns(header)
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                yield Row(reader.line_num, error=f"{len(record)} cells for {len(columns)} columns")
                continue
            yield Row(reader.line_num, fields=_fields(columns, record))
    except csv.Error as error:
        raise ImportFileInvalidError(f"line {reader.line_num} is not valid CSV: {error}", field="body") from error


def _columns(header: list[str] | None) -> list[tuple[str, bool]]:
    """(name, is a known column) per header cell."""
    if not header:
        raise ImportFileInvalidError("the file is empty: the first line must name the columns", field="body")
    columns = []
    for cell in header:
        key = cell.strip().lower().replace("_", "").replace("-", "").replace(" ", "")
        columns.append((_COLUMNS[key], True) if key in _COLUMNS else (cell.strip(), False))
    names = [name for name, _ in columns]
    if "name" not in names or not {"phone", "email"} & set(names):
        raise ImportFileInvalidError(
            "the header must have a 'name' column and a 'phone' or 'email' column", field="body"
        )
    if len(set(names)) != len(names) or "" in names:
        raise ImportFileInvalidError("the header has an empty or repeated column name", field="body")
    return columns


def _fields(columns: list[tuple[str, bool]], record: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    custom: dict[str, str] = {}
    for (name, known), cell in zip(columns, record, strict=False):
        if not (value := cell.strip()):
            continue  # an empty cell changes nothing
        if not known:
            custom[name] = value
        elif name == "tags":
            fields["tags"] = [tag.strip() for tag in value.split(TAG_SEPARATOR) if tag.strip()]
        else:
            fields[name] = value
    if custom:
        fields["customFields"] = custom
    return fields


def jsonl_rows(lines: Iterable[str]) -> Iterator[Row]:
    """Rows of JSON lines: one object per line, shaped as POST /api/contacts' body."""
    for line_number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
        except json.JSONDecodeError:
            yield Row(line_number, error="not valid JSON")
            continue
        if isinstance(fields, dict):
            yield Row(line_number, fields=fields)
        else:
            yield Row(line_number, error="not a JSON object")


def decoded(body: str | None, base64_encoded: bool) -> str:
    """The request body as text: UTF-8 (with or without a byte-order mark, as Excel writes it)."""
    try:
        text = base64.b64decode(body or "").decode("utf-8") if base64_encoded else body or ""
    except (binascii.Error, UnicodeDecodeError) as error:
        raise ImportFileInvalidError("the file must be UTF-8 text (CSV or JSON lines)", field="body") from error
    return text.removeprefix("\ufeff")


def parse(text: str, content_type: str | None) -> Iterator[Row]:
    """CSV or JSON lines, by content type; without one, a body starting with "{" is JSON lines."""
    kind = (content_type or "").split(";")[0].strip().lower()
    is_jsonl = "json" in kind if kind and kind != "text/plain" else text.lstrip().startswith("{")
    lines = text.splitlines(keepends=True)
    return jsonl_rows(lines) if is_jsonl else csv_rows(lines)


def _reason(error: ValidationError | SendMeError) -> str:
    if isinstance(error, SendMeError):
        return error.message
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"])
    return f"{field}: {first['msg']}" if field else str(first["msg"])


@dataclass
class _Candidate:
    row: Row
    contact: Contact
    before: Contact | None = None


class ContactImporter:
    def __init__(self, contacts: ContactRepository, *, chunk_rows: int = CHUNK_ROWS) -> None:
        self._contacts = contacts
        self._chunk_rows = chunk_rows

    def import_body(
        self,
        principal: Principal,
        body: str | None,
        options: ImportOptions,
        *,
        base64_encoded: bool,
        content_type: str | None,
        remaining_millis: Callable[[], int],
    ) -> ImportReport:
        """POST /api/contacts/import: the whole body, at most MAX_API_ROWS rows."""
        require_terms(principal)
        rows = list(parse(decoded(body, base64_encoded), content_type))
        if len(rows) > MAX_API_ROWS:
            raise ImportFileInvalidError(
                f"{len(rows)} rows: an import request takes at most {MAX_API_ROWS} (use the admin CLI for more)",
                field="body",
            )
        return self.run(
            principal.org_id, rows, country=options.country, should_stop=lambda: remaining_millis() < SAFETY_MILLIS
        )

    def run(
        self,
        org_id: str,
        rows: Iterable[Row],
        *,
        country: str | None = None,
        progress: Callable[[int], object] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> ImportReport:
        report, seen = ImportReport(), _Seen()
        chunk: list[Row] = []
        for row in _with_country(rows, country):
            chunk.append(row)
            if len(chunk) == self._chunk_rows:
                if not self._chunk(org_id, chunk, report, seen, should_stop, progress):
                    return report
                chunk = []
        if chunk:
            self._chunk(org_id, chunk, report, seen, should_stop, progress)
        return report

    def _chunk(
        self,
        org_id: str,
        rows: list[Row],
        report: ImportReport,
        seen: "_Seen",
        should_stop: Callable[[], bool] | None,
        progress: Callable[[int], object] | None,
    ) -> bool:
        """Import one chunk; False (and where to resume) when time ran out before it started."""
        if should_stop and should_stop():
            report.resume_from_line = rows[0].line
            return False
        candidates = [c for row in rows if (c := self._candidate(row, report, seen))]
        self._match(org_id, candidates, report)
        writes: dict[str, tuple[_Candidate, ContactWrite]] = {}
        for candidate in candidates:
            if candidate.before is None:
                write = self._contacts.creation(org_id, candidate.contact)
            elif _same(candidate.before, candidate.contact):
                report.unchanged += 1
                continue
            else:
                write = self._contacts.change(org_id, candidate.before, candidate.contact)
            writes[candidate.contact.id] = (candidate, write)
        failures = self._contacts.apply_all([write for _, write in writes.values()])
        for contact_id, (candidate, _) in writes.items():
            if failure := failures.get(contact_id):
                _reject(report, candidate.row.line, failure.message)
            elif candidate.before is None:
                report.created += 1
            else:
                report.updated += 1
        if progress:
            progress(len(rows))
        return True

    def _candidate(self, row: Row, report: ImportReport, seen: "_Seen") -> _Candidate | None:
        if row.fields is None:
            _reject(report, row.line, row.error or "unreadable row")
            return None
        try:
            contact = normalized(ContactInput.model_validate(row.fields), contact_id=new_id(), created_at=now_iso())
        except (ValidationError, SendMeError) as error:
            _reject(report, row.line, _reason(error))
            return None
        if duplicate := seen.first_line(contact, row.line):
            _reject(report, row.line, f"same phone or email as line {duplicate}")
            return None
        return _Candidate(row, contact)

    def _match(self, org_id: str, candidates: list[_Candidate], report: ImportReport) -> None:
        """Point each candidate that has an existing contact's phone or email at that contact."""
        owners = self._contacts.owners(org_id, [key for c in candidates for key in unique_keys(c.contact)])
        owner_of = {id(c): {owners[key] for key in unique_keys(c.contact) if key in owners} for c in candidates}
        existing_ids = {contact_id for ids in owner_of.values() for contact_id in ids}
        existing = {contact.id: contact for contact in self._contacts.get_many(org_id, existing_ids)}
        claimed: dict[str, int] = {}
        for candidate in list(candidates):
            ids = owner_of[id(candidate)]
            if not ids:
                continue
            problem = "its phone and its email belong to two different contacts" if len(ids) > 1 else None
            (contact_id, *_) = ids
            if not problem and contact_id in claimed:
                problem = f"updates the same contact as line {claimed[contact_id]}"
            if not problem and contact_id not in existing:
                problem = "its contact changed meanwhile; import the row again"
            if problem:
                _reject(report, candidate.row.line, problem)
                candidates.remove(candidate)
                continue
            claimed[contact_id] = candidate.row.line
            candidate.before = existing[contact_id]
            candidate.contact = _merged(candidate.before, candidate.row.fields or {})


def _merged(before: Contact, fields: dict[str, Any]) -> Contact:
    """An import never removes anything: given cells overwrite, tags and custom fields add up."""
    data = ContactInput.model_validate(fields)
    changes = data.model_dump(include=data.model_fields_set - {"tags", "custom_fields"})
    changes["tags"] = sorted(set(before.tags) | set(data.tags))
    changes["custom_fields"] = {**before.custom_fields, **data.custom_fields}
    return normalized(
        as_input(before, **changes), contact_id=before.id, created_at=before.created_at, version=before.version + 1
    )


def _with_country(rows: Iterable[Row], country: str | None) -> Iterator[Row]:
    """Rows without a countryCode of their own read national numbers in `country`."""
    for row in rows:
        if country and row.fields is not None and not row.fields.get("countryCode"):
            yield Row(row.line, fields={**row.fields, "countryCode": country})
        else:
            yield row


def _same(before: Contact, after: Contact) -> bool:
    bookkeeping = {"updated_at", "version"}
    return before.model_dump(exclude=bookkeeping) == after.model_dump(exclude=bookkeeping)


def _reject(report: ImportReport, line: int, reason: str) -> None:
    report.rejected += 1
    if len(report.rejections) < MAX_LISTED_REJECTIONS:
        report.rejections.append(ImportRejection(line=line, reason=reason))


class _Seen:
    """The phones and emails met so far in the file, and the line that had each first."""

    def __init__(self) -> None:
        self._lines: dict[str, int] = {}

    def first_line(self, contact: Contact, line: int) -> int | None:
        keys = list(unique_keys(contact))
        for key in keys:
            if key in self._lines:
                return self._lines[key]
        self._lines.update(dict.fromkeys(keys, line))
        return None
