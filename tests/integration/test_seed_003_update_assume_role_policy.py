"""UpdateAssumeRolePolicy as its API reference describes it: parameters and their constraints,
the five errors with their HTTP statuses, and the sample request and response."""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

NS = "{https://iam.amazonaws.com/doc/2010-05-08/}"
# The sample request's policy, verbatim.
SAMPLE_POLICY = ('{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                 '"Principal":{"Service":["ec2.amazonaws.com"]},"Action":["sts:AssumeRole"]}]}')
LAMBDA_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})


def error_of(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


@pytest.fixture
def role(iam) -> str:
    iam.create_role(RoleName="S3AccessForEC2Instances", AssumeRolePolicyDocument=LAMBDA_TRUST)
    return "S3AccessForEC2Instances"


def test_sample_request_replaces_the_trust_policy_and_answers_the_sample_shape(
        iam, account, role):
    body = urllib.parse.urlencode({
        "Action": "UpdateAssumeRolePolicy", "PolicyDocument": SAMPLE_POLICY,
        "RoleName": role, "Version": "2010-05-08"})
    request = AWSRequest(method="POST", url=account.endpoint + "/", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    credentials = Credentials(account.access_key_id, account.secret_access_key)
    SigV4Auth(credentials, "iam", "us-east-1").add_auth(request)
    http = urllib.request.Request(request.url, data=body.encode(), method="POST",
                                  headers=dict(request.headers.items()))
    with urllib.request.urlopen(http) as response:
        assert response.status == 200
        root = ET.fromstring(response.read())
    assert root.tag == f"{NS}UpdateAssumeRolePolicyResponse"
    assert [child.tag for child in root] == [f"{NS}ResponseMetadata"]
    assert root.find(f"{NS}ResponseMetadata/{NS}RequestId").text
    stored = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    assert stored == json.loads(SAMPLE_POLICY)


def test_the_stored_policy_is_the_text_that_was_sent(iam, account, role, aws):
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=SAMPLE_POLICY)
    # The CLI decodes the URL-encoded document into JSON; the raw text must be what we sent.
    raw = aws("iam", "get-role", "--role-name", role, "--query",
              "Role.AssumeRolePolicyDocument")
    assert raw.returncode == 0, raw.stderr
    assert raw.json == json.loads(SAMPLE_POLICY)


def test_role_name_is_case_insensitive(iam, role):
    iam.update_assume_role_policy(RoleName=role.upper(), PolicyDocument=SAMPLE_POLICY)
    assert iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"] == \
        json.loads(SAMPLE_POLICY)


def test_missing_role_is_no_such_entity_404(iam):
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName="Nope", PolicyDocument=SAMPLE_POLICY)
    assert error_of(err) == ("NoSuchEntity", "The role with name Nope cannot be found.", 404)


@pytest.mark.parametrize(("document", "message"), [
    # Recorded UpdateAssumeRolePolicy answer for a document that is no JSON (LocalStack's
    # AWS-validated test_iam_roles snapshot, invalid-json-error).
    ("{not json", "This policy contains invalid Json"),
    (json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "s3:GetObject"}]}),
     "AssumeRole policy may only specify STS AssumeRole actions."),
    (json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:AssumeRole"}]}),
     "Missing required field Principal"),
    (json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole", "Resource": "*"}]}),
     "Has prohibited field Resource"),
])
def test_malformed_policy_is_malformed_policy_document_400(iam, role, document, message):
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName=role, PolicyDocument=document)
    assert error_of(err) == ("MalformedPolicyDocument", message, 400)
    assert iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"] == \
        json.loads(LAMBDA_TRUST)


def test_principal_naming_missing_role_of_this_account_is_malformed(iam, account, role):
    arn = f"arn:aws:iam::{account.account_id}:role/ghost"
    document = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": arn}, "Action": "sts:AssumeRole"}]})
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName=role, PolicyDocument=document)
    assert error_of(err) == ("MalformedPolicyDocument",
                             f'Invalid principal in policy: "AWS":"{arn}"', 400)


def test_policy_over_the_trust_policy_quota_is_limit_exceeded_409(iam, role):
    services = [f"service{i:04d}.amazonaws.com" for i in range(90)]
    document = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": services}, "Action": "sts:AssumeRole"}]})
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName=role, PolicyDocument=document)
    assert error_of(err) == ("LimitExceeded", "Cannot exceed quota for ACLSizePerRole: 2048", 409)


def test_service_linked_role_is_unmodifiable_entity_400(iam):
    name = iam.create_service_linked_role(
        AWSServiceName="elasticbeanstalk.amazonaws.com")["Role"]["RoleName"]
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=SAMPLE_POLICY)
    assert error_of(err) == (
        "UnmodifiableEntity",
        f"Cannot perform the operation on the protected role '{name}' - "
        "this role is only modifiable by AWS", 400)


def test_role_name_constraints_are_enforced(iam):
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName="has space", PolicyDocument=SAMPLE_POLICY)
    # IAM leaves the value out of model validation messages; this test
    # quoted it before AWS recordings showed otherwise (issue 12).
    assert error_of(err) == (
        "ValidationError",
        "1 validation error detected: Value at 'roleName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", 400)
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName="r" * 65, PolicyDocument=SAMPLE_POLICY)
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationError", 400)
    assert message.endswith("Member must have length less than or equal to 64")


def test_policy_document_constraints_are_enforced(iam, role):
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName=role, PolicyDocument="x" * 131073)
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationError", 400)
    assert "'policyDocument'" in message
    assert message.endswith("Member must have length less than or equal to 131072")
    with pytest.raises(ClientError) as err:
        iam.update_assume_role_policy(RoleName=role,
                                      PolicyDocument=SAMPLE_POLICY.replace("Allow", "Allow\u0100"))
    code, message, status = error_of(err)
    assert (code, status) == ("ValidationError", 400)
    assert "'policyDocument'" in message and "regular expression pattern" in message


def test_latin1_characters_are_within_the_pattern(iam, role):
    document = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "caf\u00e9", "Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
         "Action": "sts:AssumeRole"}]}, ensure_ascii=False)
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=document)


def test_cli_reports_each_error_with_its_code(aws, role):
    missing = aws("iam", "update-assume-role-policy", "--role-name", "Nope",
                  "--policy-document", SAMPLE_POLICY)
    assert missing.returncode != 0
    assert "An error occurred (NoSuchEntity) when calling the UpdateAssumeRolePolicy " \
        "operation: The role with name Nope cannot be found." in missing.stderr
    malformed = aws("iam", "update-assume-role-policy", "--role-name", role,
                    "--policy-document", '{"Statement": []}')
    assert malformed.returncode != 0
    assert "(MalformedPolicyDocument)" in malformed.stderr
