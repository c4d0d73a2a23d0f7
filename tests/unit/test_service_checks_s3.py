"""S3 operations -> the actions, ARNs and condition keys AWS authorizes."""

from rolecall.authz.services import Check, checks_for

from .service_params import assert_botocore_members

ACCOUNT = "111122223333"


def s3(operation: str, **params) -> list[Check]:
    assert_botocore_members("s3", operation, params)
    return checks_for("s3", operation, params, region="us-east-1", account_id=ACCOUNT)


def test_list_objects_v2_is_list_bucket_on_the_bucket_with_listing_keys():
    assert s3("ListObjectsV2", Bucket="b", Prefix="home/", Delimiter="/", MaxKeys=10) == [
        Check("s3:ListBucket", "arn:aws:s3:::b",
              {"s3:prefix": "home/", "s3:delimiter": "/", "s3:max-keys": "10"})]


def test_list_buckets_is_list_all_my_buckets_on_star():
    assert s3("ListBuckets") == [Check("s3:ListAllMyBuckets", "*", {})]


def test_head_calls_and_versions():
    assert s3("HeadBucket", Bucket="b")[0].action == "s3:ListBucket"
    assert s3("HeadObject", Bucket="b", Key="k")[0] == Check("s3:GetObject",
                                                              "arn:aws:s3:::b/k", {})
    assert s3("GetObject", Bucket="b", Key="k", VersionId="v1") == [
        Check("s3:GetObjectVersion", "arn:aws:s3:::b/k", {"s3:VersionId": "v1"})]
    assert s3("DeleteObject", Bucket="b", Key="k", VersionId="v1")[0].action == (
        "s3:DeleteObjectVersion")
    assert s3("ListObjectVersions", Bucket="b")[0].action == "s3:ListBucketVersions"


def test_multipart_calls():
    assert s3("CreateMultipartUpload", Bucket="b", Key="k")[0].action == "s3:PutObject"
    assert s3("UploadPart", Bucket="b", Key="k", UploadId="u", PartNumber=1)[0].action == (
        "s3:PutObject")
    assert s3("AbortMultipartUpload", Bucket="b", Key="k", UploadId="u")[0].action == (
        "s3:AbortMultipartUpload")
    assert s3("ListParts", Bucket="b", Key="k", UploadId="u")[0].action == (
        "s3:ListMultipartUploadParts")
    assert s3("ListMultipartUploads", Bucket="b") == [
        Check("s3:ListBucketMultipartUploads", "arn:aws:s3:::b", {})]


def test_put_object_with_tagging_acl_and_encryption():
    found = s3("PutObject", Bucket="b", Key="a/k.txt", Tagging="team=red&env=prod",
               ACL="bucket-owner-full-control", ServerSideEncryption="aws:kms",
               SSEKMSKeyId="arn:aws:kms:us-east-1:111122223333:key/k1",
               StorageClass="STANDARD_IA")
    assert [c.action for c in found] == ["s3:PutObject", "s3:PutObjectTagging"]
    assert found[0].resource == "arn:aws:s3:::b/a/k.txt"
    assert found[0].context == {
        "s3:x-amz-acl": "bucket-owner-full-control",
        "s3:x-amz-server-side-encryption": "aws:kms",
        "s3:x-amz-server-side-encryption-aws-kms-key-id":
            "arn:aws:kms:us-east-1:111122223333:key/k1",
        "s3:x-amz-storage-class": "STANDARD_IA",
        "s3:RequestObjectTag/team": "red", "s3:RequestObjectTag/env": "prod",
        "s3:RequestObjectTagKeys": ["team", "env"],
    }


def test_copy_object_reads_the_source_version_and_writes_the_target():
    found = s3("CopyObject", Bucket="dst", Key="k2", CopySource="src/dir/k1?versionId=v7",
               MetadataDirective="REPLACE")
    assert found == [
        Check("s3:GetObjectVersion", "arn:aws:s3:::src/dir/k1", {"s3:VersionId": "v7"}),
        Check("s3:PutObject", "arn:aws:s3:::dst/k2",
              {"s3:x-amz-copy-source": "src/dir/k1", "s3:x-amz-metadata-directive": "REPLACE"}),
    ]


def test_copy_source_as_boto3_dict_and_upload_part_copy():
    found = s3("UploadPartCopy", Bucket="dst", Key="k", UploadId="u", PartNumber=1,
               CopySource={"Bucket": "src", "Key": "a b"})
    assert [(c.action, c.resource) for c in found] == [
        ("s3:GetObject", "arn:aws:s3:::src/a b"), ("s3:PutObject", "arn:aws:s3:::dst/k")]


def test_delete_objects_is_decided_per_key():
    found = s3("DeleteObjects", Bucket="b",
               Delete={"Objects": [{"Key": "x"}, {"Key": "y", "VersionId": "v"}]})
    assert [(c.action, c.resource) for c in found] == [
        ("s3:DeleteObject", "arn:aws:s3:::b/x"), ("s3:DeleteObjectVersion", "arn:aws:s3:::b/y")]


def test_configuration_calls_use_the_actions_aws_names():
    expected = {
        "GetBucketLifecycleConfiguration": "s3:GetLifecycleConfiguration",
        "PutBucketLifecycleConfiguration": "s3:PutLifecycleConfiguration",
        "DeleteBucketLifecycle": "s3:PutLifecycleConfiguration",
        "GetBucketEncryption": "s3:GetEncryptionConfiguration",
        "PutBucketEncryption": "s3:PutEncryptionConfiguration",
        "GetBucketCors": "s3:GetBucketCORS",
        "DeleteBucketCors": "s3:PutBucketCORS",
        "GetBucketReplication": "s3:GetReplicationConfiguration",
        "GetPublicAccessBlock": "s3:GetBucketPublicAccessBlock",
        "GetBucketNotificationConfiguration": "s3:GetBucketNotification",
        "DeleteBucketTagging": "s3:PutBucketTagging",
        "GetBucketPolicy": "s3:GetBucketPolicy",
    }
    for operation, action in expected.items():
        assert s3(operation, Bucket="b") == [Check(action, "arn:aws:s3:::b", {})], operation


def test_create_bucket_with_object_lock_and_acl():
    found = s3("CreateBucket", Bucket="b", ACL="private", ObjectLockEnabledForBucket=True,
               CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert [c.action for c in found] == ["s3:CreateBucket",
                                         "s3:PutBucketObjectLockConfiguration",
                                         "s3:PutBucketVersioning"]
    assert found[0].context == {"s3:x-amz-acl": "private", "s3:locationconstraint": "eu-west-1"}


def test_replication_passes_its_role_to_s3():
    found = s3("PutBucketReplication", Bucket="b", ReplicationConfiguration={
        "Role": "arn:aws:iam::111122223333:role/repl", "Rules": []})
    assert found[-1] == Check("iam:PassRole", "arn:aws:iam::111122223333:role/repl",
                              {"iam:PassedToService": "s3.amazonaws.com"})


def test_access_point_arn_as_bucket():
    ap = "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1"
    assert s3("GetObject", Bucket=ap, Key="k")[0].resource == f"{ap}/object/k"


def test_china_partition():
    found = checks_for("s3", "GetObject", {"Bucket": "b", "Key": "k"}, region="cn-north-1",
                       account_id=ACCOUNT)
    assert found[0].resource == "arn:aws-cn:s3:::b/k"
