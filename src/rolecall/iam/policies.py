"""Managed policies: customer managed policies with their versions and tags, and read access
to the AWS managed catalog (arn:aws:iam::aws:policy/...), which no account may change."""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from .. import ids
from ..data import managed_policies
from ..operations import UNTIL_CHANGED, CallContext, operation
from ..policy import MalformedPolicyError, PolicyType, parse_policy
from ..protocol.errors import AWSError, invalid_input, no_such_entity
from ..store.tables import ManagedPolicy, PolicyAttachment, PolicyVersion, Role, User
from . import quotas
from .common import (
    add_tags,
    check_tags,
    code_point_order,
    decode_key_marker,
    drop_all_tags,
    iam_arn,
    invalid_marker,
    key_after,
    key_marker,
    list_tags,
    page_size,
    paginate,
    path_filter,
    path_matches,
    remove_tags,
    require_account_quota,
)

TAG_TYPE = "policy"
# IAM validates every element of a policy ARN it is given: partition, service, an empty
# region, the account (or "aws"), the resource type and the name's characters; a colon in
# the resource is refused too (observed: ".../policy/arn:aws:iam::aws:policy/X is not valid").
_POLICY_ARN = re.compile(
    r"arn:aws:iam::(\d{12}|aws):policy(/[\x21-\x39\x3b-\x7e]*)?/[\w+=,.@-]+")
AWS_MANAGED = "aws-managed"
CUSTOMER_MANAGED = "user-managed"


def validate_identity_policy(document: str, kind: PolicyType = PolicyType.IDENTITY) -> None:
    """Refuse a document IAM would refuse, with the policy engine's message; managed
    policies (``PolicyType.MANAGED``) must also be version 2012-10-17."""
    try:
        parse_policy(document, kind)
    except MalformedPolicyError as err:
        raise AWSError("MalformedPolicyDocument", err.message) from None


@dataclass(frozen=True)
class PolicyInfo:
    """What every read of a managed policy needs, whichever kind it is."""

    arn: str
    name: str
    path: str
    policy_id: str
    default_version_id: str
    created: dt.datetime
    updated: dt.datetime
    row: ManagedPolicy | None  # None for AWS managed policies

    @property
    def aws_managed(self) -> bool:
        return self.row is None


def info_from_row(row: ManagedPolicy) -> PolicyInfo:
    return PolicyInfo(row.arn, row.name, row.path, row.id, row.default_version,
                      row.created_at, row.updated_at, row)


def _info_from_catalog(entry: managed_policies.AWSManagedPolicy) -> PolicyInfo:
    return PolicyInfo(entry.arn, entry.name, entry.path, entry.policy_id,
                      entry.default_version_id, entry.created, entry.updated, None)


def lookup_policy(db: Session, account_id: str, arn: str) -> PolicyInfo | None:
    """The AWS managed or this account's customer managed policy with ``arn``, if any."""
    entry = managed_policies.get(arn)
    if entry is not None:
        return _info_from_catalog(entry)
    row = db.scalar(
        select(ManagedPolicy).where(ManagedPolicy.account_id == account_id,
                                    ManagedPolicy.arn == arn)
    )
    return info_from_row(row) if row is not None else None


def is_policy_arn(arn: str) -> bool:
    """Whether ``arn`` has the form of a managed policy's ARN (AWS's or an account's)."""
    return _POLICY_ARN.fullmatch(arn) is not None


def require_valid_policy_arn(arn: str) -> None:
    """A typo that breaks the ARN's shape (``arn:aws:iam:123456789012:policy/x``) is
    InvalidInput, as AWS answers it, and a value that is no ARN a ValidationError; a
    well-formed ARN of no policy is NoSuchEntity."""
    if not arn.startswith("arn:"):
        # Something that is no ARN at all is a ValidationError (issue 12's recordings).
        raise AWSError("ValidationError", f"ARN {arn} is not valid.")
    if not _POLICY_ARN.fullmatch(arn):
        raise invalid_input(f"ARN {arn} is not valid.")


def find_policy(ctx: CallContext, arn: str, *, attaching: bool = False) -> PolicyInfo:
    """The policy a call names. IAM words a missing one differently when it is being
    attached ("does not exist or is not attachable") than for reads and changes ("was not
    found")."""
    require_valid_policy_arn(arn)
    info = lookup_policy(ctx.db, ctx.account_id, arn)
    if info is None:
        if attaching:
            raise no_such_entity(f"Policy {arn} does not exist or is not attachable.")
        raise no_such_entity(f"Policy {arn} was not found.")
    return info


