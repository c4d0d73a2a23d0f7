"""Resource-based policies of other services, read from the upstream and cached.

Each is read with the upstream's own credentials, in the resource's account, by the
service's own Get call (S3 GetBucketPolicy, SQS GetQueueAttributes Policy, SNS
GetTopicAttributes Policy, KMS GetKeyPolicy, Lambda GetPolicy, Secrets Manager
GetResourcePolicy, ECR GetRepositoryPolicy). An entry is dropped the moment a call that
changes it passes through rolecall (PutBucketPolicy, SetQueueAttributes, PutKeyPolicy,
AddPermission, ...), so the very next request is decided with the new policy; and it is
read again after a second, for changes made through another server process.

S3 bucket ARNs name no account: a bucket's owner comes from ``bucket_owners``.
"""

from __future__ import annotations

import datetime as dt
import json
import time
import xml.etree.ElementTree as ElementTree
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

from .forward import Forwarder, UpstreamUnavailable
from .upstreams import Upstream

TTL_SECONDS = 1.0
_MAX_ENTRIES = 50_000
# Calls after which a resource's policy (or its existence) may have changed.
CHANGES = {
    "s3": {"PutBucketPolicy", "DeleteBucketPolicy", "DeleteBucket", "CreateBucket"},
    "sqs": {"SetQueueAttributes", "AddPermission", "RemovePermission", "CreateQueue",
            "DeleteQueue"},
    "sns": {"SetTopicAttributes", "AddPermission", "RemovePermission", "CreateTopic",
            "DeleteTopic"},
    "kms": {"PutKeyPolicy", "CreateKey"},
    "lambda": {"AddPermission", "RemovePermission", "CreateFunction", "DeleteFunction"},
    "secretsmanager": {"PutResourcePolicy", "DeleteResourcePolicy", "CreateSecret",
                       "DeleteSecret"},
    "ecr": {"SetRepositoryPolicy", "DeleteRepositoryPolicy", "CreateRepository",
            "DeleteRepository"},
}
_JSON_10 = "application/x-amz-json-1.0"
_JSON_11 = "application/x-amz-json-1.1"


@dataclass(frozen=True)
class Holder:
    """The resource whose policy decides a check: its service, account, region and name
    (bucket, queue, topic ARN, key id, function, secret, repository)."""

    service: str
    account: str
    region: str
    name: str

    @property
    def required(self) -> bool:
        """A KMS key policy must itself allow: IAM policies count only through it."""
        return self.service == "kms"


# Buckets are global: their policies are read in this region's signing scope.
S3_REGION = "us-east-1"
S3_ARN = "arn:aws:s3:::"


