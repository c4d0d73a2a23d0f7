"""Service-linked roles: AWS's names and paths, protection, deletion tasks."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError

TRUST = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
     "Action": "sts:AssumeRole"}]})
PROTECTED = ("Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - "
             "this role is only modifiable by AWS")


def error_of(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


def test_create_names_the_role_after_the_service_and_trusts_it(iam, account):
    role = iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com",
                                          Description="EB")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForElasticBeanstalk"
    assert role["Path"] == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
    assert role["Arn"] == (f"arn:aws:iam::{account.account_id}:role/aws-service-role/"
                           "elasticbeanstalk.amazonaws.com/AWSServiceRoleForElasticBeanstalk")
    # AWS writes Action and Service as plain strings (issue 12, recorded responses).
    statement = role["AssumeRolePolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "elasticbeanstalk.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRole"
    assert iam.get_role(RoleName=role["RoleName"])["Role"]["Description"] == "EB"


def test_second_create_for_same_service_needs_a_suffix(iam):
    iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    with pytest.raises(ClientError) as err:
        iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com")
    assert error_of(err) == (
        "InvalidInput", "Service role name AWSServiceRoleForAutoScaling has been taken in this "
        "account, please try a different suffix.", 400)
    role = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com",
                                          CustomSuffix="debug")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForAutoScaling_debug"


def test_unknown_service_is_invalid_input(iam):
    with pytest.raises(ClientError) as err:
        iam.create_service_linked_role(AWSServiceName="nothing.example.com")
    assert error_of(err)[0::2] == ("InvalidInput", 400)


@pytest.mark.parametrize("call", [
    lambda iam: iam.update_role(RoleName="AWSServiceRoleForECS", MaxSessionDuration=7200),
    lambda iam: iam.update_assume_role_policy(RoleName="AWSServiceRoleForECS",
                                              PolicyDocument=TRUST),
    lambda iam: iam.delete_role(RoleName="AWSServiceRoleForECS"),
    lambda iam: iam.put_role_permissions_boundary(
        RoleName="AWSServiceRoleForECS",
        PermissionsBoundary="arn:aws:iam::aws:policy/ReadOnlyAccess"),
    lambda iam: iam.delete_role_permissions_boundary(RoleName="AWSServiceRoleForECS"),
    lambda iam: iam.attach_role_policy(RoleName="AWSServiceRoleForECS",
                                       PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess"),
    lambda iam: iam.put_role_policy(RoleName="AWSServiceRoleForECS", PolicyName="p",
                                    PolicyDocument=json.dumps({
                                        "Version": "2012-10-17", "Statement": [
                                            {"Effect": "Allow", "Action": "s3:*",
                                             "Resource": "*"}]})),
])
def test_service_linked_role_is_protected(iam, call):
    iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    with pytest.raises(ClientError) as err:
        call(iam)
    assert error_of(err) == ("UnmodifiableEntity", PROTECTED, 400)


def test_description_of_a_service_linked_role_can_be_edited(iam, aws):
    # IAM User Guide, "Update a service-linked role": "You can edit the description of any
    # role from the IAM console, API, or CLI."
    iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    result = aws("iam", "update-role", "--role-name", "AWSServiceRoleForECS",
                 "--description", "edited")
    assert result.returncode == 0, result.stderr
    assert iam.get_role(RoleName="AWSServiceRoleForECS")["Role"]["Description"] == "edited"
    role = iam.update_role_description(RoleName="AWSServiceRoleForECS",
                                       Description="again")["Role"]
    assert role["Description"] == "again"
    with pytest.raises(ClientError) as err:
        iam.update_role(RoleName="AWSServiceRoleForECS", Description="x",
                        MaxSessionDuration=7200)
    assert error_of(err) == ("UnmodifiableEntity", PROTECTED, 400)
    assert iam.get_role(RoleName="AWSServiceRoleForECS")["Role"]["Description"] == "again"


def test_service_linked_role_can_be_tagged(iam):
    iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    iam.tag_role(RoleName="AWSServiceRoleForECS", Tags=[{"Key": "k", "Value": "v"}])
    assert iam.list_role_tags(RoleName="AWSServiceRoleForECS")["Tags"] == [
        {"Key": "k", "Value": "v"}]


def test_delete_service_linked_role_returns_a_task_that_succeeds(iam):
    iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForECS")["DeletionTaskId"]
    assert task.startswith("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/")
    status = iam.get_service_linked_role_deletion_status(DeletionTaskId=task)
    assert status["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as err:
        iam.get_role(RoleName="AWSServiceRoleForECS")
    assert error_of(err)[0] == "NoSuchEntity"


def test_delete_service_linked_role_refuses_ordinary_roles(iam):
    iam.create_role(RoleName="plain", AssumeRolePolicyDocument=TRUST)
    with pytest.raises(ClientError):
        iam.delete_service_linked_role(RoleName="plain")
    assert iam.get_role(RoleName="plain")["Role"]["RoleName"] == "plain"


def test_deletion_status_of_unknown_task(iam, account):
    unknown = ("task/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS/"
               "00000000-0000-0000-0000-000000000000")
    with pytest.raises(ClientError) as err:
        iam.get_service_linked_role_deletion_status(DeletionTaskId=unknown)
    assert error_of(err)[0::2] == ("NoSuchEntity", 404)
    with pytest.raises(ClientError) as err:
        iam.get_service_linked_role_deletion_status(DeletionTaskId="garbage")
    assert error_of(err)[0::2] == ("InvalidInput", 400)


def test_deletion_task_of_another_account_is_not_visible(iam, server):
    from tests.conftest import new_account

    iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForECS")["DeletionTaskId"]
    other = new_account(server).client("iam")
    with pytest.raises(ClientError) as err:
        other.get_service_linked_role_deletion_status(DeletionTaskId=task)
    assert error_of(err)[0] == "NoSuchEntity"


@pytest.mark.parametrize(("service", "name", "policy"), [
    ("batch.amazonaws.com", "AWSServiceRoleForBatch", "BatchServiceRolePolicy"),
    ("replication.ecr.amazonaws.com", "AWSServiceRoleForECRReplication",
     "ECRReplicationServiceRolePolicy"),
    ("ram.amazonaws.com", "AWSServiceRoleForResourceAccessManager",
     "AWSResourceAccessManagerServiceRolePolicy"),
    ("ses.amazonaws.com", "AWSServiceRoleForAmazonSES", "AmazonSESServiceRolePolicy"),
    ("wafv2.amazonaws.com", "AWSServiceRoleForWAFV2Logging", "WAFV2LoggingServiceRolePolicy"),
    ("mq.amazonaws.com", "AWSServiceRoleForAmazonMQ", "AmazonMQServiceRolePolicy"),
    ("fis.amazonaws.com", "AWSServiceRoleForFIS", "AmazonFISServiceRolePolicy"),
    ("grafana.amazonaws.com", "AWSServiceRoleForAmazonGrafana",
     "AmazonGrafanaServiceLinkedRolePolicy"),
])
def test_catalogue_services_get_their_role_and_policy(iam, service, name, policy):
    role = iam.create_service_linked_role(AWSServiceName=service)["Role"]
    assert role["RoleName"] == name
    assert role["Path"] == f"/aws-service-role/{service}/"
    assert "MaxSessionDuration" not in role
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert attached == [{"PolicyName": policy,
                         "PolicyArn": f"arn:aws:iam::aws:policy/aws-service-role/{policy}"}]
    task = iam.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == (
        "SUCCEEDED")
    with pytest.raises(ClientError):
        iam.get_role(RoleName=name)


def test_description_defaults_to_the_services_own(iam):
    iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com")
    role = iam.get_role(RoleName="AWSServiceRoleForECS")["Role"]
    assert role["Description"] == "Role to enable Amazon ECS to manage your cluster."


def test_custom_suffix_is_refused_where_the_service_takes_none(iam):
    with pytest.raises(ClientError) as err:
        iam.create_service_linked_role(AWSServiceName="ecs.amazonaws.com", CustomSuffix="x")
    assert error_of(err) == ("InvalidInput",
                             "Custom suffix is not allowed for ecs.amazonaws.com", 400)
