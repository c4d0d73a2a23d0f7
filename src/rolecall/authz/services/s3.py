"""S3: the actions its operations need, which often are not named after them.

Source: "Required permissions for Amazon S3 API operations"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/using-with-s3-policy-actions.html)
and the condition keys of "Actions, resources, and condition keys for Amazon S3".
Buckets are ``arn:aws:s3:::bucket``, objects ``arn:aws:s3:::bucket/key``; a ``Bucket``
that is an access point ARN names ``<access point ARN>/object/<key>``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote

from . import tags
from .call import Call, Check, Context
from .default import keep_supported

# Operation -> action, where the action is not s3:<Operation>.
_RENAMED = {
    "ListObjects": "ListBucket", "ListObjectsV2": "ListBucket", "HeadBucket": "ListBucket",
    "ListObjectVersions": "ListBucketVersions", "ListBuckets": "ListAllMyBuckets",
    "ListMultipartUploads": "ListBucketMultipartUploads",
    "ListParts": "ListMultipartUploadParts",
    "HeadObject": "GetObject", "SelectObjectContent": "GetObject",
    "CreateMultipartUpload": "PutObject", "UploadPart": "PutObject",
    "CompleteMultipartUpload": "PutObject",
    "GetBucketLifecycle": "GetLifecycleConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
    "PutBucketLifecycle": "PutLifecycleConfiguration",
    "PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
    # https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketLifecycle.html
    "DeleteBucketLifecycle": "PutLifecycleConfiguration",
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "PutBucketEncryption": "PutEncryptionConfiguration",
    "DeleteBucketEncryption": "PutEncryptionConfiguration",
    "GetBucketCors": "GetBucketCORS", "PutBucketCors": "PutBucketCORS",
    "DeleteBucketCors": "PutBucketCORS",
    "GetBucketReplication": "GetReplicationConfiguration",
    "PutBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketReplication": "PutReplicationConfiguration",
    "DeleteBucketTagging": "PutBucketTagging",
    "GetBucketNotification": "GetBucketNotification",
    "GetBucketNotificationConfiguration": "GetBucketNotification",
    "PutBucketNotificationConfiguration": "PutBucketNotification",
    "GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
    "PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
    "GetBucketAnalyticsConfiguration": "GetAnalyticsConfiguration",
    "ListBucketAnalyticsConfigurations": "GetAnalyticsConfiguration",
    "PutBucketAnalyticsConfiguration": "PutAnalyticsConfiguration",
    "DeleteBucketAnalyticsConfiguration": "PutAnalyticsConfiguration",
    "GetBucketInventoryConfiguration": "GetInventoryConfiguration",
    "ListBucketInventoryConfigurations": "GetInventoryConfiguration",
    "PutBucketInventoryConfiguration": "PutInventoryConfiguration",
    "DeleteBucketInventoryConfiguration": "PutInventoryConfiguration",
    "GetBucketMetricsConfiguration": "GetMetricsConfiguration",
    "ListBucketMetricsConfigurations": "GetMetricsConfiguration",
    "PutBucketMetricsConfiguration": "PutMetricsConfiguration",
    "DeleteBucketMetricsConfiguration": "PutMetricsConfiguration",
    "GetBucketIntelligentTieringConfiguration": "GetIntelligentTieringConfiguration",
    "ListBucketIntelligentTieringConfigurations": "GetIntelligentTieringConfiguration",
    "PutBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "DeleteBucketIntelligentTieringConfiguration": "PutIntelligentTieringConfiguration",
    "DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
    "GetPublicAccessBlock": "GetBucketPublicAccessBlock",
    "PutPublicAccessBlock": "PutBucketPublicAccessBlock",
    "DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
    "GetObjectLockConfiguration": "GetBucketObjectLockConfiguration",
    "PutObjectLockConfiguration": "PutBucketObjectLockConfiguration",
}
# With a VersionId, these act on one version and need the *Version* action.
_VERSIONED = {
    "GetObject": "GetObjectVersion", "HeadObject": "GetObjectVersion",
    "DeleteObject": "DeleteObjectVersion",
    "GetObjectAcl": "GetObjectVersionAcl", "PutObjectAcl": "PutObjectVersionAcl",
    "GetObjectTagging": "GetObjectVersionTagging",
    "PutObjectTagging": "PutObjectVersionTagging",
    "DeleteObjectTagging": "DeleteObjectVersionTagging",
    "GetObjectAttributes": "GetObjectVersionAttributes",
    "GetObjectTorrent": "GetObjectVersionTorrent",
}
# Request members -> the s3: condition key holding their value.
_HEADER_KEYS = {
    "ACL": "s3:x-amz-acl", "ServerSideEncryption": "s3:x-amz-server-side-encryption",
    "SSEKMSKeyId": "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "SSECustomerAlgorithm": "s3:x-amz-server-side-encryption-customer-algorithm",
    "MetadataDirective": "s3:x-amz-metadata-directive",
    "StorageClass": "s3:x-amz-storage-class",
    "WebsiteRedirectLocation": "s3:x-amz-website-redirect-location",
    "GrantFullControl": "s3:x-amz-grant-full-control", "GrantRead": "s3:x-amz-grant-read",
    "GrantReadACP": "s3:x-amz-grant-read-acp", "GrantWrite": "s3:x-amz-grant-write",
    "GrantWriteACP": "s3:x-amz-grant-write-acp",
    "ObjectLockMode": "s3:object-lock-mode",
    "ObjectLockLegalHoldStatus": "s3:object-lock-legal-hold",
    "ObjectOwnership": "s3:x-amz-object-ownership",
    "Prefix": "s3:prefix", "Delimiter": "s3:delimiter", "MaxKeys": "s3:max-keys",
    "VersionId": "s3:VersionId",
}


def bucket_arn(call: Call, bucket: str) -> str:
    return bucket if bucket.startswith("arn:") else f"arn:{call.partition}:s3:::{bucket}"


def object_arn(call: Call, bucket: str, key: str) -> str:
    if bucket.startswith("arn:"):
        return f"{bucket}/object/{key}"
    return f"arn:{call.partition}:s3:::{bucket}/{key}"


def checks(call: Call) -> list[Check] | None:
    operation, params = call.operation, call.params
    bucket, key = call.text("Bucket"), call.text("Key")
    if operation == "ListBuckets":
        return [Check("s3:ListAllMyBuckets", "*", {})]
    if operation == "DeleteObjects" and bucket:
        return _delete_objects(call, bucket)
    if operation in ("CopyObject", "UploadPartCopy") and bucket and key:
        return _copy(call, bucket, key)
    name = _RENAMED.get(operation, operation)
    if call.text("VersionId") and operation in _VERSIONED:
        name = _VERSIONED[operation]
    if key and bucket:
        resource = object_arn(call, bucket, key)
    elif bucket:
        resource = bucket_arn(call, bucket)
    else:
        resource = "*"
    found = [_check(call, name, resource)]
    if operation == "PutObject" and params.get("Tagging"):
        # Tags on upload also need s3:PutObjectTagging (PutObject API reference).
        found.append(_check(call, "PutObjectTagging", resource))
    if operation == "CreateBucket" and bucket and params.get("ObjectLockEnabledForBucket"):
        # CreateBucket API reference: Object Lock also needs these two.
        found += [_check(call, "PutBucketObjectLockConfiguration", resource),
                  _check(call, "PutBucketVersioning", resource)]
    if operation == "PutBucketReplication" and isinstance(params.get("ReplicationConfiguration"),
                                                          dict):
        role = params["ReplicationConfiguration"].get("Role")
        if isinstance(role, str) and role:
            found.append(Check("iam:PassRole", role,
                               {"iam:PassedToService": "s3.amazonaws.com"}))
    return found


def _check(call: Call, name: str, resource: str, extra: Context | None = None) -> Check:
    action = f"s3:{name}"
    return Check(action, resource, keep_supported(action, {**request_keys(call.params),
                                                           **(extra or {})}))


def request_keys(params: dict[str, Any]) -> Context:
    """The s3: condition keys the request's headers and query carry."""
    context: Context = {}
    for member, key in _HEADER_KEYS.items():
        value = params.get(member)
        if value is not None and value != "" and not isinstance(value, (dict, list)):
            context[key] = str(value).lower() if isinstance(value, bool) else str(value)
    configuration = params.get("CreateBucketConfiguration")
    if isinstance(configuration, dict) and configuration.get("LocationConstraint"):
        context["s3:locationconstraint"] = str(configuration["LocationConstraint"])
    tagging = params.get("Tagging")
    if isinstance(tagging, str):
        found = tags.pairs(tagging)
        for tag_key, tag_value in found:
            context[f"s3:RequestObjectTag/{tag_key}"] = tag_value
        context["s3:RequestObjectTagKeys"] = [k for k, _ in found]
    elif isinstance(tagging, dict):
        context.update(tags.tag_context(params))
    return context


