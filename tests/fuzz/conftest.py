"""One in-process rolecall per fuzz module, with the entities generated calls refer to."""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterator

import pytest
import sqlalchemy

from tests.conftest import PG_ADMIN_URL

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
    if os.environ.get("ROLECALL_TEST_DB", "sqlite") == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
        return
    name = f"rolecall_fuzz_{secrets.token_hex(4)}"
    admin = sqlalchemy.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


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
