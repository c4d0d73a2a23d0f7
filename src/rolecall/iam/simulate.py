"""The policy simulator: SimulatePrincipalPolicy, SimulateCustomPolicy and the
GetContextKeysFor*Policy calls, answered by the same engine that enforces every call."""

from __future__ import annotations

import base64
import binascii
import bisect
import datetime as dt
import functools
import ipaddress
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..authz import organization
from ..authz.gather import (
    Subject,
    boundary_policies,
    entity_policies,
    in_organization,
    tags_of,
    with_organization,
)
from ..authz.organization import AccountOrganization
from ..operations import UNTIL_CHANGED, CallContext, operation
from ..policy import (
    Decision,
    MalformedPolicyError,
    MatchedStatement,
    Policy,
    PolicyRef,
    PolicySet,
    PolicyType,
    Position,
    Request,
    RequestPrincipal,
    context_keys,
    evaluate,
    parse_policy,
)
from ..policy.evaluate import BOUNDARY, ORGANIZATION_LAYERS, RESOURCE, SCP
from ..policy.request import Context
from ..protocol.errors import AWSError, invalid_input, no_such_entity
from ..store.tables import Group, GroupMember, Role, User
from .common import paginate

# SourcePolicyType as AWS reports it (the API reference's enum lists other values, but
# recorded responses carry these two strings, for input and attached policies alike).
INPUT_POLICY = "IAM Policy"
RESOURCE_POLICY = "Resource Policy"
# EC2 scenarios and the resource types each must be given (ResourceHandlingOption).
EC2_SCENARIOS = {
    "EC2-VPC-InstanceStore": ("instance", "image", "security-group", "network-interface"),
    "EC2-VPC-InstanceStore-Subnet": ("instance", "image", "security-group",
                                     "network-interface", "subnet"),
    "EC2-VPC-EBS": ("instance", "image", "security-group", "network-interface", "volume"),
    "EC2-VPC-EBS-Subnet": ("instance", "image", "security-group", "network-interface",
                           "subnet", "volume"),
}


# --- inputs ---------------------------------------------------------------------------


def _parse(text: str, kind: PolicyType) -> Policy:
    try:
        return parse_policy(text, kind)
    except MalformedPolicyError as err:
        raise invalid_input(err.message) from None


def input_policies(texts: list[str] | None, name: str, kind: PolicyType) -> list[PolicyRef]:
    """Policies given as strings, named as AWS names them ("PolicyInputList.1", ...)."""
    return [PolicyRef(f"{name}.{i}", INPUT_POLICY, _parse(text, kind))
            for i, text in enumerate(texts or [], 1)]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _is_date(value: str) -> bool:
    if _is_number(value):
        return True
    try:
        dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def _is_binary(value: str) -> bool:
    try:
        base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


_CHECKS = {
    "string": lambda v: True,
    "numeric": _is_number,
    "boolean": lambda v: v.lower() in ("true", "false"),
    "ip": _is_ip,
    "binary": _is_binary,
    "date": _is_date,
}


def context_entries(entries: list[dict[str, Any]] | None) -> dict[str, str | list[str]]:
    """ContextEntries as request context; a value that is not of its type is InvalidInput."""
    context: dict[str, str | list[str]] = {}
    for entry in entries or []:
        name = entry.get("ContextKeyName")
        kind = entry.get("ContextKeyType")
        values = entry.get("ContextKeyValues") or []
        if not name or not kind:
            raise invalid_input("Context entries must have a key name and a key type.")
        is_list = kind.endswith("List")
        check = _CHECKS[kind[:-4] if is_list else kind]
        if not is_list and len(values) != 1:
            raise invalid_input(
                f"Context key {name} of type {kind} must have exactly one value."
            )
        for value in values:
            if not check(value):
                raise invalid_input(f"Invalid value {value} for context key {name} "
                                    f"of type {kind}.")
        if kind.startswith("boolean"):
            values = [v.lower() for v in values]
        context[name] = list(values) if is_list else values[0]
    return context


