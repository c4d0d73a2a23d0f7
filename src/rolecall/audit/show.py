"""Reading the audit log back for `rolecall audit`."""

from __future__ import annotations

import json
from typing import TextIO

from rich.console import Console
from rich.table import Table
from sqlalchemy import select

from ..store.db import Database
from ..store.tables import AuditEvent


def recent(db: Database, limit: int, account_id: str | None = None) -> list[dict]:
    with db.transaction(write=False) as session:
        query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if account_id:
            query = query.where(AuditEvent.account_id == account_id)
        rows = session.scalars(query).all()
        return [json.loads(row.record) for row in reversed(rows)]


def render_table(records: list[dict], out: TextIO) -> None:
    table = Table(title="Recent events")
    for column in ("Time", "Event", "Principal", "Source IP", "Result"):
        table.add_column(column)
    for record in records:
        identity = record.get("userIdentity", {})
        table.add_row(
            record.get("eventTime", ""),
            f"{record.get('eventSource', '').split('.')[0]}:{record.get('eventName', '')}",
            identity.get("arn", identity.get("type", "")),
            record.get("sourceIPAddress", ""),
            record.get("errorCode", "OK"),
        )
    Console(file=out).print(table)
