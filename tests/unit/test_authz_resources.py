"""The resource ARN each IAM and STS call is authorized on, from the reference data."""

from __future__ import annotations

import botocore.session
import pytest

from rolecall.auth import principal as principals
from rolecall.authz import actions, resources
from rolecall.authz.resources import Entity, EntityLookup, target

ACCOUNT = "111122223333"
BOB = principals.iam_user(ACCOUNT, "AIDAEXAMPLE", "bob", "/staff/", "AKIAEXAMPLE")


class FakeLookup(EntityLookup):
    """Entities as if read from the database: a role and a user with a path."""

    def __init__(self) -> None:
        super().__init__(lambda: None, {})  # type: ignore[arg-type, return-value]

    def user(self, account: str, name: str) -> Entity | None:
        if name.lower() == "bob":
            return Entity(f"arn:aws:iam::{account}:user/staff/bob", {"team": "a"})
        return None

    def role(self, account: str, name: str) -> Entity | None:
        if name.lower() == "app":
            return Entity(f"arn:aws:iam::{account}:role/svc/app", {"env": "prod"},
                          f"arn:aws:iam::{account}:policy/b")
        return None

    def group(self, account: str, name: str) -> Entity | None:
        return None

    def instance_profile(self, account: str, name: str) -> Entity | None:
        return None

    def policy(self, arn: str) -> Entity | None:
        return Entity(arn)

    def tagged_by_arn(self, tag_type: str, arn: str) -> Entity:
        return Entity(arn)


@pytest.mark.parametrize("service, operation, params, expected", [
    ("iam", "UpdateAssumeRolePolicy", {"RoleName": "app"},
     f"arn:aws:iam::{ACCOUNT}:role/svc/app"),
    ("iam", "CreateUser", {"UserName": "eve", "Path": "/new/"},
     f"arn:aws:iam::{ACCOUNT}:user/new/eve"),
    ("iam", "ListUsers", {}, f"arn:aws:iam::{ACCOUNT}:user/"),
    ("iam", "ListRoles", {}, f"arn:aws:iam::{ACCOUNT}:role/"),
    ("iam", "CreatePolicy", {"PolicyName": "p", "Path": "/x/"},
     f"arn:aws:iam::{ACCOUNT}:policy/x/p"),
    ("iam", "GetPolicy", {"PolicyArn": "arn:aws:iam::aws:policy/ReadOnlyAccess"},
     "arn:aws:iam::aws:policy/ReadOnlyAccess"),
    ("iam", "ListAccessKeys", {}, f"arn:aws:iam::{ACCOUNT}:user/staff/bob"),
    ("iam", "GetAccountSummary", {}, "*"),
    ("iam", "CreateOpenIDConnectProvider", {"Url": "https://token.example.com/x"},
     f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.example.com/x"),
    ("iam", "SimulatePrincipalPolicy",
     {"PolicySourceArn": f"arn:aws:iam::{ACCOUNT}:role/app"},
     f"arn:aws:iam::{ACCOUNT}:role/svc/app"),
    ("sts", "GetSessionToken", {}, "*"),
    ("sts", "AssumeRole", {"RoleArn": f"arn:aws:iam::{ACCOUNT}:role/svc/app"},
     f"arn:aws:iam::{ACCOUNT}:role/svc/app"),
    ("sts", "GetFederationToken", {"Name": "fed"},
     f"arn:aws:sts::{ACCOUNT}:federated-user/fed"),
])
def test_resource_arns_follow_aws(service, operation, params, expected):
    assert target(service, operation, params, BOB, FakeLookup()).resource == expected


def test_existing_entity_carries_tags_and_boundary():
    found = target("iam", "PutRolePolicy", {"RoleName": "app"}, BOB, FakeLookup())
    assert found.entity is not None
    assert found.entity.tags == {"env": "prod"}
    assert found.entity.boundary == f"arn:aws:iam::{ACCOUNT}:policy/b"


def test_every_modelled_operation_has_a_resource():
    session = botocore.session.get_session()
    for service in ("iam", "sts"):
        for operation in session.get_service_model(service).operation_names:
            found = target(service, operation, {}, BOB, FakeLookup()).resource
            assert found == "*" or found.startswith("arn:aws:"), (operation, found)


def test_reference_lists_condition_keys():
    assert actions.supports_key("iam", "AttachUserPolicy", "iam:PolicyARN")
    assert not actions.supports_key("iam", "ListUsers", "iam:PolicyARN")
    assert actions.facts("iam", "AddRoleToInstanceProfile").resource_types == (
        "instance-profile",)


def test_by_arn_of_another_account_is_taken_as_given():
    arn = "arn:aws:iam::999999999999:role/app"
    assert resources.by_arn(arn, ACCOUNT, FakeLookup()).resource == arn