def holder_of(arn: str, bucket_owner: str) -> Holder | None:
    """The resource of ``arn`` that carries a resource-based policy, if it has one;
    ``bucket_owner`` owns it when it is an S3 bucket or object (S3 ARNs name no account)."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None
    service, arn_region, account, rest = parts[2], parts[3], parts[4], parts[5]
    if service == "s3" and not account and rest and "*" not in rest.split("/", 1)[0]:
        return Holder("s3", bucket_owner, S3_REGION, rest.split("/", 1)[0])
    if not account or "*" in rest or "?" in rest:
        return None
    if service == "sqs":
        return Holder("sqs", account, arn_region, rest)
    if service == "sns":
        return Holder("sns", account, arn_region, ":".join([*parts[:5], rest.split(":")[0]]))
    if service == "kms" and rest.startswith("key/"):
        return Holder("kms", account, arn_region, rest[4:])
    if service == "lambda" and rest.startswith("function:"):
        return Holder("lambda", account, arn_region, rest.split(":")[1])
    if service == "secretsmanager" and rest.startswith("secret:"):
        return Holder("secretsmanager", account, arn_region, arn)
    if service == "ecr" and rest.startswith("repository/"):
        return Holder("ecr", account, arn_region, rest[len("repository/"):])
    return None


class ResourcePolicies:
    def __init__(self, forwarder: Forwarder) -> None:
        self._forwarder = forwarder
        self._policies: dict[tuple[str, Holder], tuple[float, str | None]] = {}

    def changed(self, service: str | None, operation: str, holders: list[Holder]) -> None:
        """Forget every policy a call that passed through may have changed."""
        if service not in CHANGES or operation not in CHANGES[service]:
            return
        for holder in holders:
            for key in [k for k in self._policies if k[1] == holder]:
                del self._policies[key]

    async def policy(self, upstream: Upstream, holder: Holder, now: dt.datetime) -> str | None:
        """The holder's policy document, or None when it has none (or cannot be read)."""
        key = (upstream.url, holder)
        cached = self._policies.get(key)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        try:
            text = await self._read(upstream, holder, now)
        except (UpstreamUnavailable, ValueError, KeyError, ElementTree.ParseError):
            text = None
        if len(self._policies) > _MAX_ENTRIES:
            self._policies.clear()
        self._policies[key] = (time.monotonic() + TTL_SECONDS, text)
        return text

    async def _read(self, upstream: Upstream, holder: Holder, now: dt.datetime) -> str | None:
        service, name = holder.service, holder.name

        async def call(signing: str, *, method: str = "POST", path: str = "/",
                       query: str = "", content_type: str | None = None,
                       target: str | None = None, body: bytes = b"") -> tuple[int, bytes]:
            headers: dict[str, list[str]] = {}
            if content_type:
                headers["content-type"] = [content_type]
            if target:
                headers["x-amz-target"] = [target]
            return await self._forwarder.fetch(
                upstream, account_id=holder.account, signing_name=signing,
                region=holder.region, now=now, method=method, raw_path=path,
                query_string=query, headers=headers, body=body)

        def json_body(value: dict[str, Any]) -> bytes:
            return json.dumps(value).encode()

        if service == "s3":
            status, body = await call("s3", method="GET", path="/" + quote(name), query="policy")
            return body.decode() if status == 200 else None
        if service == "sqs":
            url = f"{upstream.url}/{holder.account}/{name}"
            status, body = await call(
                "sqs", content_type=_JSON_10, target="AmazonSQS.GetQueueAttributes",
                body=json_body({"QueueUrl": url, "AttributeNames": ["Policy"]}))
            return json.loads(body).get("Attributes", {}).get("Policy") if status == 200 else None
        if service == "sns":
            form = urlencode({"Action": "GetTopicAttributes", "TopicArn": name,
                              "Version": "2010-03-31"}).encode()
            status, body = await call("sns", content_type="application/x-www-form-urlencoded",
                                      body=form)
            if status != 200:
                return None
            for entry in ElementTree.fromstring(body).iter():
                if entry.tag.endswith("entry"):
                    fields = {child.tag.rsplit("}", 1)[-1]: child.text for child in entry}
                    if fields.get("key") == "Policy":
                        return fields.get("value")
            return None
        if service == "kms":
            status, body = await call("kms", content_type=_JSON_11,
                                      target="TrentService.GetKeyPolicy",
                                      body=json_body({"KeyId": name, "PolicyName": "default"}))
            return json.loads(body).get("Policy") if status == 200 else None
        if service == "lambda":
            status, body = await call(
                "lambda", method="GET", path=f"/2015-03-31/functions/{quote(name)}/policy")
            return json.loads(body).get("Policy") if status == 200 else None
        if service == "secretsmanager":
            status, body = await call("secretsmanager", content_type=_JSON_11,
                                      target="secretsmanager.GetResourcePolicy",
                                      body=json_body({"SecretId": name}))
            return json.loads(body).get("ResourcePolicy") if status == 200 else None
        if service == "ecr":
            status, body = await call(
                "ecr", content_type=_JSON_11,
                target="AmazonEC2ContainerRegistry_V20150921.GetRepositoryPolicy",
                body=json_body({"registryId": holder.account, "repositoryName": name}))
            return json.loads(body).get("policyText") if status == 200 else None
        return None
