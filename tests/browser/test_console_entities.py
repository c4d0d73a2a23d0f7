"""Console pages beyond pages 000 and 004: assigning a virtual MFA device from its QR code,
policy versions and the default version, groups and identity providers."""

from __future__ import annotations

import json
import time

import pyotp

from rolecall.auth.keys import ServerKeys
from rolecall.store.db import Database
from rolecall.store.tables import MFADevice

from .conftest import ADMIN_PASSWORD


def _seed(server, serial: str) -> str:
    """What the QR code holds, read back from the database the way the server reads it."""
    db = Database(server.db_url)
    try:
        keys = ServerKeys.load(db)
        with db.transaction(write=False) as session:
            return keys.decrypt(session.get(MFADevice, serial).seed_encrypted).decode()
    finally:
        db.dispose()


def test_assign_a_virtual_mfa_device_from_its_qr_code(page, admin, iam, server):
    iam.create_user(UserName="dave")
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    page.open("users/dave")
    page.fill("Device name", "dave-phone")
    page.press("Assign MFA device")
    qr = page.driver.find_element("css selector", "img[alt='QR code of the virtual MFA device']")
    assert qr.get_attribute("src").startswith("data:image/png;base64,")
    page.shot("mfa-qr")
    serial = f"arn:aws:iam::{admin.account_id}:mfa/dave-phone"
    totp = pyotp.TOTP(_seed(server, serial))
    now = time.time()
    page.fill("MFA code 1", totp.at(now - 30))
    page.fill("MFA code 2", totp.at(now))
    page.press("Add MFA")
    assert "MFA device assigned." in page.text
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="dave")["MFADevices"]] == [
        serial]


def test_policy_versions_and_default_version(page, admin, iam):
    first = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="Versions", PolicyDocument=json.dumps(first))[
        "Policy"]["Arn"]
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    page.link("Policies")
    page.link("Versions")
    assert "s3:GetObject" in page.field("Policy document").get_attribute("value")
    page.fill("Policy document", '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",'
              ' "Action": "s3:NoSuchAction", "Resource": "*"}]}')
    page.press("Check policy")
    assert "INVALID_ACTION" in page.text and "Line 1, column" in page.text
    assert len(iam.list_policy_versions(PolicyArn=arn)["Versions"]) == 1  # checked, not saved
    page.field("Set as default version").click()  # untick: keep v1 the default
    page.press("Save changes")
    assert "Policy version created." in page.text
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v1"
    page.press("Set as default")
    assert "Default version set." in page.text
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v2"


def test_groups_and_identity_providers(page, admin, iam):
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    page.link("Groups")
    page.fill("Group name", "Developers")
    page.press("Create group")
    assert "Group Developers created." in page.text
    page.fill("Policy name or ARN", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    page.press("Attach policy")
    assert "ReadOnlyAccess" in page.text
    page.link("Identity providers")
    page.fill("Provider URL", "https://token.example.com")
    page.fill("Audience", "my-app")
    page.fill("Thumbprint", "a" * 40)
    page.press("Add provider")
    assert "Identity provider added." in page.text
    assert f"arn:aws:iam::{admin.account_id}:oidc-provider/token.example.com" in page.text
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]


def test_inline_policies_of_a_user_and_a_role(page, admin, iam):
    iam.create_user(UserName="carol")
    iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                "Principal": {"Service": "ec2.amazonaws.com"}}]}))
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    document = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})
    for listing, name, read in (("Users", "carol", lambda: iam.get_user_policy(
            UserName="carol", PolicyName="read")), ("Roles", "reader", lambda: iam.get_role_policy(
            RoleName="reader", PolicyName="read"))):
        page.link(listing)
        page.link(name)
        page.fill("Inline policy name", "read")
        page.fill("Inline policy document", '{"Version": "2012-10-17", "Statement": [ }')
        page.press("Save inline policy")
        assert "MalformedPolicyDocument" in page.text and "Line 1, column" in page.text
        page.fill("Inline policy document", document)
        page.press("Save inline policy")
        assert "Inline policy read saved." in page.text
        # boto3 hands the stored document back decoded.
        assert read()["PolicyDocument"]["Statement"][0]["Action"] == "s3:GetObject"