# What IAM says when a call would change an AWS managed policy ("Cannot delete policies
# outside your own account." for DeletePolicy, in the same form for the other changes).
_OUTSIDE_ACCOUNT = {
    "DeletePolicy": "delete policies",
    "CreatePolicyVersion": "create policy versions",
    "DeletePolicyVersion": "delete policy versions",
    "SetDefaultPolicyVersion": "set the default version of policies",
    "TagPolicy": "tag policies",
    "UntagPolicy": "untag policies",
}


def _customer_policy(ctx: CallContext, arn: str) -> ManagedPolicy:
    """A policy this account may change; AWS managed policies belong to AWS."""
    info = find_policy(ctx, arn)
    if info.row is None:
        verb = _OUTSIDE_ACCOUNT.get(ctx.operation, "modify policies")
        raise AWSError("AccessDenied", f"Cannot {verb} outside your own account.")
    return info.row


def managed_policy_document(db: Session, account_id: str, arn: str) -> str | None:
    """The default version's document of a managed policy, for evaluation."""
    entry = managed_policies.get(arn)
    if entry is not None:
        return entry.document
    row = db.scalar(
        select(ManagedPolicy).where(ManagedPolicy.account_id == account_id,
                                    ManagedPolicy.arn == arn)
    )
    if row is None:
        return None
    version = db.get(PolicyVersion, (row.id, row.default_version))
    return version.document if version is not None else None


def attachment_counts(db: Session, account_id: str,
                      among: Collection[str] | None = None) -> dict[str, int]:
    """How many entities each policy in use is attached to (only ``among`` these ARNs if
    given: one page's policies, not the whole account's attachments)."""
    query = (select(PolicyAttachment.policy_arn, func.count())
             .where(PolicyAttachment.account_id == account_id)
             .group_by(PolicyAttachment.policy_arn))
    if among is not None:
        query = query.where(PolicyAttachment.policy_arn.in_(among))
    return {arn: n for arn, n in db.execute(query).all()}


def boundary_counts(db: Session, account_id: str,
                    among: Collection[str] | None = None) -> dict[str, int]:
    """How many users and roles each policy in use is the permissions boundary of."""
    counts: dict[str, int] = {}
    for table in (User, Role):
        query = (select(table.permissions_boundary, func.count())
                 .where(table.account_id == account_id, table.permissions_boundary.is_not(None))
                 .group_by(table.permissions_boundary))
        if among is not None:
            query = query.where(table.permissions_boundary.in_(among))
        rows = db.execute(query).all()
        for arn, n in rows:
            counts[arn] = counts.get(arn, 0) + n
    return counts


def policy_shape(ctx: CallContext, info: PolicyInfo, attachments: int, boundaries: int, *,
                 detail: bool = False) -> dict[str, Any]:
    """A Policy as GetPolicy (``detail``: with Description and Tags) or ListPolicies shows it."""
    shape: dict[str, Any] = {
        "PolicyName": info.name,
        "PolicyId": info.policy_id,
        "Arn": info.arn,
        "Path": info.path,
        "DefaultVersionId": info.default_version_id,
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": boundaries,
        "IsAttachable": True,
        "CreateDate": info.created,
        "UpdateDate": info.updated,
    }
    if detail and info.row is not None:
        if info.row.description:
            shape["Description"] = info.row.description
        shape["Tags"] = list_tags(ctx.db, TAG_TYPE, info.row.id)
    elif detail:
        # Recorded GetPolicy of an AWS managed policy carries its Description and an empty
        # Tags (LocalStack's AWS-validated test_iam_managed_policies snapshot). The catalog
        # has a description only where a recording gives one.
        entry = managed_policies.get(info.arn)
        if entry is not None and entry.description:
            shape["Description"] = entry.description
        shape["Tags"] = []
    return shape


def _shape_one(ctx: CallContext, info: PolicyInfo, *, detail: bool) -> dict[str, Any]:
    attachments = ctx.db.scalar(
        select(func.count()).select_from(PolicyAttachment).where(
            PolicyAttachment.account_id == ctx.account_id,
            PolicyAttachment.policy_arn == info.arn,
        )
    )
    boundaries = boundary_counts(ctx.db, ctx.account_id).get(info.arn, 0)
    return policy_shape(ctx, info, attachments, boundaries, detail=detail)