def _delete_objects(call: Call, bucket: str) -> list[Check]:
    """DeleteObjects is decided per key, as s3:DeleteObject (or ...Version)."""
    delete = call.params.get("Delete")
    objects = delete.get("Objects") if isinstance(delete, dict) else None
    found = []
    for entry in objects if isinstance(objects, list) else []:
        if not isinstance(entry, dict) or not isinstance(entry.get("Key"), str):
            continue
        version = entry.get("VersionId")
        name = "DeleteObjectVersion" if version else "DeleteObject"
        extra: Context = {"s3:VersionId": str(version)} if version else {}
        found.append(_check(call, name, object_arn(call, bucket, entry["Key"]), extra))
    return found or [_check(call, "DeleteObject", f"{bucket_arn(call, bucket)}/*")]


def copy_source(value: Any) -> tuple[str, str, str | None] | None:
    """(bucket, key, version) of ``CopySource``: ``bucket/key?versionId=v`` (URL-encoded,
    leading ``/`` optional) or boto3's ``{Bucket, Key, VersionId}``."""
    if isinstance(value, dict):
        if isinstance(value.get("Bucket"), str) and isinstance(value.get("Key"), str):
            version = value.get("VersionId")
            return value["Bucket"], value["Key"], version if isinstance(version, str) else None
        return None
    if not isinstance(value, str):
        return None
    path, _, query = value.partition("?")
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    version = dict(parse_qsl(query)).get("versionId")
    if bucket.startswith("arn:") and "/object/" in unquote(path):
        bucket, _, key = unquote(path).partition("/object/")
    return (bucket, key, version) if bucket and key else None


def _copy(call: Call, bucket: str, key: str) -> list[Check]:
    """Read on the source object (its version when named), then write on the target."""
    target = object_arn(call, bucket, key)
    source = copy_source(call.params.get("CopySource"))
    found = []
    extra: Context = {}
    if source:
        src_bucket, src_key, version = source
        extra["s3:x-amz-copy-source"] = f"{src_bucket}/{src_key}"
        name = "GetObjectVersion" if version else "GetObject"
        read_context: Context = {"s3:VersionId": version} if version else {}
        found.append(Check(f"s3:{name}", object_arn(call, src_bucket, src_key),
                           keep_supported(f"s3:{name}", read_context)))
    found.append(_check(call, "PutObject", target, extra))
    if (call.operation == "CopyObject" and call.params.get("Tagging")
            and call.params.get("TaggingDirective") == "REPLACE"):
        found.append(_check(call, "PutObjectTagging", target))
    return found
