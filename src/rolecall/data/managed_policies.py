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
_OLDER_VERSIONS = pathlib.Path(__file__).with_name("aws_managed_policy_versions.json")
ARN_PREFIX = "arn:aws:iam::aws:policy"


@dataclass(frozen=True)
class Version:
    version_id: str
    created: dt.datetime
    document: str


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
    # Newest first: the default version, then the older ones a recording shows (the catalog
    # itself holds default versions only).
    versions: tuple[Version, ...]

    def version(self, version_id: str) -> Version | None:
        return next((v for v in self.versions if v.version_id == version_id), None)


@functools.cache
def catalog() -> dict[str, AWSManagedPolicy]:
    """All AWS managed policies, keyed by ARN."""
    raw = json.loads(_FILE.read_text())["policies"]
    descriptions = json.loads(_DESCRIPTIONS.read_text())["descriptions"]
    older = json.loads(_OLDER_VERSIONS.read_text())["versions"]
    out = {}
    for name, entry in raw.items():
        arn = f"{ARN_PREFIX}{entry['Path']}{name}"
        digest = base64.b32encode(hashlib.sha256(arn.encode()).digest()).decode()
        created = dt.datetime.fromisoformat(entry["CreateDate"])
        updated = dt.datetime.fromisoformat(entry["UpdateDate"])
        document = json.dumps(entry["Document"], indent=4)
        # Older versions are dated from the policy's creation: exactly v1's date (a policy's
        # first version is made with it), and the only date known for any other.
        versions = (Version(entry["DefaultVersionId"], updated, document), *(
            Version(v["VersionId"], created, json.dumps(v["Document"], indent=4))
            for v in older.get(name, ())))
        out[arn] = AWSManagedPolicy(
            name=name,
            path=entry["Path"],
            arn=arn,
            policy_id="ANPA" + digest[:17],
            default_version_id=entry["DefaultVersionId"],
            created=created,
            updated=updated,
            document=document,
            description=descriptions.get(name),
            versions=versions,
        )
    return out


def get(arn: str) -> AWSManagedPolicy | None:
    return catalog().get(arn) if arn.startswith(ARN_PREFIX) else None
