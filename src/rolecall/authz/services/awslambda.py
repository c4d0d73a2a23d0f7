"""Lambda: Invoke is lambda:InvokeFunction; handing a role to a function also needs
iam:PassRole with ``iam:PassedToService`` (Lambda Developer Guide, "Lambda execution
role" and "Resources and conditions for Lambda actions").

``FunctionName`` may be a name, ``name:qualifier``, a partial ARN
(``123456789012:function:name``) or a full ARN; a qualifier (from the name or
``Qualifier``) names the version or alias, which is what Lambda authorizes.
"""

from __future__ import annotations

from .call import Call, Check, Context
from .default import action_name, check

_RENAMED = {"Invoke": "InvokeFunction", "InvokeWithResponseStream": "InvokeFunction",
            "InvokeAsync": "InvokeAsync"}
_PASSES_ROLE = ("CreateFunction", "UpdateFunctionConfiguration")


def function_arn(call: Call, name: str, qualifier: str | None = None) -> str:
    if name.startswith("arn:"):
        base = name
    else:
        parts = name.split(":")
        if len(parts) >= 3 and parts[1] == "function":
            account, rest = parts[0], ":".join(parts[2:])
        else:
            account, rest = call.account_id, name
        base = f"arn:{call.partition}:lambda:{call.region}:{account}:function:{rest}"
    if qualifier and base.count(":") == 6:
        return f"{base}:{qualifier}"
    return base


def checks(call: Call) -> list[Check] | None:
    name = call.text("FunctionName")
    action = f"lambda:{_RENAMED[call.operation]}" if call.operation in _RENAMED else (
        action_name("lambda", call.operation))
    if not name:
        return None
    context: Context = {}
    layers = call.params.get("Layers")
    if isinstance(layers, list) and layers:
        context["lambda:Layer"] = [str(layer) for layer in layers]
    vpc = call.params.get("VpcConfig")
    if isinstance(vpc, dict):
        for member, key in (("SubnetIds", "lambda:SubnetIds"),
                            ("SecurityGroupIds", "lambda:SecurityGroupIds")):
            if isinstance(vpc.get(member), list):
                context[key] = [str(v) for v in vpc[member]]
    for member, key in (("Principal", "lambda:Principal"),
                        ("FunctionUrlAuthType", "lambda:FunctionUrlAuthType")):
        if call.text(member):
            context[key] = call.params[member]
    function = function_arn(call, name, call.text("Qualifier"))
    if "EventSourceMapping" in call.operation:
        # Decided on the mapping (``*`` when creating one), the function in lambda:FunctionArn.
        context["lambda:FunctionArn"] = function
        return [check(call, action, None, context)]
    found = [check(call, action, function, context)]
    role = call.text("Role")
    if call.operation in _PASSES_ROLE and role:
        found.append(Check("iam:PassRole", role, {"iam:PassedToService": "lambda.amazonaws.com"}))
    return found
