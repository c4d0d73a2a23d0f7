"""The service-linked role catalogue: services added from AWS's recordings and service pages.

Role names, attached policies and CustomSuffix rules below are the ones AWS recorded
(LocalStack's service-linked role suite, run against AWS) or its service pages document.
"""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from rolecall.data import service_linked_roles

POLICY = "arn:aws:iam::aws:policy/aws-service-role/"

# (service principal, role name, attached AWS managed policy)
SAMPLE = [
    ("acm.amazonaws.com", "AWSServiceRoleForCertificateManager",
     "CertificateManagerServiceRolePolicy"),
    ("accountdiscovery.ssm.amazonaws.com", "AWSServiceRoleForAmazonSSM_AccountDiscovery",
     "AWSSystemsManagerAccountDiscoveryServicePolicy"),
    ("email.cognito-idp.amazonaws.com", "AWSServiceRoleForAmazonCognitoIdpEmailService",
     "AmazonCognitoIdpEmailServiceRolePolicy"),
    ("ops.apigateway.amazonaws.com", "AWSServiceRoleForAPIGateway",
     "APIGatewayServiceRolePolicy"),
    ("pullthroughcache.ecr.amazonaws.com", "AWSServiceRoleForECRPullThroughCache",
     "AWSECRPullThroughCache_ServiceRolePolicy"),
    ("shield.amazonaws.com", "AWSServiceRoleForAWSShield", "AWSShieldServiceRolePolicy"),
    ("lex.amazonaws.com", "AWSServiceRoleForLexBots", "LexBotPolicy"),
    ("cassandra.application-autoscaling.amazonaws.com",
     "AWSServiceRoleForApplicationAutoScaling_CassandraTable",
     "AWSApplicationAutoscalingCassandraTablePolicy"),
    ("lambda.application-autoscaling.amazonaws.com",
     "AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency",
     "AWSApplicationAutoscalingLambdaConcurrencyPolicy"),
    ("dax.amazonaws.com", "AWSServiceRoleForDAX", "DAXServiceRolePolicy"),
    ("storagegateway.amazonaws.com", "AWSServiceRoleForStorageGateway",
     "AWSStorageGatewayServiceRolePolicy"),
    ("rum.amazonaws.com", "AWSServiceRoleForRealUserMonitoring",
     "AmazonCloudWatchRUMServiceRolePolicy"),
]


def error_of(err: pytest.ExceptionInfo) -> tuple[str, str, int]:
    response = err.value.response
    return (response["Error"]["Code"], response["Error"]["Message"],
            response["ResponseMetadata"]["HTTPStatusCode"])


