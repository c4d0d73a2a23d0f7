"""Page 000 and page 004 in the console, a denied page with its reason, switch role and
back, the simulator and the audit filter: all in a real headless Chromium."""

from __future__ import annotations

import json

from .conftest import ADMIN_PASSWORD, audit_records

EC2_TRUST = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
TWO_ACCOUNTS_TRUST = {"Version": "2012-10-17", "Statement": {
    "Effect": "Allow",
    "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]},
    "Action": "sts:AssumeRole"}}


def test_page_000_modify_a_role(page, admin, iam):
    iam.create_role(RoleName="Test-Role", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    page.link("Roles")
    assert "Test-Role" in page.text
    page.link("Test-Role")
    assert "ec2.amazonaws.com" in page.text
    # An invalid document: IAM's message at its position, nothing changed.
    page.fill("Trust policy", '{"Version": "2012-10-17",\n "Statement": [ }')
    page.press("Update policy")
    assert "MalformedPolicyDocument" in page.text
    assert "Line 2, column" in page.text
    page.shot("trust-policy-error")
    assert iam.get_role(RoleName="Test-Role")["Role"]["AssumeRolePolicyDocument"] == EC2_TRUST
    page.fill("Trust policy", json.dumps(TWO_ACCOUNTS_TRUST, indent=4))
    page.press("Update policy")
    assert "Trust policy updated." in page.text
    assert iam.get_role(RoleName="Test-Role")["Role"][
        "AssumeRolePolicyDocument"] == TWO_ACCOUNTS_TRUST
    page.fill("Permissions boundary",
              "arn:aws:iam::aws:policy/PowerUserAccess")
    page.press("Set boundary")
    assert "Permissions boundary set." in page.text
    page.fill("Maximum session duration", "7200")
    page.press("Save changes")
    role = iam.get_role(RoleName="Test-Role")["Role"]
    assert role["MaxSessionDuration"] == 7200
    assert role["PermissionsBoundary"]["PermissionsBoundaryArn"] == \
        "arn:aws:iam::aws:policy/PowerUserAccess"
    page.fill("Maximum session duration", "60")
    page.press("Save changes")
    assert "ValidationError" in page.text
    assert iam.get_role(RoleName="Test-Role")["Role"]["MaxSessionDuration"] == 7200
    page.shot("role")


def test_page_004_bob_his_policy_a_role_and_an_access_key(page, admin, iam, server):
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    page.link("Users")
    page.link("Create user")
    page.fill("User name", "Bob")
    page.press("Create user")
    assert "User Bob created." in page.text
    page.link("Policies")
    page.link("Create policy")
    page.fill("Policy name", "BobS3")
    page.fill("Policy document", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}]}))
    page.press("Create policy")
    assert "Policy BobS3 created." in page.text
    arn = f"arn:aws:iam::{admin.account_id}:policy/BobS3"
    page.open("users/Bob")
    page.fill("Policy name or ARN", "BobS3")  # a name is looked up, as in AWS's console
    page.press("Attach policy")
    assert "Policy attached." in page.text
    page.press("Create access key")
    key_id = page.driver.find_element("id", "access-key-id").text
    secret = page.driver.find_element("id", "secret-access-key").text
    assert key_id.startswith("AKIA") and len(secret) == 40
    page.shot("access-key")
    page.open("users/Bob")
    assert secret not in page.driver.page_source  # shown once, never again
    page.link("Roles")
    page.link("Create role")
    page.fill("Role name", "BobRole")
    page.field("AWS account").click()  # a "Trusted entity type" choice
    page.press("Use template")
    assert f"arn:aws:iam::{admin.account_id}:root" in page.field("Trust policy").get_attribute(
        "value")
    page.fill("Permissions policy", "AmazonRDSReadOnlyAccess")
    page.press("Create role")
    assert "Role BobRole created." in page.text
    assert iam.list_attached_role_policies(RoleName="BobRole")["AttachedPolicies"] == [
        {"PolicyName": "AmazonRDSReadOnlyAccess",
         "PolicyArn": "arn:aws:iam::aws:policy/AmazonRDSReadOnlyAccess"}]
    assert iam.list_attached_user_policies(UserName="Bob")["AttachedPolicies"][0][
        "PolicyArn"] == arn
    assert iam.get_role(RoleName="BobRole")["Role"]["AssumeRolePolicyDocument"]["Statement"][0][
        "Principal"] == {"AWS": f"arn:aws:iam::{admin.account_id}:root"}
    # The same CloudTrail records as API calls, made by the signed-in user, secrets hidden.
    records = audit_records(server, admin.account_id)
    created = [r for r in records if r["eventName"] == "CreateUser"]
    assert created[-1]["userIdentity"]["arn"] == f"arn:aws:iam::{admin.account_id}:user/admin"
    assert created[-1]["requestParameters"] == {"userName": "Bob"}
    assert secret not in json.dumps(records)


