"""Compare rolecall's answers with responses recorded from AWS by their shape.

A shape keeps what a client can observe apart from the values themselves: which members are
present, scalar or list or structure, empty or not, and the value's type. Recorded responses
are transcribed from public suites that record real AWS (cited at each use), with their
placeholders ("<role-id:1>", "<datetime>") standing for values that differ per run.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from botocore.exceptions import ClientError


def shape(value: Any) -> Any:
    """The observable skeleton of a parsed response (ResponseMetadata dropped)."""
    if isinstance(value, dict):
        return {k: shape(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, list):
        return [shape(v) for v in value]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dt.datetime | str):
        return "text"
    return type(value).__name__


def recorded(value: Any) -> Any:
    """The shape of a transcribed recording: ``<datetime>`` is a timestamp, which boto3 parses
    into a datetime; every other string stays text."""
    return shape(value)


def recorded_error(call, **params) -> dict:
    """The error as the snapshots keep it: Error (Code, Message, Type) and the status."""
    with pytest.raises(ClientError) as err:
        call(**params)
    return {"Error": err.value.response["Error"],
            "Status": err.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def sender(code: str, message: str, status: int) -> dict:
    return {"Error": {"Code": code, "Message": message, "Type": "Sender"}, "Status": status}


def refusal(call, **params) -> tuple[str, str, int]:
    """A sender's error as (code, message, status)."""
    with pytest.raises(ClientError) as err:
        call(**params)
    response = err.value.response
    assert response["Error"]["Type"] == "Sender"
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])
