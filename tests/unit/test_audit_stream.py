"""The follow stream's cursor and the lines it prints."""

from __future__ import annotations

import io
import json

from rolecall.audit.stream import _Cursor, lines, print_record


def test_the_cursor_reads_an_id_committed_late_once():
    cursor = _Cursor(10)
    assert cursor.take(11) and cursor.take(14)
    assert cursor.has_gaps() and cursor.gaps() == [12, 13]
    assert cursor.take(13) and not cursor.take(13) and not cursor.take(11)
    assert cursor.gaps() == [12] and cursor.position == 14


def test_one_line_per_decision_and_one_for_a_call_without_any():
    record = {"eventTime": "2026-12-03T12:00:00Z", "eventID": "e", "eventSource":
              "iam.amazonaws.com", "eventName": "AddRoleToInstanceProfile",
              "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/u"},
              "rolecallAuthorization": [
                  {"action": "iam:AddRoleToInstanceProfile", "resource": "p",
                   "decision": "allowed", "statement": {"policy": "x", "sid": "S"}},
                  {"action": "iam:PassRole", "resource": "r", "decision": "implicitDeny",
                   "statement": None}]}
    assert [(line["action"], line["decision"]) for line in lines(record)] == [
        ("iam:AddRoleToInstanceProfile", "allowed"), ("iam:PassRole", "implicitDeny")]
    bare = {**record, "rolecallAuthorization": [], "errorCode": "InvalidClientTokenId"}
    assert [(line["action"], line["errorCode"]) for line in lines(bare)] == [
        (None, "InvalidClientTokenId")]
    out = io.StringIO()
    print_record(record, out, as_json=True)
    assert [json.loads(line)["resource"] for line in out.getvalue().splitlines()] == ["p", "r"]
    out = io.StringIO()
    print_record(bare, out, as_json=False)
    assert "iam:AddRoleToInstanceProfile" in out.getvalue()
    assert "InvalidClientTokenId" in out.getvalue()
