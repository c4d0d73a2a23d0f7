"""Virtual MFA devices: create, enable for a user, resynchronize, deactivate, delete, list,
tag. Seeds are encrypted at rest; codes are checked as TOTP against the seed, and the last
accepted time step is kept so a code is never accepted twice."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import segno
from sqlalchemy import func, select

from ..auth import totp
from ..operations import CallContext, operation
from ..protocol.errors import AWSError, no_such_entity
from ..store.tables import MFADevice, User
from . import quotas
from .common import (
    add_tags,
    check_tags,
    drop_all_tags,
    find_user,
    list_tags,
    paginate,
    remove_tags,
    tags_page,
    user_arn,
)

TAG_TYPE = "mfa"
# Enabling and resynchronizing look for the two consecutive codes this far back (steps).
ENABLE_WINDOW_STEPS = 10
RESYNC_WINDOW_STEPS = 240


def serial_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:mfa{path}{name}"


def find_device(ctx: CallContext, serial: str) -> MFADevice | None:
    return ctx.db.scalar(
        select(MFADevice).where(MFADevice.account_id == ctx.account_id,
                                MFADevice.serial_number == serial)
    )


def _no_device(serial: str) -> AWSError:
    # DeleteVirtualMFADevice and DeactivateMFADevice of a serial number no device has
    # (LocalStack's AWS-validated test_iam_mfa snapshot: delete-nonexistent-error,
    # deactivate-nonexistent-mfa-error).
    return no_such_entity(f"MFA Device with serial number {serial} does not exist.")


def _existing_device(ctx: CallContext, serial: str) -> MFADevice:
    device = find_device(ctx, serial)
    if device is None:
        raise no_such_entity(f"VirtualMFADevice with serial number {serial} doesn't exist.")
    return device


def device_seed(ctx: CallContext, device: MFADevice) -> str:
    return ctx.server.keys.decrypt(device.seed_encrypted).decode()


def _qr_png(uri: str) -> bytes:
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="png", scale=4)
    return out.getvalue()


@operation("iam", "CreateVirtualMFADevice")
def create_virtual_mfa_device(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params["VirtualMFADeviceName"]
    path = params.get("Path") or "/"
    tags = params.get("Tags") or []
    check_tags(tags, TAG_TYPE)
    serial = serial_arn(ctx.account_id, path, name)
    taken = ctx.db.scalar(
        select(func.count()).select_from(MFADevice).where(
            MFADevice.account_id == ctx.account_id,
            func.lower(MFADevice.serial_number) == serial.lower(),
        )
    )
    if taken:
        # Recorded wording (LocalStack's AWS-validated test_iam_mfa snapshot).
        raise AWSError("EntityAlreadyExists", "MFA device already exists.")
    seed = totp.new_seed()
    ctx.db.add(MFADevice(serial_number=serial, account_id=ctx.account_id, name=name, path=path,
                         seed_encrypted=ctx.server.keys.encrypt(seed.encode()),
                         created_at=ctx.now, owner_id=None, enabled_at=None, last_time_step=0))
    ctx.db.flush()
    add_tags(ctx, TAG_TYPE, serial, tags)
    uri = f"otpauth://totp/{quote(name)}@{ctx.account_id}?secret={seed}"
    device: dict[str, Any] = {"SerialNumber": serial, "Base32StringSeed": seed.encode(),
                              "QRCodePNG": _qr_png(uri)}
    if tags:
        device["Tags"] = list_tags(ctx.db, TAG_TYPE, serial)
    return {"VirtualMFADevice": device}


def _check_codes(ctx: CallContext, device: MFADevice, params: dict[str, Any],
                 window: int) -> None:
    step = totp.consecutive_steps(
        device_seed(ctx, device), params["AuthenticationCode1"], params["AuthenticationCode2"],
        ctx.server.clock(), behind=window, after=device.last_time_step,
    )
    if step is None:
        raise AWSError("InvalidAuthenticationCode", "Authentication code for device is not valid.")
    device.last_time_step = step


@operation("iam", "EnableMFADevice")
def enable_mfa_device(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    device = _existing_device(ctx, params["SerialNumber"])
    if device.owner_id is not None:
        raise AWSError("EntityAlreadyExists", "MFA Device is already in use.")
    count = ctx.db.scalar(select(func.count()).select_from(MFADevice)
                          .where(MFADevice.owner_id == user.id))
    if count >= quotas.MFA_DEVICES_PER_USER:
        raise quotas.exceeded("MFADevicesPerUser", quotas.MFA_DEVICES_PER_USER)
    _check_codes(ctx, device, params, ENABLE_WINDOW_STEPS)
    device.owner_id = user.id
    device.enabled_at = ctx.now


def _assigned_to(ctx: CallContext, user: User, serial: str) -> MFADevice:
    device = find_device(ctx, serial)
    if device is None:
        raise _no_device(serial)
    if device.owner_id != user.id:
        raise no_such_entity(
            f"MFA Device with serial number {serial} does not exist for user {user.name}."
        )
    return device


@operation("iam", "ResyncMFADevice")
def resync_mfa_device(ctx: CallContext, params: dict[str, Any]) -> None:
    user = find_user(ctx, params["UserName"])
    device = _assigned_to(ctx, user, params["SerialNumber"])
    _check_codes(ctx, device, params, RESYNC_WINDOW_STEPS)


@operation("iam", "DeactivateMFADevice")
def deactivate_mfa_device(ctx: CallContext, params: dict[str, Any]) -> None:
    name = params.get("UserName")
    if name is None:
        name = _caller_user_name(ctx)
    user = find_user(ctx, name)
    device = _assigned_to(ctx, user, params["SerialNumber"])
    device.owner_id = None
    device.enabled_at = None


@operation("iam", "DeleteVirtualMFADevice")
def delete_virtual_mfa_device(ctx: CallContext, params: dict[str, Any]) -> None:
    device = find_device(ctx, params["SerialNumber"])
    if device is None:
        raise _no_device(params["SerialNumber"])
    if device.owner_id is not None:
        raise AWSError("DeleteConflict", "MFA Device is still in use.")
    drop_all_tags(ctx, TAG_TYPE, device.serial_number)
    ctx.db.delete(device)


def _caller_user_name(ctx: CallContext) -> str:
    p = ctx.principal
    if p.type != "IAMUser" or not p.user_name:
        raise AWSError("ValidationError",
                       "Must specify userName when calling with non-User credentials")
    return p.user_name


def _owners(ctx: CallContext, devices: list[MFADevice]) -> dict[str, User]:
    ids = {d.owner_id for d in devices if d.owner_id}
    if not ids:
        return {}
    return {u.id: u for u in ctx.db.scalars(select(User).where(User.id.in_(ids)))}


@operation("iam", "GetMFADevice")
def get_mfa_device(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    serial = params["SerialNumber"]
    device = find_device(ctx, serial)
    name = params.get("UserName")
    user = find_user(ctx, name) if name else None
    if device is None or device.owner_id is None or (user and device.owner_id != user.id):
        raise no_such_entity(f"MFA Device with serial number {serial} does not exist.")
    owner = user or _owners(ctx, [device]).get(device.owner_id)
    result: dict[str, Any] = {"SerialNumber": serial, "EnableDate": device.enabled_at}
    if owner is not None:
        result["UserName"] = owner.name
    return result


@operation("iam", "ListMFADevices")
def list_mfa_devices(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("UserName")
    if name is None and ctx.principal.is_root:
        devices: list[MFADevice] = []
        user_name = ctx.account_id
    else:
        user = find_user(ctx, name or _caller_user_name(ctx))
        user_name = user.name
        devices = list(ctx.db.scalars(
            select(MFADevice).where(MFADevice.owner_id == user.id)
            .order_by(MFADevice.enabled_at, MFADevice.serial_number)
        ))
    page = paginate(devices, params, "MFADevices")
    page["MFADevices"] = [{"UserName": user_name, "SerialNumber": d.serial_number,
                           "EnableDate": d.enabled_at} for d in page["MFADevices"]]
    return page


@operation("iam", "ListVirtualMFADevices")
def list_virtual_mfa_devices(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    status = params.get("AssignmentStatus") or "Any"
    devices = list(ctx.db.scalars(
        select(MFADevice).where(MFADevice.account_id == ctx.account_id)
        .order_by(MFADevice.serial_number)
    ))
    if status == "Assigned":
        devices = [d for d in devices if d.owner_id is not None]
    elif status == "Unassigned":
        devices = [d for d in devices if d.owner_id is None]
    page = paginate(devices, params, "VirtualMFADevices")
    owners = _owners(ctx, page["VirtualMFADevices"])
    shapes = []
    for d in page["VirtualMFADevices"]:
        shape: dict[str, Any] = {"SerialNumber": d.serial_number}
        owner = owners.get(d.owner_id or "")
        if owner is not None:
            shape["User"] = {"Path": owner.path, "UserName": owner.name, "UserId": owner.id,
                             "Arn": user_arn(owner), "CreateDate": owner.created_at}
            shape["EnableDate"] = d.enabled_at
        tags = list_tags(ctx.db, TAG_TYPE, d.serial_number)
        if tags:
            shape["Tags"] = tags
        shapes.append(shape)
    page["VirtualMFADevices"] = shapes
    return page


def _tagged_device(ctx: CallContext, serial: str) -> MFADevice:
    device = find_device(ctx, serial)
    if device is None:
        raise no_such_entity(f"The MFA device with serial number {serial} cannot be found.")
    return device


@operation("iam", "TagMFADevice")
def tag_mfa_device(ctx: CallContext, params: dict[str, Any]) -> None:
    device = _tagged_device(ctx, params["SerialNumber"])
    add_tags(ctx, TAG_TYPE, device.serial_number, params["Tags"])


@operation("iam", "UntagMFADevice")
def untag_mfa_device(ctx: CallContext, params: dict[str, Any]) -> None:
    device = _tagged_device(ctx, params["SerialNumber"])
    remove_tags(ctx, TAG_TYPE, device.serial_number, params["TagKeys"])


@operation("iam", "ListMFADeviceTags")
def list_mfa_device_tags(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    device = _tagged_device(ctx, params["SerialNumber"])
    return tags_page(ctx, TAG_TYPE, device.serial_number, params)
