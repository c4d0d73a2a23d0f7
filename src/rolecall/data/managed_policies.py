"""The AWS managed policy catalog (arn:aws:iam::aws:policy/...), loaded once on first use."""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import json
import pathlib
from dataclasses import dataclass

_FILE = pathlib.Path(__file__).with_name("aws_managed_policies.json")
_DESCRIPTIONS = pathlib.Path(__file__).with_name("aws_managed_policy_descriptions.json")
ARN_PREFIX = "arn:aws:iam::aws:policy"


@dataclass(frozen=True)
class AWSManagedPolicy:
    name: str
    path: str
    arn: str
    policy_id: str
    default_version_id: str
    created: dt.datetime
    updated: dt.datetime
    document: str
    description: str | None  # GetPolicy's Description, where a recording gives it


@functools.cache
def catalog() -> dict[str, AWSManagedPolicy]:
    """All AWS managed policies, keyed by ARN."""
    raw = json.loads(_FILE.read_text())["policies"]
    descriptions = json.loads(_DESCRIPTIONS.read_text())["descriptions"]
    out = {}
    for name, entry in raw.items():
        arn = f"{ARN_PREFIX}{entry['Path']}{name}"
        digest = base64.b32encode(hashlib.sha256(arn.encode()).digest()).decode()
        out[arn] = AWSManagedPolicy(
            name=name,
            path=entry["Path"],
            arn=arn,
            policy_id="ANPA" + digest[:17],
            default_version_id=entry["DefaultVersionId"],
            created=dt.datetime.fromisoformat(entry["CreateDate"]),
            updated=dt.datetime.fromisoformat(entry["UpdateDate"]),
            document=json.dumps(entry["Document"], indent=4),
            description=descriptions.get(name),
        )
    return out


def get(arn: str) -> AWSManagedPolicy | None:
    return catalog().get(arn) if arn.startswith(ARN_PREFIX) else None