@pytest.mark.parametrize(("service", "name", "policy"), SAMPLE)
def test_added_service_gets_its_role(iam, account, service, name, policy):
    created = iam.create_service_linked_role(AWSServiceName=service,
                                             Description="made by hand")["Role"]
    assert created["RoleName"] == name
    assert created["Path"] == f"/aws-service-role/{service}/"
    assert created["Arn"] == (f"arn:aws:iam::{account.account_id}:role/aws-service-role/"
                              f"{service}/{name}")
    role = iam.get_role(RoleName=name)["Role"]
    assert role["AssumeRolePolicyDocument"] == {"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    assert role["Description"] == "made by hand"
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert attached == [{"PolicyName": policy, "PolicyArn": POLICY + policy}]


def test_role_without_a_documented_description_has_none(iam):
    iam.create_service_linked_role(AWSServiceName="shield.amazonaws.com")
    assert "Description" not in iam.get_role(RoleName="AWSServiceRoleForAWSShield")["Role"]


@pytest.mark.parametrize(("service", "name"), [
    ("connect.amazonaws.com", "AWSServiceRoleForAmazonConnect"),
    ("lexv2.amazonaws.com", "AWSServiceRoleForLexV2Bots"),
])
def test_custom_suffix_is_taken_where_aws_takes_one(iam, service, name):
    role = iam.create_service_linked_role(AWSServiceName=service, CustomSuffix="team")["Role"]
    assert role["RoleName"] == f"{name}_team"
    assert role["Path"] == f"/aws-service-role/{service}/"
    attached = iam.list_attached_role_policies(RoleName=f"{name}_team")["AttachedPolicies"]
    assert [p["PolicyArn"] for p in attached] == [service_linked_roles.get(service).policy_arn]


@pytest.mark.parametrize("service", [
    # AWS refused a suffix for Elastic Beanstalk although its guide offers one.
    "elasticbeanstalk.amazonaws.com", "acm.amazonaws.com", "shield.amazonaws.com",
    "sagemaker.application-autoscaling.amazonaws.com",
])
def test_custom_suffix_is_refused_elsewhere_and_nothing_is_created(iam, service):
    with pytest.raises(ClientError) as err:
        iam.create_service_linked_role(AWSServiceName=service, CustomSuffix="testsuffix")
    assert error_of(err) == ("InvalidInput", f"Custom suffix is not allowed for {service}", 400)
    prefix = f"/aws-service-role/{service}/"
    assert iam.list_roles(PathPrefix=prefix)["Roles"] == []


def test_cli_creates_deletes_and_reports_the_task(aws):
    service = "kafkaconnect.amazonaws.com"
    created = aws("iam", "create-service-linked-role", "--aws-service-name", service)
    assert created.returncode == 0, created.stderr
    assert created.json["Role"]["RoleName"] == "AWSServiceRoleForKafkaConnect"
    got = aws("iam", "get-role", "--role-name", "AWSServiceRoleForKafkaConnect",
              "--query", "Role.AssumeRolePolicyDocument.Statement[0].[Action,Principal.Service]")
    assert got.returncode == 0, got.stderr
    assert got.json == ["sts:AssumeRole", service]
    attached = aws("iam", "list-attached-role-policies", "--role-name",
                   "AWSServiceRoleForKafkaConnect", "--query", "AttachedPolicies[].PolicyName")
    assert attached.json == ["KafkaConnectServiceRolePolicy"]
    deleted = aws("iam", "delete-service-linked-role", "--role-name",
                  "AWSServiceRoleForKafkaConnect")
    assert deleted.returncode == 0, deleted.stderr
    task = deleted.json["DeletionTaskId"]
    assert task.startswith(f"task/aws-service-role/{service}/AWSServiceRoleForKafkaConnect/")
    status = aws("iam", "get-service-linked-role-deletion-status", "--deletion-task-id", task)
    assert status.json == {"Status": "SUCCEEDED"}
    gone = aws("iam", "get-role", "--role-name", "AWSServiceRoleForKafkaConnect")
    assert gone.returncode != 0
    assert "NoSuchEntity" in gone.stderr


def test_cli_refuses_a_suffix_with_awss_words(aws):
    result = aws("iam", "create-service-linked-role", "--aws-service-name",
                 "memorydb.amazonaws.com", "--custom-suffix", "x")
    assert result.returncode != 0
    assert "(InvalidInput)" in result.stderr
    assert "Custom suffix is not allowed for memorydb.amazonaws.com" in result.stderr


def test_deleted_role_can_be_created_again_with_its_policy(iam):
    name = "AWSServiceRoleForApplicationAutoScaling_CassandraTable"
    service = "cassandra.application-autoscaling.amazonaws.com"
    iam.create_service_linked_role(AWSServiceName=service)
    task = iam.delete_service_linked_role(RoleName=name)["DeletionTaskId"]
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == (
        "SUCCEEDED")
    iam.create_service_linked_role(AWSServiceName=service)
    attached = iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]
    assert [p["PolicyName"] for p in attached] == ["AWSApplicationAutoscalingCassandraTablePolicy"]


def test_redshift_role_trusts_redshift_alone(iam):
    # Amazon Redshift Management Guide, "Using service-linked roles for Amazon Redshift": the
    # role is named AWSServiceRoleForRedshift, described "Allows Amazon Redshift to call AWS
    # services on your behalf." and "trusts only redshift.amazonaws.com to assume the role".
    role = iam.create_service_linked_role(AWSServiceName="redshift.amazonaws.com")["Role"]
    assert role["RoleName"] == "AWSServiceRoleForRedshift"
    assert role["Description"] == "Allows Amazon Redshift to call AWS services on your behalf."
    with pytest.raises(ClientError) as err:
        iam.create_service_linked_role(AWSServiceName="redshift-data.amazonaws.com")
    assert err.value.response["Error"]["Code"] == "InvalidInput"
