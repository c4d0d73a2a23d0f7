"""Virtual MFA devices through IAM: creation (seed and QR code), enabling with two
consecutive codes, resynchronizing, deactivating, deleting, listing and tags."""

from __future__ import annotations

import time

import pyotp
import pytest
from botocore.exceptions import ClientError

from tests.integration.test_sts_support import enable_virtual_mfa, error_of


def test_create_virtual_mfa_device_returns_seed_and_png_qr_code(iam, account):
    device = iam.create_virtual_mfa_device(
        VirtualMFADeviceName="alice", Path="/team/",
        Tags=[{"Key": "k", "Value": "v"}])["VirtualMFADevice"]
    assert device["SerialNumber"] == f"arn:aws:iam::{account.account_id}:mfa/team/alice"
    seed = device["Base32StringSeed"].decode()
    assert len(seed) == 64 and pyotp.TOTP(seed).now().isdigit()
    assert device["QRCodePNG"].startswith(b"\x89PNG\r\n\x1a\n")
    assert device["Tags"] == [{"Key": "k", "Value": "v"}]


def test_duplicate_virtual_mfa_device_is_refused(iam):
    iam.create_virtual_mfa_device(VirtualMFADeviceName="dev")
    with pytest.raises(ClientError) as err:
        iam.create_virtual_mfa_device(VirtualMFADeviceName="dev")
    assert error_of(err) == (
        # Recorded wording (LocalStack's AWS-validated test_iam_mfa snapshot).
        "EntityAlreadyExists", "MFA device already exists.", 409)


def test_enable_needs_two_consecutive_codes(iam):
    iam.create_user(UserName="bob")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]
    totp = pyotp.TOTP(device["Base32StringSeed"].decode())
    now = time.time()
    serial = device["SerialNumber"]
    for first, second in ((totp.at(now - 30), totp.at(now - 30)),
                          (totp.at(now - 90), totp.at(now - 30)),
                          ("000000", "000000")):
        with pytest.raises(ClientError) as err:
            iam.enable_mfa_device(UserName="bob", SerialNumber=serial,
                                  AuthenticationCode1=first, AuthenticationCode2=second)
        assert error_of(err) == ("InvalidAuthenticationCode",
                                 "Authentication code for device is not valid.", 403)
    iam.enable_mfa_device(UserName="bob", SerialNumber=serial,
                          AuthenticationCode1=totp.at(now - 30),
                          AuthenticationCode2=totp.at(now))
    listed = iam.list_mfa_devices(UserName="bob")["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [("bob", serial)]
    got = iam.get_mfa_device(SerialNumber=serial)
    assert got["UserName"] == "bob" and "EnableDate" in got


def test_a_device_in_use_cannot_be_enabled_again_or_deleted(iam):
    iam.create_user(UserName="bob")
    iam.create_user(UserName="eve")
    serial, seed = enable_virtual_mfa(iam, "bob")
    now = time.time()
    with pytest.raises(ClientError) as err:
        iam.enable_mfa_device(UserName="eve", SerialNumber=serial,
                              AuthenticationCode1=pyotp.TOTP(seed).at(now),
                              AuthenticationCode2=pyotp.TOTP(seed).at(now + 30))
    assert error_of(err)[0] == "EntityAlreadyExists"
    with pytest.raises(ClientError) as err:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error_of(err) == ("DeleteConflict", "MFA Device is still in use.", 409)
    iam.deactivate_mfa_device(UserName="bob", SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_list_virtual_mfa_devices_by_assignment_status(iam, account):
    iam.create_user(UserName="bob")
    assigned, _ = enable_virtual_mfa(iam, "bob")
    spare = iam.create_virtual_mfa_device(VirtualMFADeviceName="spare")[
        "VirtualMFADevice"]["SerialNumber"]
    by_status = {
        status: [d["SerialNumber"] for d in iam.list_virtual_mfa_devices(
            AssignmentStatus=status)["VirtualMFADevices"]]
        for status in ("Assigned", "Unassigned", "Any")
    }
    assert by_status == {"Assigned": [assigned], "Unassigned": [spare],
                         "Any": sorted([assigned, spare])}
    row = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"][0]
    assert row["User"]["UserName"] == "bob" and "EnableDate" in row


def test_resync_accepts_two_consecutive_codes_after_drift(iam):
    iam.create_user(UserName="bob")
    serial, seed = enable_virtual_mfa(iam, "bob")
    totp = pyotp.TOTP(seed)
    now = time.time()
    iam.resync_mfa_device(UserName="bob", SerialNumber=serial,
                          AuthenticationCode1=totp.at(now), AuthenticationCode2=totp.at(now + 30))
    with pytest.raises(ClientError) as err:  # codes are never accepted twice
        iam.resync_mfa_device(UserName="bob", SerialNumber=serial,
                              AuthenticationCode1=totp.at(now),
                              AuthenticationCode2=totp.at(now + 30))
    assert error_of(err)[0] == "InvalidAuthenticationCode"


def test_mfa_device_tags(iam):
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="d")[
        "VirtualMFADevice"]["SerialNumber"]
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "a", "Value": "1"},
                                                  {"Key": "b", "Value": "2"}])
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["a"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "b", "Value": "2"}]


def test_unknown_device_is_no_such_entity(iam, account):
    iam.create_user(UserName="bob")
    serial = f"arn:aws:iam::{account.account_id}:mfa/ghost"
    with pytest.raises(ClientError) as err:
        iam.enable_mfa_device(UserName="bob", SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
    assert error_of(err)[0] == "NoSuchEntity"
    with pytest.raises(ClientError) as err:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert error_of(err)[0] == "NoSuchEntity"