@operation("iam", "CreatePolicy")
def create_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["PolicyName"]
    path = params.get("Path") or "/"
    document = params["PolicyDocument"]
    tags = params.get("Tags") or []
    check_tags(tags, TAG_TYPE)
    if quotas.policy_size(document) > quotas.MANAGED_POLICY_SIZE:
        raise quotas.exceeded("PolicySize", quotas.MANAGED_POLICY_SIZE)
    validate_identity_policy(document, PolicyType.MANAGED)
    if ctx.db.scalar(select(exists().where(ManagedPolicy.account_id == ctx.account_id,
                                           ManagedPolicy.name_lower == name.lower()))):
        raise AWSError("EntityAlreadyExists",
                       f"A policy called {name} already exists. Duplicate names are not allowed.")
    require_account_quota(ctx, ManagedPolicy, "PoliciesPerAccount")
    row = ManagedPolicy(
        id=ids.unique_id(ids.POLICY),
        account_id=ctx.account_id,
        arn=iam_arn(ctx.account_id, "policy", path, name),
        name=name,
        name_lower=name.lower(),
        path=path,
        description=params.get("Description"),
        default_version="v1",
        next_version=2,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.db.add(row)
    ctx.db.flush()
    ctx.db.add(PolicyVersion(policy_id=row.id, version_id="v1", document=document,
                             created_at=ctx.now))
    add_tags(ctx, TAG_TYPE, row.id, tags)
    shape = policy_shape(ctx, info_from_row(row), 0, 0, detail=True)
    shape.pop("Description", None)  # CreatePolicy does not echo the description
    if not shape["Tags"]:
        del shape["Tags"]  # nor an empty tag list, which GetPolicy shows
    return {"Policy": shape}


@operation("iam", "GetPolicy", cached=UNTIL_CHANGED)
def get_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    return {"Policy": _shape_one(ctx, find_policy(ctx, params["PolicyArn"]), detail=True)}


def _listing_order(info: PolicyInfo) -> tuple[str, str]:
    """Oldest first: recorded (localstack test_iam_managed_policies.snapshot.json,
    list-policies-aws-page), Scope=AWS begins AdministratorAccess, PowerUserAccess,
    ReadOnlyAccess, AWSCloudFormationReadOnlyAccess, CloudFrontFullAccess, the policies
    created first, not the first names. Customer managed policies are in the same order among
    themselves. As a marker's key: the creation time in UTC to the microsecond, then the ARN."""
    created = info.created if info.created.tzinfo else info.created.replace(tzinfo=dt.UTC)
    return created.astimezone(dt.UTC).strftime(_CREATED_KEY), info.arn


_CREATED_KEY = "%Y-%m-%dT%H:%M:%S.%fZ"


def _created_after(text: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(text, _CREATED_KEY).replace(tzinfo=dt.UTC)
    except ValueError:
        raise invalid_marker() from None


@functools.cache
def _catalog_in_order() -> tuple[list[PolicyInfo], list[tuple[str, str]]]:
    infos = sorted((_info_from_catalog(e) for e in managed_policies.catalog().values()),
                   key=_listing_order)
    return infos, [_listing_order(i) for i in infos]


# Scope=All lists the account's own policies before AWS's: a policy just created is on the
# first page of ListPolicies without a scope (LocalStack's AWS-validated test_iam_policies
# snapshot, test_policy_lifecycle, filtered-policy-list), which it could not be if it took
# its place by date behind more than a thousand AWS managed policies.
_LOCAL, _AWS = "0", "1"


@operation("iam", "ListPolicies")
def list_policies(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    """The account's policies (one SQL page after the marker's key), then the AWS managed
    catalog (in memory), each oldest first."""
    scope = params.get("Scope") or "All"
    prefix = params.get("PathPrefix")
    usage = params.get("PolicyUsageFilter")
    in_use: set[str] | None = None
    if params.get("OnlyAttached"):
        counted = {"PermissionsPolicy": [attachment_counts],
                   "PermissionsBoundary": [boundary_counts]}
        in_use = {arn for count in counted.get(usage, [attachment_counts, boundary_counts])
                  for arn in count(ctx.db, ctx.account_id)}
    segments = {"All": (_LOCAL, _AWS), "Local": (_LOCAL,), "AWS": (_AWS,)}.get(scope, ())
    marked = decode_key_marker(params.get("Marker"), 3 if len(segments) > 1 else 2)
    if marked and len(segments) > 1:
        if marked[0] not in segments:
            raise invalid_marker()
        segments = segments[segments.index(marked[0]):]
        after_segment, after = marked[0], marked[1:]
    else:
        after_segment, after = (segments[0] if segments else None), marked
    limit = page_size(params)
    found: list[tuple[str, PolicyInfo]] = []
    for segment in segments:
        since = after if segment == after_segment else None
        if segment == _LOCAL:
            found += [(segment, i) for i in _local_page(ctx, prefix, in_use, since, limit)]
        else:
            infos, keys = _catalog_in_order()
            start = bisect.bisect_right(keys, tuple(since)) if since else 0
            wanted = (i for i in infos[start:] if path_matches(i.path, prefix)
                      and (in_use is None or i.arn in in_use))
            found += [(segment, i) for i in itertools.islice(wanted, limit + 1)]
        if len(found) > limit:
            break
    shown = [i for _, i in found[:limit]]
    arns = [i.arn for i in shown]
    attached = attachment_counts(ctx.db, ctx.account_id, arns)
    bounded = boundary_counts(ctx.db, ctx.account_id, arns)
    page: dict[str, Any] = {
        "Policies": [policy_shape(ctx, i, attached.get(i.arn, 0), bounded.get(i.arn, 0))
                     for i in shown],
        "IsTruncated": len(found) > limit,
    }
    if page["IsTruncated"]:
        segment, last = found[limit - 1]
        key = _listing_order(last)
        page["Marker"] = key_marker((segment, *key) if scope == "All" else key)
    return page


def _local_page(ctx: CallContext, prefix: str | None, in_use: set[str] | None,
                after: list[str] | None, limit: int) -> list[PolicyInfo]:
    """Up to ``limit + 1`` of the account's policies after the key ``after``, oldest first."""
    query = select(ManagedPolicy.__table__).where(
        ManagedPolicy.account_id == ctx.account_id, path_filter(ManagedPolicy.path, prefix))
    if in_use is not None:
        query = query.where(ManagedPolicy.arn.in_(in_use))
    columns = [ManagedPolicy.created_at, code_point_order(ctx.db, ManagedPolicy.arn)]
    if after:
        query = query.where(key_after(columns, [_created_after(after[0]), after[1]]))
    rows = ctx.db.execute(query.order_by(*columns).limit(limit + 1))  # plain rows
    return sorted((info_from_row(r) for r in rows), key=_listing_order)


@operation("iam", "DeletePolicy")
def delete_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    row = _customer_policy(ctx, params["PolicyArn"])
    in_use = ctx.db.scalar(select(exists().where(PolicyAttachment.account_id == ctx.account_id,
                                                 PolicyAttachment.policy_arn == row.arn)))
    if in_use or boundary_counts(ctx.db, ctx.account_id).get(row.arn):
        raise AWSError("DeleteConflict", "Cannot delete a policy attached to entities.")
    versions = ctx.db.scalar(select(func.count()).select_from(PolicyVersion)
                             .where(PolicyVersion.policy_id == row.id))
    if versions > 1:
        raise AWSError(
            "DeleteConflict",
            "This policy has more than one version. Before you delete a policy, you must "
            "delete the policy's versions. The default version is deleted with the policy.",
        )
    drop_all_tags(ctx, TAG_TYPE, row.id)
    ctx.db.delete(row)


# --- versions -------------------------------------------------------------------------


def _no_such_version(arn: str, version_id: str) -> AWSError:
    return no_such_entity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


def _versioned_policy(ctx: CallContext, arn: str, version_id: str) -> PolicyInfo:
    """The policy whose version a call names. A policy that does not exist is worded as its
    version missing (LocalStack's AWS-validated test_iam_policies snapshot,
    test_policy_version_errors: err-get-version-nonexistent-policy and
    err-set-default-nonexistent-policy)."""
    require_valid_policy_arn(arn)
    info = lookup_policy(ctx.db, ctx.account_id, arn)
    if info is None:
        raise _no_such_version(arn, version_id)
    return info


def _version_shape(version_id: str, created: dt.datetime, default: str,
                   document: str | None = None) -> dict[str, Any]:
    shape: dict[str, Any] = {"VersionId": version_id, "IsDefaultVersion": version_id == default,
                             "CreateDate": created}
    if document is not None:
        shape["Document"] = document
    return shape


def _versions(ctx: CallContext, row: ManagedPolicy) -> list[PolicyVersion]:
    """Newest first, as IAM lists them."""
    versions = ctx.db.scalars(select(PolicyVersion).where(PolicyVersion.policy_id == row.id))
    return sorted(versions, key=lambda v: int(v.version_id[1:]), reverse=True)


@operation("iam", "CreatePolicyVersion")
def create_policy_version(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    row = _customer_policy(ctx, params["PolicyArn"])
    document = params["PolicyDocument"]
    if quotas.policy_size(document) > quotas.MANAGED_POLICY_SIZE:
        raise quotas.exceeded("PolicySize", quotas.MANAGED_POLICY_SIZE)
    validate_identity_policy(document, PolicyType.MANAGED)
    if len(_versions(ctx, row)) >= quotas.POLICY_VERSIONS:
        raise AWSError(
            "LimitExceeded",
            f"A managed policy can have up to {quotas.POLICY_VERSIONS} versions. Before you "
            "create a new version, you must delete an existing version.",
        )
    version_id = f"v{row.next_version}"
    row.next_version += 1
    row.updated_at = ctx.now
    ctx.db.add(PolicyVersion(policy_id=row.id, version_id=version_id, document=document,
                             created_at=ctx.now))
    if params.get("SetAsDefault"):
        row.default_version = version_id
    return {"PolicyVersion": _version_shape(version_id, ctx.now, row.default_version)}


@operation("iam", "GetPolicyVersion", cached=UNTIL_CHANGED)
def get_policy_version(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    arn, version_id = params["PolicyArn"], params["VersionId"]
    info = _versioned_policy(ctx, arn, version_id)
    if info.row is None:
        entry = managed_policies.get(arn)
        known = entry.version(version_id) if entry is not None else None
        if known is None:
            raise _no_such_version(arn, version_id)
        return {"PolicyVersion": _version_shape(version_id, known.created,
                                                entry.default_version_id, known.document)}
    version = ctx.db.get(PolicyVersion, (info.row.id, version_id))
    if version is None:
        raise _no_such_version(arn, version_id)
    return {"PolicyVersion": _version_shape(version_id, version.created_at,
                                            info.row.default_version, version.document)}


@operation("iam", "ListPolicyVersions", cached=UNTIL_CHANGED)
def list_policy_versions(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    info = find_policy(ctx, params["PolicyArn"])
    if info.row is None:
        entry = managed_policies.get(info.arn)
        assert entry is not None
        versions = [_version_shape(v.version_id, v.created, entry.default_version_id)
                    for v in entry.versions]
    else:
        versions = [_version_shape(v.version_id, v.created_at, info.row.default_version)
                    for v in _versions(ctx, info.row)]
    return paginate(versions, params, "Versions")


@operation("iam", "SetDefaultPolicyVersion")
def set_default_policy_version(ctx: CallContext, params: dict[str, Any]) -> None:
    version_id = params["VersionId"]
    _versioned_policy(ctx, params["PolicyArn"], version_id)
    row = _customer_policy(ctx, params["PolicyArn"])
    if ctx.db.get(PolicyVersion, (row.id, version_id)) is None:
        raise _no_such_version(row.arn, version_id)
    row.default_version = version_id


@operation("iam", "DeletePolicyVersion")
def delete_policy_version(ctx: CallContext, params: dict[str, Any]) -> None:
    row = _customer_policy(ctx, params["PolicyArn"])
    version_id = params["VersionId"]
    version = ctx.db.get(PolicyVersion, (row.id, version_id))
    if version is None:
        raise _no_such_version(row.arn, version_id)
    if version_id == row.default_version:
        raise AWSError("DeleteConflict", "Cannot delete the default version of a policy.")
    ctx.db.delete(version)


# --- tags -----------------------------------------------------------------------------


@operation("iam", "TagPolicy")
def tag_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    add_tags(ctx, TAG_TYPE, _customer_policy(ctx, params["PolicyArn"]).id, params["Tags"])


@operation("iam", "UntagPolicy")
def untag_policy(ctx: CallContext, params: dict[str, Any]) -> None:
    remove_tags(ctx, TAG_TYPE, _customer_policy(ctx, params["PolicyArn"]).id, params["TagKeys"])


@operation("iam", "ListPolicyTags", cached=UNTIL_CHANGED)
def list_policy_tags(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    info = find_policy(ctx, params["PolicyArn"])
    if info.row is None:
        return paginate([], params, "Tags")
    # Shorter keys first, then by code point: "A" before "a", and "a", "b", "z" before
    # "abc" (recorded ListPolicyTags answers, LocalStack's AWS-validated test_iam_policies
    # snapshot: test_policy_tag_lifecycle and test_policy_tag_order); GetPolicy keeps the
    # order of tagging.
    tags = sorted(list_tags(ctx.db, TAG_TYPE, info.row.id),
                  key=lambda t: (len(t["Key"]), t["Key"]))
    return paginate(tags, params, "Tags")
