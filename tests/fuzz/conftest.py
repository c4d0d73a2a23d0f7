"""One in-process rolecall per fuzz module, with the entities generated calls refer to."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import scratch_database

from .harness import Rolecall
from .strategies import GROUPS, INSTANCE_PROFILES, POLICIES, ROLES, USERS

_ALLOW_ALL = json.dumps({"Version": "2012-10-17",
                         "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})
_TRUST = json.dumps({"Version": "2012-10-17", "Statement": [{
    "Effect": "Allow", "Action": "sts:AssumeRole",
    "Principal": {"AWS": "arn:aws:iam::123456789012:root"}}]})


@pytest.fixture(scope="module")
def fuzz_db_url(tmp_path_factory) -> Iterator[str]:
    """A fresh database per module: SQLite, or PostgreSQL with ROLECALL_TEST_DB=postgresql."""
    with scratch_database(tmp_path_factory, "fuzz") as url:
        yield url


@pytest.fixture(scope="module")
def rolecall(fuzz_db_url):
    service = Rolecall(fuzz_db_url)
    for user in USERS:
        service.ok("iam", "CreateUser", {"UserName": user})
    for role in ROLES:
        service.ok("iam", "CreateRole", {"RoleName": role, "AssumeRolePolicyDocument": _TRUST})
    for group in GROUPS:
        service.ok("iam", "CreateGroup", {"GroupName": group})
    for policy in POLICIES:
        service.ok("iam", "CreatePolicy", {"PolicyName": policy, "PolicyDocument": _ALLOW_ALL})
    for profile in INSTANCE_PROFILES:
        service.ok("iam", "CreateInstanceProfile", {"InstanceProfileName": profile})
    yield service
    service.close()
