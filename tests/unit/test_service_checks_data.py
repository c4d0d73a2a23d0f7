"""DynamoDB, KMS, Secrets Manager, SSM, Kinesis, ECR, RDS: resources and condition keys."""

from rolecall.authz.services import Check, checks_for, condition_keys

from .service_params import assert_botocore_members

ACCOUNT = "111122223333"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table"


def call(service: str, operation: str, key_schema=None, **params) -> list[Check]:
    assert_botocore_members(service, operation, params)
    return checks_for(service, operation, params, region="us-east-1", account_id=ACCOUNT,
                      key_schema=key_schema)


def test_get_item_leading_keys_and_attributes():
    found = call("dynamodb", "GetItem", TableName="Users", Key={"uid": {"S": "u1"}},
                 ProjectionExpression="#n, email", ExpressionAttributeNames={"#n": "name"})
    assert found == [Check("dynamodb:GetItem", f"{TABLE}/Users",
                           {"dynamodb:LeadingKeys": ["u1"],
                            "dynamodb:Attributes": ["name", "email"]})]


def test_put_item_leading_key_needs_the_schema_hint():
    item = {"uid": {"S": "u1"}, "ts": {"N": "5"}}
    assert "dynamodb:LeadingKeys" not in call("dynamodb", "PutItem", TableName="T",
                                              Item=item)[0].context
    found = call("dynamodb", "PutItem", key_schema={"T": "uid"}, TableName="T", Item=item,
                 ReturnValues="ALL_OLD")
    assert found[0].context == {"dynamodb:LeadingKeys": ["u1"],
                                "dynamodb:Attributes": ["uid", "ts"],
                                "dynamodb:ReturnValues": "ALL_OLD"}


def test_query_on_an_index_with_select():
    found = call("dynamodb", "Query", TableName="T", IndexName="byDate", Select="COUNT")
    assert found == [Check("dynamodb:Query", f"{TABLE}/T/index/byDate",
                           {"dynamodb:Select": "COUNT"})]


def test_query_leading_key_from_the_key_condition_with_the_hint():
    found = call("dynamodb", "Query", key_schema={"T": "uid"}, TableName="T",
                 KeyConditionExpression="#u = :v AND ts > :t",
                 ExpressionAttributeNames={"#u": "uid"},
                 ExpressionAttributeValues={":v": {"S": "u1"}, ":t": {"N": "3"}})
    assert found[0].context == {"dynamodb:LeadingKeys": ["u1"]}
    found = call("dynamodb", "Query", TableName="T", KeyConditionExpression="uid = :v",
                 ExpressionAttributeValues={":v": {"S": "u1"}})
    assert found[0].context == {}


def test_batches_are_one_check_per_table_and_transactions_per_item():
    found = call("dynamodb", "BatchWriteItem", RequestItems={
        "A": [{"PutRequest": {"Item": {"pk": {"S": "1"}}}}],
        "B": [{"DeleteRequest": {"Key": {"pk": {"S": "2"}}}}]})
    assert [(c.action, c.resource) for c in found] == [
        ("dynamodb:BatchWriteItem", f"{TABLE}/A"), ("dynamodb:BatchWriteItem", f"{TABLE}/B")]
    assert found[1].context == {"dynamodb:LeadingKeys": ["2"]}
    found = call("dynamodb", "TransactWriteItems", TransactItems=[
        {"Put": {"TableName": "A", "Item": {"pk": {"S": "1"}}}},
        {"Update": {"TableName": "B", "Key": {"pk": {"S": "2"}}, "UpdateExpression": "SET x=:v"}},
        {"ConditionCheck": {"TableName": "C", "Key": {"pk": {"S": "3"}},
                            "ConditionExpression": "attribute_exists(pk)"}}])
    assert [(c.action, c.resource) for c in found] == [
        ("dynamodb:PutItem", f"{TABLE}/A"), ("dynamodb:UpdateItem", f"{TABLE}/B"),
        ("dynamodb:ConditionCheckItem", f"{TABLE}/C")]


