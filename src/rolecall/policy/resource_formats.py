"""How IAM reads the Resource and NotResource values of an identity policy it stores.

IAM reads every value as an ARN whether or not it starts with ``arn:`` (so ``a:b:c`` is an
ARN of partition ``b``), and words each problem its own way. The texts and the cases come
from responses recorded from AWS (LocalStack's AWS-validated test_iam_policies snapshots).
"""

from __future__ import annotations

from rolecall.policy.matching import has_wildcard

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
              "aws-eusc")
IAM_RESOURCE_TYPES = ("user/", "federated-user/", "role/", "group/", "instance-profile/",
                      "mfa/", "server-certificate/", "policy/", "sms-mfa/", "saml-provider/",
                      "oidc-provider/", "report/", "access-report/")
IAM_PATH = ('IAM resource path must either be "*", root, or start with '
            + ", ".join(IAM_RESOURCE_TYPES) + ".")
VENDOR = "Resource vendor must be fully qualified and cannot contain regexes."


def format_error(resource: str) -> str | None:
    """IAM's message for a resource it cannot read as an ARN, or None."""
    if resource == "*":
        return None
    _, colon, rest = resource.partition(":")
    if not colon:
        return f'Resource {resource} must be in ARN format or "*".'
    partition, colon, rest = rest.partition(":")
    if partition not in PARTITIONS:
        return f'Partition "{partition}" is not valid for resource "{_as_arn(partition, rest)}".'
    if not colon:
        return VENDOR
    service, _, rest = rest.partition(":")
    if has_wildcard(service):
        return VENDOR
    region, _, rest = rest.partition(":")
    account, colon, path = rest.partition(":")
    if service == "iam" and region:
        return f"IAM resource {resource} cannot contain region information."
    if service == "s3" and region and not account:
        return f"Resource {resource} can not contain region information."
    if service == "iam" and colon and not _iam_path_ok(path):
        return IAM_PATH
    return None


def _as_arn(partition: str, rest: str) -> str:
    """The ARN IAM quotes for a bad partition: missing fields shown as ``*``."""
    parts = rest.split(":")
    fields = [
        parts[0] if parts[0] or len(parts) > 1 else "*",
        parts[1] if len(parts) > 1 else "*",
        parts[2] if len(parts) > 2 else "*",
        ":".join(parts[3:]) if len(parts) > 3 else "*",
    ]
    return ":".join(["arn", partition, *fields])


def _iam_path_ok(path: str) -> bool:
    if path in ("*", "root") or path.startswith(IAM_RESOURCE_TYPES):
        return True
    if has_wildcard(path):  # "us*" may still name users
        before = path.split("*", 1)[0].split("?", 1)[0]
        return any(kind.startswith(before) for kind in (*IAM_RESOURCE_TYPES, "root"))
    return False


def legacy_readable(resource: str) -> bool:
    """IAM's older parser: an ARN with an empty field needs all six fields, and a service."""
    if resource == "*":
        return True
    if resource.count(":") < 5 and "::" in resource:
        return False
    parts = resource.split(":")
    return len(parts) >= 3 and parts[2] != ""
