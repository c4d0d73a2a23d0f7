"""Audit: the account's CloudTrail event history, filtered by principal, event name, time
and error code, each event expandable to its full record. Reading it needs
cloudtrail:LookupEvents, decided by the same engine as every other call."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import select
from starlette.responses import Response

from ..store.tables import AuditEvent
from . import calls
from .web import View, page

LIMIT = 100


def _time(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text).replace(tzinfo=None) if text else None
    except ValueError:
        return None


@page
def events(view: View) -> Response:
    query = view.request.query_params
    filters = {k: query.get(k, "").strip() for k in ("principal", "event", "error", "start",
                                                      "end")}
    calls.authorize(view.server, view.caller, "cloudtrail", "LookupEvents",
                    "cloudtrail:LookupEvents", "*")
    statement = select(AuditEvent).where(AuditEvent.account_id == view.principal.account_id)
    if filters["event"]:
        statement = statement.where(AuditEvent.event_name == filters["event"])
    if filters["error"]:
        statement = statement.where(AuditEvent.error_code == filters["error"])
    if (start := _time(filters["start"])) is not None:
        statement = statement.where(AuditEvent.event_time >= start)
    if (end := _time(filters["end"])) is not None:
        statement = statement.where(AuditEvent.event_time <= end)
    if filters["principal"]:
        statement = statement.where(AuditEvent.record.contains(filters["principal"]))
    view.server.audit.flush()
    with view.server.db.transaction(write=False) as db:
        rows = db.scalars(statement.order_by(AuditEvent.id.desc()).limit(LIMIT)).all()
        records = [json.loads(row.record) for row in rows]
    shown = [{"record": r, "text": json.dumps(r, indent=2)} for r in records]
    return view.render("audit.html", title="Audit", filters=filters, events=shown)
