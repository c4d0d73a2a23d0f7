"""Sign-in in a real browser: password, MFA, a required new password, failures that do not
say which part was wrong, sign-out, and a deleted login profile ending the session."""

from __future__ import annotations

import json
import time

import pyotp

from .conftest import ADMIN_PASSWORD, audit_records


def test_sign_in_with_password_shows_dashboard_and_sign_out_ends_it(page, admin):
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    assert f"arn:aws:iam::{admin.account_id}:user/admin" in page.text
    page.shot("dashboard")
    for link in ("Users", "Groups", "Roles", "Policies", "Identity providers", "Simulator",
                 "Switch role", "Audit"):
        page.driver.find_element("link text", link)
    page.sign_out()
    page.open("roles")
    assert "Sign in as IAM user" in page.text


def test_failed_sign_in_does_not_say_which_part_was_wrong(page, admin, server):
    page.sign_in(admin.account_id, "admin", "wrong-password")
    wrong_password = page.text
    page.sign_in(admin.account_id, "nobody", ADMIN_PASSWORD)
    unknown_user = page.text
    page.sign_in("000000000000", "admin", ADMIN_PASSWORD)
    assert "Your authentication information is incorrect" in wrong_password
    assert wrong_password == unknown_user == page.text
    logins = [r for r in audit_records(server, admin.account_id)
              if r["eventName"] == "ConsoleLogin"]
    assert [r["responseElements"]["ConsoleLogin"] for r in logins] == ["Failure", "Failure"]
    assert logins[0]["userIdentity"]["arn"] == f"arn:aws:iam::{admin.account_id}:user/admin"
    assert logins[1]["userIdentity"]["userName"] == "HIDDEN_DUE_TO_SECURITY_REASONS"
    assert all(r["errorMessage"] == "Failed authentication" for r in logins)
    assert "wrong-password" not in json.dumps(logins)


def test_sign_in_with_mfa_asks_for_the_code(page, admin, iam, server):
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="admin")["VirtualMFADevice"]
    seed = device["Base32StringSeed"].decode()
    totp = pyotp.TOTP(seed)
    now = time.time()
    iam.enable_mfa_device(UserName="admin", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1=totp.at(now - 30), AuthenticationCode2=totp.at(now))
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    assert "MFA code" in page.text
    page.fill("MFA code", "000000" if totp.at(now + 30) != "000000" else "111111")
    page.press("Sign in")
    assert "Your authentication information is incorrect" in page.text
    page.open("roles")
    assert "Sign in as IAM user" in page.text  # half-way through sign-in is not signed in
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    page.fill("MFA code", totp.at(time.time() + 30))
    page.press("Sign in")
    page.shot("signed-in-with-mfa")
    assert f"arn:aws:iam::{admin.account_id}:user/admin" in page.text
    [login] = [r for r in audit_records(server, admin.account_id)
               if r["eventName"] == "ConsoleLogin" and "errorMessage" not in r]
    assert login["additionalEventData"]["MFAUsed"] == "Yes"
    assert login["userIdentity"]["sessionContext"]["attributes"]["mfaAuthenticated"] == "true"


def test_password_reset_required_forces_a_new_password(page, admin, iam):
    iam.update_login_profile(UserName="admin", PasswordResetRequired=True)
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    assert "requires a new password" in page.text
    page.fill("New password", "short")
    page.fill("Retype new password", "short")
    page.press("Confirm password change")
    assert "Password does not conform to the account password policy." in page.text
    page.fill("New password", "Another-Pa55word!")
    page.fill("Retype new password", "Another-Pa55word!")
    page.press("Confirm password change")
    assert "Your password has been changed." in page.text
    assert iam.get_login_profile(UserName="admin")["LoginProfile"]["PasswordResetRequired"] is False
    page.sign_out()
    page.sign_in(admin.account_id, "admin", "Another-Pa55word!")
    assert "Dashboard" in page.text


def test_deleted_login_profile_ends_the_session(page, admin, iam):
    page.sign_in(admin.account_id, "admin", ADMIN_PASSWORD)
    assert "Dashboard" in page.text
    iam.delete_login_profile(UserName="admin")
    page.open("roles")
    assert "Sign in as IAM user" in page.text


def test_sign_in_with_the_account_alias(page, admin, iam):
    alias = f"acme-{admin.account_id}"
    iam.create_account_alias(AccountAlias=alias)
    page.sign_in(alias, "admin", ADMIN_PASSWORD)
    assert f"arn:aws:iam::{admin.account_id}:user/admin" in page.text
    assert alias in page.text  # the dashboard names the account by its alias too