def test_denied_page_shows_the_reason_and_switch_role_and_back(page, admin, iam, server):
    iam.create_user(UserName="carol")
    iam.create_login_profile(UserName="carol", Password=ADMIN_PASSWORD)
    iam.put_user_policy(UserName="carol", PolicyName="only-assume", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Sid": "AssumeAdmins", "Effect": "Allow", "Action": "sts:AssumeRole",
             "Resource": "*"},
            {"Sid": "NoRoleListing", "Effect": "Deny", "Action": "iam:ListRoles",
             "Resource": "*"}]}))
    iam.create_role(RoleName="Admins", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {
            "AWS": f"arn:aws:iam::{admin.account_id}:root"}, "Action": "sts:AssumeRole"}]}))
    iam.attach_role_policy(RoleName="Admins",
                           PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    page.sign_in(admin.account_id, "carol", ADMIN_PASSWORD)
    page.link("Roles")
    text = page.text
    assert "Access denied" in text and "iam:ListRoles" in text
    assert "NoRoleListing" in text and "explicit Deny" in text
    page.shot("denied")
    page.link("Switch role")
    page.fill("Account ID", admin.account_id)
    page.fill("IAM role name", "Admins")
    page.fill("Display name", "Admin work")
    page.press("Switch Role")
    assert "assumed-role/Admins/carol" in page.text
    page.link("Roles")
    assert "Admins" in page.text and "Access denied" not in page.text
    page.shot("switched")
    # Switching again from inside the role uses carol's own credentials: no role chaining.
    page.link("Switch role")
    page.fill("Account ID", admin.account_id)
    page.fill("IAM role name", "Admins")
    page.press("Switch Role")
    assumed = [r for r in audit_records(server, admin.account_id) if r["eventName"] == "AssumeRole"]
    assert [r["userIdentity"]["arn"] for r in assumed] == [
        f"arn:aws:iam::{admin.account_id}:user/carol"] * 2
    page.press("Switch back")
    page.link("Roles")
    assert "Access denied" in page.text
    # A refused change shows the same report, and changes nothing.
    page.open("users/new")
    page.fill("User name", "mallory")
    page.press("Create user")
    assert "Access denied" in page.text and "iam:CreateUser" in page.text
    assert "implicit deny" in page.text
    assert "mallory" not in [u["UserName"] for u in iam.list_users()["Users"]]


def test_simulator_and_audit_filter(page, admin, iam):
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    page.link("Simulator")
    page.field("Custom policy").click()
    page.fill("Policy document", json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "ReadOnly", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]},
        indent=2))
    page.fill("Actions", "s3:GetObject s3:PutObject")
    page.press("Run simulation")
    text = page.text
    assert "allowed" in text and "implicitDeny" in text
    marks = page.driver.find_elements("css selector", "pre.policy mark")
    assert any("ReadOnly" in m.text for m in marks)
    page.shot("simulator")
    # The signed-in user's own policies: the deciding statement of AdministratorAccess.
    page.field("Principal's policies").click()
    page.fill("Principal ARN", f"arn:aws:iam::{admin.account_id}:user/admin")
    page.fill("Actions", "iam:ListRoles")
    page.press("Run simulation")
    assert "AdministratorAccess" in page.text and "allowed" in page.text
    marks = page.driver.find_elements("css selector", "pre.policy mark")
    assert any('"Effect": "Allow"' in m.text for m in marks)
    page.link("Audit")
    page.fill("Event name", "SimulateCustomPolicy")
    page.press("Filter")
    rows = page.driver.find_elements("css selector", "table[aria-label=Events] tbody tr")
    assert "SimulateCustomPolicy" in page.text and "GetRole" not in page.text
    assert rows
    page.shot("audit")
