"""EC2: Describe* on ``*`` (they have no resource-level permissions), RunInstances on
every resource it touches, tag-on-create, and iam:PassRole for instance profiles.

Sources: "Example policies for working with the Amazon EC2 API" and "Grant permission to
tag Amazon EC2 resources during creation" (``ec2:CreateTags`` with ``ec2:CreateAction``)
in the EC2 User Guide; resources and keys from the Service Authorization Reference.
"""

from __future__ import annotations

from . import arns, reference, tags
from .call import Call, Check, Context
from .default import check, keep_supported

# Resource-id prefix -> reference resource type (for CreateTags/DeleteTags on ids).
_ID_TYPES = {"i": "instance", "vol": "volume", "sg": "security-group", "subnet": "subnet",
             "vpc": "vpc", "ami": "image", "snap": "snapshot", "eni": "network-interface",
             "igw": "internet-gateway", "rtb": "route-table", "lt": "launch-template",
             "eipalloc": "elastic-ip", "nat": "natgateway", "acl": "network-acl"}
_ID_LISTS = {"InstanceIds": "instance", "VolumeIds": "volume", "ImageIds": "image",
             "SnapshotIds": "snapshot", "GroupIds": "security-group"}


def arn(call: Call, resource_type: str, resource_id: str) -> str:
    template = reference.resource_template("ec2", resource_type)
    if template is None:
        return "*"
    variable = template.rsplit("${", 1)[1].rstrip("}")
    return (template.replace("${Partition}", call.partition)
            .replace("${Region}", call.region).replace("${Account}", call.account_id)
            .replace("${" + variable + "}", resource_id))


def checks(call: Call) -> list[Check] | None:
    operation = call.operation
    region: Context = {"ec2:Region": call.region}
    if operation.startswith("Describe"):
        return [check(call, f"ec2:{operation}", "*", region)]
    if operation == "RunInstances":
        return _run_instances(call)
    if operation in ("CreateTags", "DeleteTags"):
        ids = call.params.get("Resources")
        return [check(call, f"ec2:{operation}", _id_arn(call, str(i)), region)
                for i in (ids if isinstance(ids, list) else [])] or None
    if operation in ("AssociateIamInstanceProfile", "ReplaceIamInstanceProfileAssociation"):
        found = [check(call, f"ec2:{operation}", _instance_or_star(call), region)]
        return found + _pass_profile(call)
    for member, resource_type in _ID_LISTS.items():
        ids = call.params.get(member)
        if isinstance(ids, list) and ids:
            return [check(call, f"ec2:{operation}", arn(call, resource_type, str(i)), region)
                    for i in ids]
    return _resources(call) + _tag_on_create(call)


def _resources(call: Call) -> list[Check]:
    """One Check per resource type the action is authorized on: each required type (its id
    from the params, ``*`` for the one being created) and each optional one the params name."""
    action = f"ec2:{call.operation}"
    found = reference.privilege("ec2", call.operation)
    if found is None or not found.resource_types:
        return [check(call, action, "*", {"ec2:Region": call.region})]
    out = []
    for resource_type, template in found.resource_types:
        filled = arns.fill(template, call)
        if filled is None and resource_type in found.required:
            filled = arn(call, resource_type, "*")
        if filled is not None:
            context = {"ec2:Region": call.region, **tags.tag_context(call.params, resource_type)}
            out.append(Check(action, filled, keep_supported(action, context)))
    return out or [check(call, action, "*", {"ec2:Region": call.region})]


def _tag_on_create(call: Call) -> list[Check]:
    """Tags set on creation also need ec2:CreateTags, with ``ec2:CreateAction``."""
    specs = call.params.get("TagSpecifications")
    types = [s.get("ResourceType") for s in specs if isinstance(s, dict)] if isinstance(
        specs, list) else []
    out = []
    for resource_type in dict.fromkeys(t for t in types if isinstance(t, str)):
        tagged = tags.tag_context(call.params, resource_type)
        if tagged:
            out.append(Check("ec2:CreateTags", arn(call, resource_type, "*"),
                             {"ec2:Region": call.region, **tagged,
                              "ec2:CreateAction": call.operation}))
    return out


def _id_arn(call: Call, resource_id: str) -> str:
    resource_type = _ID_TYPES.get(resource_id.split("-", 1)[0])
    return arn(call, resource_type, resource_id) if resource_type else "*"


def _instance_or_star(call: Call) -> str:
    instance = call.text("InstanceId")
    return arn(call, "instance", instance) if instance else "*"


def _pass_profile(call: Call) -> list[Check]:
    """iam:PassRole is decided on the profile's role; this names the profile's ARN and the
    caller swaps in its role (see the package docstring)."""
    profile = call.params.get("IamInstanceProfile")
    if not isinstance(profile, dict):
        return []
    profile_arn = profile.get("Arn")
    if not isinstance(profile_arn, str) and isinstance(profile.get("Name"), str):
        profile_arn = (f"arn:{call.partition}:iam::{call.account_id}:"
                       f"instance-profile/{profile['Name']}")
    if not isinstance(profile_arn, str):
        return []
    return [Check("iam:PassRole", profile_arn, {"iam:PassedToService": "ec2.amazonaws.com"})]


def _run_instances(call: Call) -> list[Check]:
    """One Check per resource RunInstances is authorized on, in the reference's order;
    ids the request does not give (the default subnet, security group...) are ``*``."""
    params = call.params
    region: Context = {"ec2:Region": call.region}
    instance_context: Context = {**region, **tags.tag_context(params, "instance")}
    if isinstance(params.get("InstanceType"), str):
        instance_context["ec2:InstanceType"] = params["InstanceType"]
    groups = params.get("SecurityGroupIds")
    found = [
        Check("ec2:RunInstances", arn(call, "instance", "*"), instance_context),
        Check("ec2:RunInstances", arn(call, "image", call.text("ImageId") or "*"), region),
        Check("ec2:RunInstances", arn(call, "subnet", call.text("SubnetId") or "*"), region),
        Check("ec2:RunInstances", arn(call, "network-interface", "*"),
              {**region, **tags.tag_context(params, "network-interface")}),
    ]
    for group in groups if isinstance(groups, list) and groups else ["*"]:
        found.append(Check("ec2:RunInstances", arn(call, "security-group", str(group)), region))
    found.append(Check("ec2:RunInstances", arn(call, "volume", "*"),
                       {**region, **tags.tag_context(params, "volume")}))
    if call.text("KeyName"):
        found.append(Check("ec2:RunInstances", arn(call, "key-pair", params["KeyName"]),
                           region))
    template = params.get("LaunchTemplate")
    if isinstance(template, dict) and isinstance(template.get("LaunchTemplateId"), str):
        found.append(Check("ec2:RunInstances",
                           arn(call, "launch-template", template["LaunchTemplateId"]), region))
    return found + _tag_on_create(call) + _pass_profile(call)