def test_kms_keys_by_id_arn_and_alias():
    key = f"arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    found = call("kms", "Encrypt", KeyId="1234abcd-12ab-34cd-56ef-1234567890ab",
                 Plaintext=b"x", EncryptionContext={"app": "web"})
    assert found == [Check("kms:Encrypt", key, {"kms:CallerAccount": ACCOUNT,
                                                "kms:EncryptionContext:app": "web",
                                                "kms:EncryptionContextKeys": ["app"]})]
    found = call("kms", "GenerateDataKey", KeyId="alias/app", KeySpec="AES_256")
    assert found[0].resource == f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app"
    assert found[0].context["kms:RequestAlias"] == "alias/app"
    assert call("kms", "CreateKey", KeyUsage="ENCRYPT_DECRYPT")[0] == Check(
        "kms:CreateKey", "*", {"kms:CallerAccount": ACCOUNT, "kms:KeyUsage": "ENCRYPT_DECRYPT"})


def test_kms_alias_calls_are_decided_on_the_alias_and_the_key():
    found = call("kms", "CreateAlias", AliasName="alias/app", TargetKeyId="k1")
    assert [(c.action, c.resource) for c in found] == [
        ("kms:CreateAlias", f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/app"),
        ("kms:CreateAlias", f"arn:aws:kms:us-east-1:{ACCOUNT}:key/k1")]


def test_kms_decrypt_key_from_the_ciphertext_and_reencrypt():
    key_id = "1234abcd-12ab-34cd-56ef-1234567890ab"
    found = call("kms", "Decrypt", CiphertextBlob=key_id.encode() + b"\x00rest")
    assert found[0].resource == f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}"
    assert call("kms", "Decrypt", CiphertextBlob=b"opaque")[0].resource == "*"
    found = call("kms", "ReEncrypt", CiphertextBlob=b"x", SourceKeyId=key_id,
                 DestinationKeyId="k2")
    assert [c.action for c in found] == ["kms:ReEncryptFrom", "kms:ReEncryptTo"]


def test_secrets_manager_by_name_and_arn():
    found = call("secretsmanager", "GetSecretValue", SecretId="prod/db")
    assert found == [Check("secretsmanager:GetSecretValue",
                           f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/db",
                           {"secretsmanager:SecretId": "prod/db"})]
    arn = f"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/db-AbCdEf"
    assert call("secretsmanager", "DescribeSecret", SecretId=arn)[0].resource == arn
    found = call("secretsmanager", "CreateSecret", Name="n", Tags=[{"Key": "a", "Value": "b"}])
    assert found[0].context["aws:RequestTag/a"] == "b"


def test_ssm_parameter_names_and_lists():
    arn = f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter"
    assert call("ssm", "GetParameter", Name="/app/db")[0].resource == f"{arn}/app/db"
    assert call("ssm", "PutParameter", Name="plain", Value="v")[0].resource == f"{arn}/plain"
    found = call("ssm", "GetParameters", Names=["/a", "b"])
    assert [(c.action, c.resource) for c in found] == [
        ("ssm:GetParameters", f"{arn}/a"), ("ssm:GetParameters", f"{arn}/b")]


def test_kinesis_ecr_rds():
    assert call("kinesis", "PutRecord", StreamName="s", Data=b"x", PartitionKey="p") == [
        Check("kinesis:PutRecord", f"arn:aws:kinesis:us-east-1:{ACCOUNT}:stream/s", {})]
    assert call("ecr", "BatchGetImage", repositoryName="app", registryId="222233334444",
                imageIds=[])[0].resource == (
        "arn:aws:ecr:us-east-1:222233334444:repository/app")
    assert call("ecr", "GetAuthorizationToken")[0] == Check("ecr:GetAuthorizationToken", "*", {})
    assert call("rds", "DescribeDBInstances")[0].resource == (
        f"arn:aws:rds:us-east-1:{ACCOUNT}:db:*")
    assert call("rds", "DeleteDBInstance", DBInstanceIdentifier="db1")[0].resource == (
        f"arn:aws:rds:us-east-1:{ACCOUNT}:db:db1")


def test_condition_keys_come_from_the_reference():
    assert "s3:prefix" in condition_keys("s3:ListBucket")
    assert "dynamodb:LeadingKeys" in condition_keys("dynamodb:GetItem")
    assert condition_keys("nosuch:Thing") == frozenset()