def _check_scenario(option: str | None, resources: list[str]) -> None:
    if not option:
        return
    required = EC2_SCENARIOS.get(option)
    if required is None:
        raise invalid_input(f"Invalid ResourceHandlingOption: {option}.")
    given = {r.split(":", 5)[5].split("/", 1)[0] for r in resources
             if r.startswith("arn:") and r.count(":") >= 5 and r.split(":")[2] == "ec2"}
    missing = [kind for kind in required if kind not in given]
    if missing:
        raise invalid_input(f"The resource handling option {option} requires resources of "
                            f"type: {', '.join(missing)}.")


def _account_of(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[4] else None


def _caller(arn: str | None, db: Session | None) -> RequestPrincipal | None:
    """CallerArn: only an IAM user ARN may be the simulated caller."""
    if arn is None:
        return None
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or not parts[5].startswith("user/"):
        raise invalid_input(f"Invalid CallerArn: {arn}. CallerArn must be the ARN of an "
                            "IAM user.")
    name = parts[5].rsplit("/", 1)[-1]
    principal = RequestPrincipal(arn, parts[4], "User", username=name)
    if db is not None:
        user = db.scalar(select(User).where(User.account_id == parts[4],
                                            User.name_lower == name.lower()))
        if user is not None:
            principal.user_id = user.id
            principal.tags = tags_of(db, "user", user.id)
    return principal


# --- results --------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _line_starts(text: str) -> tuple[int, ...]:
    return (0, *(i + 1 for i, char in enumerate(text) if char == "\n"))


def _where(starts: tuple[int, ...], offset: int) -> dict[str, int]:
    line = bisect.bisect_right(starts, offset)
    return {"Line": line, "Column": offset - starts[line - 1] + 1}


def _skip_back(text: str, at: int) -> int:
    while at >= 0 and text[at] in " \t\r\n":
        at -= 1
    return at


def reported_span(text: str, opening: Position, closing: Position) -> tuple[dict, dict]:
    """StartPosition/EndPosition of a statement as AWS's reader reports them.

    AWS gives the reader's position just before it takes the statement's opening brace:
    right after the ``[`` for the first statement of a list, right after the previous
    statement's ``}`` for the others, and right after the brace itself when Statement is a
    single object (the reader takes it along with the "Statement" key). The end is right
    after the closing brace. Recorded responses: the AWS CLI's simulate-custom-policy
    example (Line 1, Column 38 to 167 for a one-statement object) and outputs for
    two-statement lists, where the second statement starts where the first ends.
    """
    starts = _line_starts(text)
    brace = starts[opening.line - 1] + opening.column - 1
    before = _skip_back(text, brace - 1)
    if before >= 0 and text[before] == "[":
        begin = before + 1
    elif before >= 0 and text[before] == ",":
        begin = _skip_back(text, before - 1) + 1
    else:
        begin = brace + 1
    end = starts[closing.line - 1] + closing.column
    return _where(starts, begin), _where(starts, end)


def _statement(match: MatchedStatement, texts: dict[tuple[str, str], str]) -> dict[str, Any]:
    start, end = reported_span(texts[(match.layer, match.policy_id)], match.start, match.end)
    return {
        "SourcePolicyId": match.policy_id,
        "SourcePolicyType": match.policy_type,
        "StartPosition": start,
        "EndPosition": end,
    }


def _boundary_allows(decision: Decision) -> bool:
    boundary = [m for m in decision.matched if m.layer == BOUNDARY]
    if decision.denied_by is not None and decision.denied_by.layer == BOUNDARY:
        return False
    return any(m.effect == "Allow" for m in boundary)


def _details(decision: Decision, policies: PolicySet, same_account: bool,
             resource: str) -> dict[str, str] | None:
    """EvalDecisionDetails: per policy type, only for cross-account simulations."""
    if same_account:
        return None if resource == "*" else {}
    identity = any(m.layer == "identity" and m.effect == "Allow" for m in decision.matched)
    details = {INPUT_POLICY: "allowed" if identity else "implicitDeny"}
    if policies.resource is not None:
        granted = any(m.layer == RESOURCE and m.effect == "Allow" for m in decision.matched)
        details[RESOURCE_POLICY] = "allowed" if granted else "implicitDeny"
    if decision.decision == "explicitDeny":
        for m in decision.matched:
            key = RESOURCE_POLICY if m.layer == RESOURCE else INPUT_POLICY
            details[key] = "explicitDeny"
    return details


def _result(decision: Decision, policies: PolicySet, same_account: bool,
            texts: dict[tuple[str, str], str], missing: list[str],
            in_organization: bool = False) -> dict[str, Any]:
    """One EvaluationResult. Missing context values are listed at the top for the "*"
    resource and, when resources are named, under ResourceSpecificResults instead
    (EvaluationResult, MissingContextValues)."""
    request = decision.request
    # SCP statements are reported through OrganizationsDecisionDetail, not as matches.
    matched = [_statement(m, texts) for m in decision.matched
               if m.layer not in ORGANIZATION_LAYERS]
    named = request.resource != "*"
    result: dict[str, Any] = {
        "EvalActionName": request.action,
        "EvalResourceName": request.resource,
        "EvalDecision": decision.decision,
        "MatchedStatements": matched,
        "MissingContextValues": [] if named else list(missing),
    }
    details = _details(decision, policies, same_account, request.resource)
    if details is not None:
        result["EvalDecisionDetails"] = details
    if policies.boundary is not None:
        result["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": _boundary_allows(decision)
        }
    if in_organization:
        denied = decision.denied_by
        result["OrganizationsDecisionDetail"] = {
            "AllowedByOrganizations": denied is None or denied.layer != SCP
        }
    if named:
        specific: dict[str, Any] = {
            "EvalResourceName": request.resource,
            "EvalResourceDecision": decision.decision,
            "MatchedStatements": matched,
            "MissingContextValues": list(missing),
        }
        if details:
            # Only cross-account simulations detail a single resource's decision.
            specific["EvalDecisionDetails"] = details
        if policies.boundary is not None:
            specific["PermissionsBoundaryDecisionDetail"] = result[
                "PermissionsBoundaryDecisionDetail"]
        result["ResourceSpecificResults"] = [specific]
    return result


@dataclass
class Simulation:
    """Everything one Simulate* call evaluates."""

    principal: RequestPrincipal
    policies: PolicySet
    actions: list[str]
    resources: list[str]
    owner: str
    context: dict[str, str | list[str]]
    # Whether the simulated principal's account is in an organization (its SCPs then
    # take part, and each result carries OrganizationsDecisionDetail).
    in_organization: bool = False
    texts: dict[tuple[str, str], str] = field(init=False)

    def __post_init__(self) -> None:
        self.texts = {(layer, ref.id): ref.policy.text
                      for layer, refs in self.policies.layers() for ref in refs}

    def missing_context_values(self) -> list[str]:
        """Every key the simulated policies read that neither ContextEntries nor the
        simulated caller supplies, whatever the action: AWS lists them as
        GetContextKeysFor*Policy would (boto3 issue 3111 shows a key from a statement for
        another action reported)."""
        supplied = {name.lower() for name in self.context}
        caller = Context(Request(self.principal, "iam:SimulateCustomPolicy", "*"))
        keys = _keys([ref.policy for _, refs in self.policies.layers() for ref in refs])
        return [key for key in keys
                if key.lower() not in supplied and caller.get(key.lower()) is None]

    def run(self) -> list[dict[str, Any]]:
        results = []
        missing = self.missing_context_values()
        for action in self.actions:
            if ":" not in action:
                raise invalid_input(f"Invalid action name: {action}.")
            for resource in self.resources:
                account = _account_of(resource) or self.owner
                request = Request(self.principal, action, resource, account, self.context)
                decision = evaluate(request, self.policies)
                same = account == self.principal.account
                results.append(_result(decision, self.policies, same, self.texts, missing,
                                       self.in_organization))
        return results


def _simulation(ctx: CallContext, params: dict[str, Any], principal: RequestPrincipal,
                identity: list[PolicyRef], boundary: list[PolicyRef] | None) -> Simulation:
    resources = params.get("ResourceArns") or ["*"]
    _check_scenario(params.get("ResourceHandlingOption"), resources)
    resource_policy = None
    if params.get("ResourcePolicy") is not None:
        resource_policy = PolicyRef("ResourcePolicy", RESOURCE_POLICY,
                                    _parse(params["ResourcePolicy"], PolicyType.RESOURCE))
    owner = params.get("ResourceOwner")
    owner_account = _account_of(owner) if owner else principal.account
    if owner and owner_account is None:
        raise invalid_input(f"Invalid ResourceOwner: {owner}.")
    policies = PolicySet(identity=identity, boundary=boundary, resource=resource_policy)
    context = context_entries(params.get("ContextEntries"))
    return Simulation(principal, policies, list(params["ActionNames"]), list(resources),
                      owner_account or ctx.account_id, context)


# --- the entity behind PolicySourceArn ----------------------------------------------------


def _source(ctx: CallContext, arn: str) -> tuple[str, Any]:
    """(kind, row) for a user, group or role ARN of this account; NoSuchEntity otherwise."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] != "iam":
        raise invalid_input(f"Invalid ARN: {arn}.")
    kind, _, rest = parts[5].partition("/")
    name = rest.rsplit("/", 1)[-1]
    tables = {"user": User, "group": Group, "role": Role}
    table = tables.get(kind)
    if table is None or not name:
        raise invalid_input(f"Invalid ARN: {arn}. The ARN must be of a user, group or role.")
    row = None
    if parts[4] == ctx.account_id:
        row = ctx.db.scalar(select(table).where(table.account_id == ctx.account_id,
                                                table.name_lower == name.lower()))
    if row is None:
        raise no_such_entity(f"The {kind} with name {name} cannot be found.")
    return kind, row


def _labelled(ctx: CallContext, kind: str, row: Any) -> list[PolicyRef]:
    """An entity's policies named as the simulator names them: an inline policy as
    ``<kind>_<entity name>_<policy name>`` (e.g. ``role_my-role_my-policy``), a managed
    policy by its name, every one of SourcePolicyType "IAM Policy" (recorded responses)."""
    refs = []
    for ref in entity_policies(ctx.db, kind, row.id):
        inline = ref.type == kind
        name = f"{kind}_{row.name}_{ref.id}" if inline else ref.id
        refs.append(PolicyRef(name, INPUT_POLICY, ref.policy))
    return refs


def _source_policies(ctx: CallContext, kind: str, row: Any) -> list[PolicyRef]:
    """A user's own policies then each of its groups'; a group's or role's own."""
    refs = _labelled(ctx, kind, row)
    if kind == "user":
        groups = ctx.db.scalars(
            select(Group).join(GroupMember, GroupMember.group_id == Group.id)
            .where(GroupMember.user_id == row.id).order_by(GroupMember.added_seq))
        for group in groups:
            refs.extend(_labelled(ctx, "group", group))
    return refs


def _given_boundary(params: dict[str, Any]) -> list[str] | None:
    """The API takes one permissions boundary at most (API reference,
    SimulatePrincipalPolicy: "You can input only one permissions boundary")."""
    given = params.get("PermissionsBoundaryPolicyInputList")
    if given and len(given) > 1:
        raise AWSError("ValidationError",
                       "1 validation error detected: Value at "
                       "'permissionsBoundaryPolicyInputList' failed to satisfy constraint: "
                       "Member must have length less than or equal to 1")
    return given


def _boundary(source: _Source, params: dict[str, Any]) -> list[PolicyRef] | None:
    """Boundary policies given as strings replace the entity's own boundary."""
    given = _given_boundary(params)
    if given:
        return input_policies(given, "PermissionsBoundaryPolicyInputList", PolicyType.BOUNDARY)
    return source.boundary


def _own_boundary(ctx: CallContext, row: Any) -> list[PolicyRef] | None:
    arn = getattr(row, "permissions_boundary", None)
    if not arn:
        return None
    refs = boundary_policies(ctx.db, arn) or []
    return [PolicyRef(ref.id, INPUT_POLICY, ref.policy) for ref in refs]


def _source_principal(ctx: CallContext, kind: str, row: Any) -> RequestPrincipal:
    real_arn = f"arn:aws:iam::{ctx.account_id}:{kind}{row.path}{row.name}"
    if kind == "user":
        return RequestPrincipal(real_arn, ctx.account_id, "User", user_id=row.id,
                                username=row.name, tags=tags_of(ctx.db, "user", row.id))
    if kind == "role":
        return RequestPrincipal(real_arn, ctx.account_id, "AssumedRole", role_arn=real_arn,
                                tags=tags_of(ctx.db, "role", row.id))
    return RequestPrincipal(real_arn, ctx.account_id, "User")


@dataclass(frozen=True)
class _Source:
    """What the simulator reads of the entity behind PolicySourceArn, kept until IAM state
    changes (``Server.memo``), so a simulation is decided from memory."""

    kind: str
    policies: list[PolicyRef]
    boundary: list[PolicyRef] | None  # the entity's own
    principal: RequestPrincipal
    organization: AccountOrganization | None


def _load_source(ctx: CallContext, arn: str) -> _Source:
    kind, row = _source(ctx, arn)
    return _Source(kind, _source_policies(ctx, kind, row), _own_boundary(ctx, row),
                   _source_principal(ctx, kind, row), organization.load(ctx.db, ctx.account_id))


@operation("iam", "SimulatePrincipalPolicy", cached=UNTIL_CHANGED)
def simulate_principal_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    arn = params["PolicySourceArn"]
    source = ctx.server.memo(("SimulationSource", ctx.account_id, arn),
                             lambda: _load_source(ctx, arn))
    caller_arn = params.get("CallerArn")
    if params.get("ResourcePolicy") is not None and source.kind != "user" and caller_arn is None:
        # The text a recorded SimulatePrincipalPolicy response gives for a role.
        raise invalid_input("Invalid caller - Caller must be an IAM user in this context.")
    caller = _caller(caller_arn, ctx.db)
    # A copy: the organization's keys are set on the principal decided.
    principal = caller or replace(source.principal)
    identity = source.policies + input_policies(
        params.get("PolicyInputList"), "PolicyInputList", PolicyType.IDENTITY)
    simulation = _simulation(ctx, params, principal, identity, _boundary(source, params))
    subject = Subject(principal, simulation.policies)
    subject = (with_organization(ctx.db, subject) if caller is not None
               else in_organization(source.organization, subject))
    simulation.policies = subject.policies
    simulation.in_organization = principal.org_id is not None
    return paginate(simulation.run(), params, "EvaluationResults")


@operation("iam", "SimulateCustomPolicy", cached=UNTIL_CHANGED)
def simulate_custom_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    identity = input_policies(params["PolicyInputList"], "PolicyInputList", PolicyType.IDENTITY)
    boundary_texts = _given_boundary(params)
    boundary = (input_policies(boundary_texts, "PermissionsBoundaryPolicyInputList",
                               PolicyType.BOUNDARY) if boundary_texts else None)
    if params.get("ResourcePolicy") is not None and params.get("CallerArn") is None:
        raise invalid_input("CallerArn must be specified when a ResourcePolicy is given.")
    # Without CallerArn there is no caller: keys such as aws:username stay missing.
    principal = _caller(params.get("CallerArn"), ctx.db) or RequestPrincipal(
        "", ctx.account_id, "User")
    simulation = _simulation(ctx, params, principal, identity, boundary)
    return paginate(simulation.run(), params, "EvaluationResults")


# --- context keys -------------------------------------------------------------------------


def _keys(policies: list[Policy]) -> list[str]:
    found: dict[str, str] = {}
    for policy in policies:
        for key in context_keys(policy):
            found.setdefault(key.lower(), key)
    return list(found.values())


@operation("iam", "GetContextKeysForCustomPolicy")
def get_context_keys_for_custom_policy(ctx: CallContext, params: dict[str, Any]) -> dict[str, Any]:
    policies = [_parse(text, PolicyType.IDENTITY) for text in params["PolicyInputList"]]
    return {"ContextKeyNames": _keys(policies)}


@operation("iam", "GetContextKeysForPrincipalPolicy")
def get_context_keys_for_principal_policy(ctx: CallContext,
                                          params: dict[str, Any]) -> dict[str, Any]:
    kind, row = _source(ctx, params["PolicySourceArn"])
    policies = [ref.policy for ref in _source_policies(ctx, kind, row)]
    policies += [_parse(text, PolicyType.IDENTITY) for text in params.get("PolicyInputList") or []]
    return {"ContextKeyNames": _keys(policies)}
