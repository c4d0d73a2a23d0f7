"""AWS's policy evaluation logic for one account's principal and one resource.

Order, as the IAM User Guide's "Policy evaluation logic" pages have it: any explicit Deny in
any applicable policy wins; then, in the same account, a resource-based policy that grants
the caller's own ARN (IAM user, role session, federated-user session) or every principal
("*") allows on its own; a grant to the role or IAM user behind a session satisfies the
identity side but stays limited by permissions boundaries and session policies; a grant to
the account delegates to identity-based policies. A role trust policy is the exception: it
must itself allow, and the caller's boundary still applies. Across accounts both the
identity side and the resource-based policy must allow. A federated-user session created
without a session policy has no permissions.

Organizations add two layers before all of that (the "Policy evaluation logic" flowchart):
service control policies limit the principals of member accounts and resource control
policies limit the resources of member accounts. Each is a list of levels, root → OU → ... →
account; a request is allowed by the layer only when at least one policy at every level
allows it, and any matching Deny in either layer is an explicit deny. Neither layer grants
anything. Which requests they apply to (not the management account, not service-linked
roles, RCPs only for the services that support them) is the caller's decision: it leaves
the layer None where it does not apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rolecall.policy.conditions import ClauseResult
from rolecall.policy.document import Policy, Statement
from rolecall.policy.jsontext import Position
from rolecall.policy.principals import ACCOUNT, DIRECT, WILDCARD
from rolecall.policy.request import NON_IAM_TYPES, Context, Request, account_of_arn
from rolecall.policy.resource_index import ResourceIndex
from rolecall.policy.validate import PolicyType

ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY = "allowed", "explicitDeny", "implicitDeny"
IDENTITY, BOUNDARY, SESSION, RESOURCE = "identity", "boundary", "session", "resource"
SCP, RCP = "scp", "rcp"
LAYERS = (IDENTITY, BOUNDARY, SESSION, RESOURCE)
ORGANIZATION_LAYERS = (SCP, RCP)
# One level of an organization layer: the policies attached to one root, OU or account.
# Their PolicyRef.type names that target (r-..., ou-..., or the account id).
Levels = tuple[tuple["PolicyRef", ...], ...]


@dataclass(frozen=True)
class PolicyRef:
    """A policy in a PolicySet. ``type`` is AWS's SourcePolicyType ('user', 'role', ...)."""

    id: str
    type: str
    policy: Policy


@dataclass
class PolicySet:
    """Everything that applies to one request.

    ``identity``: the caller's inline and attached policies (a user's include its groups').
    ``boundary``: the permissions boundary, or None when the caller has none.
    ``session``: the session policies of a role or federated-user session, or None when the
    session was created without any (AWS then applies no session layer).
    ``resource``: the resource-based policy of the target, e.g. a role's trust policy when
    deciding sts:AssumeRole (parse it as PolicyType.TRUST).
    ``scp``, ``rcp``: the organization layers, level by level, or None where they do not
    apply.
    """

    identity: list[PolicyRef] = field(default_factory=list)
    boundary: list[PolicyRef] | None = None
    session: list[PolicyRef] | None = None
    resource: PolicyRef | None = None
    scp: Levels | None = None
    rcp: Levels | None = None
    # Per action: the statements that can apply, layer by layer: those of the identity,
    # boundary and session layers (shared by every set holding the same policies) and those
    # of the resource layer. A PolicySet is therefore not to be changed once evaluated;
    # build a new one instead.
    _plans: dict[str, tuple[_Plan, tuple[_Entry, ...]]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _shared: dict[str, _Plan] | None = field(default=None, init=False, repr=False, compare=False)

    def layers(self) -> list[tuple[str, list[PolicyRef]]]:
        """The policies of each layer present, in evaluation-report order."""
        found = [(IDENTITY, self.identity)]
        if self.boundary is not None:
            found.append((BOUNDARY, self.boundary))
        if self.session is not None:
            found.append((SESSION, self.session))
        if self.resource is not None:
            found.append((RESOURCE, [self.resource]))
        return found

    def organization_layers(self) -> list[tuple[str, Levels]]:
        found: list[tuple[str, Levels]] = []
        if self.scp is not None:
            found.append((SCP, self.scp))
        if self.rcp is not None:
            found.append((RCP, self.rcp))
        return found

    def with_organization(self, scp: Levels | None, rcp: Levels | None) -> PolicySet:
        """The same IAM layers with these organization layers; the per-action plans of the
        IAM layers are shared, as they do not depend on the organization layers."""
        copy = PolicySet(self.identity, self.boundary, self.session, self.resource, scp, rcp)
        copy._plans, copy._shared = self._plans, self._shared
        return copy

    def plan(self, action_lower: str) -> tuple[_Plan, tuple[_Entry, ...]]:
        """Statements whose Action/NotAction covers the action, with their layer and the
        record reported if they match: the IAM layers' plan, then the resource layer's."""
        plan = self._plans.get(action_lower)
        if plan is None:
            shared = self._shared
            if shared is None:
                shared = self._shared = _shared_plans(self.identity, self.boundary, self.session)
            base = shared.get(action_lower)
            if base is None:
                entries: list[_Entry] = []
                for layer, refs in self.layers():
                    if layer != RESOURCE:
                        for ref in refs:
                            entries.extend(_entries(layer, ref, action_lower))
                base = _Plan(entries)
                if len(shared) >= _PLANS_SIZE:
                    shared.clear()
                shared[action_lower] = base
            extra = () if self.resource is None else _entries(RESOURCE, self.resource, action_lower)
            plan = (base, extra)
            if len(self._plans) >= _PLANS_SIZE:
                self._plans.clear()
            self._plans[action_lower] = plan
        return plan


@dataclass(frozen=True)
class MatchedStatement:
    """A statement that applied to the request."""

    policy_id: str
    policy_type: str
    layer: str
    sid: str | None
    index: int
    effect: str
    start: Position
    end: Position


@dataclass(frozen=True)
class DeniedBy:
    """The layer that refused the request, and whether by an explicit Deny."""

    layer: str
    explicit: bool


@dataclass(frozen=True)
class StatementTrace:
    """Why one statement did or did not apply: ``failed`` names the element that missed."""

    index: int
    sid: str | None
    effect: str
    matched: bool
    failed: str | None
    conditions: tuple[ClauseResult, ...]


@dataclass(frozen=True)
class PolicyTrace:
    layer: str
    policy_id: str
    policy_type: str
    statements: tuple[StatementTrace, ...]


@dataclass
class Decision:
    """The outcome and its reasons. ``trace`` re-runs the evaluation, recording everything."""

    decision: str
    matched: list[MatchedStatement]
    missing_context_keys: list[str]
    denied_by: DeniedBy | None
    request: Request
    policies: PolicySet

    @property
    def allowed(self) -> bool:
        return self.decision == ALLOWED

    @property
    def trace(self) -> list[PolicyTrace]:
        return trace_policies(self.request, self.policies)


def _record(layer: str, ref: PolicyRef, statement: Statement) -> MatchedStatement:
    return MatchedStatement(
        ref.id,
        ref.type,
        layer,
        statement.sid,
        statement.index,
        statement.effect,
        statement.start,
        statement.end,
    )


# A candidate statement with its layer and the record reported when it matches.
_Entry = tuple[str, Statement, MatchedStatement]
# Entries per (layer, policy id, source type, compiled policy, action), shared by every
# PolicySet that holds the same policy: the request pipeline builds a new set whenever the
# target has a resource-based policy, and would otherwise rebuild every record.
_ENTRIES: dict[tuple[str, str, str, Policy, str], tuple[_Entry, ...]] = {}
_ENTRIES_SIZE = 16384
# A plan with this many candidates gets a resource index once it is used a second time.
_INDEX_FROM = 16


def _entries(layer: str, ref: PolicyRef, action_lower: str) -> tuple[_Entry, ...]:
    key = (layer, ref.id, ref.type, ref.policy, action_lower)
    found = _ENTRIES.get(key)
    if found is None:
        found = tuple(
            (layer, s, _record(layer, ref, s)) for s in ref.policy.candidates(action_lower)
        )
        if len(_ENTRIES) >= _ENTRIES_SIZE:
            _ENTRIES.clear()
        _ENTRIES[key] = found
    return found


class _Plan:
    """The candidate entries for one action, in evaluation order, and when there are many
    an index that narrows them to those whose Resource can match."""

    __slots__ = ("_index", "_used", "entries")

    def __init__(self, entries: list[_Entry]) -> None:
        self.entries = entries
        self._index: ResourceIndex | None = None
        self._used = False

    def candidates(self, resource: str) -> list[_Entry]:
        entries = self.entries
        index = self._index
        if index is None:
            if len(entries) < _INDEX_FROM or not self._used:
                self._used = True
                return entries
            index = self._index = ResourceIndex([statement for _, statement, _ in entries])
        return [entries[position] for position in index.positions(resource)]


# Per-action plans of the IAM layers, by the identity of the PolicyRef objects in each layer.
# Each entry holds those objects, so no other object can take their ids while it exists.
_SHARED: dict[tuple[int, ...], tuple[tuple[PolicyRef, ...], dict[str, _Plan]]] = {}
_SHARED_SIZE = 1024
_PLANS_SIZE = 1024


def _shared_plans(
    identity: list[PolicyRef], boundary: list[PolicyRef] | None, session: list[PolicyRef] | None
) -> dict[str, _Plan]:
    refs = (*identity, *(boundary or ()), *(session or ()))
    shape = (len(identity), -1 if boundary is None else len(boundary))
    key = (*shape, -1 if session is None else len(session), *map(id, refs))
    found = _SHARED.get(key)
    if found is None:
        if len(_SHARED) >= _SHARED_SIZE:
            _SHARED.clear()
        found = _SHARED[key] = (refs, {})
    return found[1]


def _principal_match(
    statement: Statement, request: Request, bounded: bool = False
) -> tuple[bool, str | None]:
    """(applies, how the caller was named) for the Principal/NotPrincipal element.

    A Deny with NotPrincipal applies to every caller that has a permissions boundary,
    whatever the element lists (Permissions boundaries page, "Important" note).
    """
    matcher = statement.principal
    if matcher is None:
        return True, None
    if statement.not_principal:
        if bounded and not statement.allow:
            return True, None
        return not matcher.excludes(request.principal), None
    how = matcher.match(request.principal)
    return how is not None, how


class _Matches:
    """Matched statements of the IAM layers, each list in evaluation order (identity,
    boundary, session, resource), the layers with a matching Allow, and how the resource
    layer's matching Allows named the caller."""

    __slots__ = ("allowed", "allows", "denies", "grants")

    def __init__(self) -> None:
        self.allows: list[MatchedStatement] = []
        self.denies: list[MatchedStatement] = []
        self.allowed: set[str] = set()
        self.grants: set[str] = set()


def _scan(
    request: Request, policies: PolicySet, context: Context, missing: list[str], iam: bool
) -> _Matches:
    """Match every candidate statement. A caller without IAM policies only has a resource
    layer; the root user a session layer too when its session has one (AssumeRoot's task
    policy)."""
    resource = request.resource
    base, extra = policies.plan(request.action.lower())
    entries = base.candidates(resource)
    if extra:
        entries = [*entries, *extra]
    if not iam:
        kept = (RESOURCE, SESSION) if request.principal.type == "Account" else (RESOURCE,)
        entries = [entry for entry in entries if entry[0] in kept]
    found = _Matches()
    lookup = context.get
    bounded = policies.boundary is not None
    for layer, statement, matched in entries:
        resources = statement.resources
        if resources is not None and (
            resources.matches(resource, lookup) == statement.not_resource
        ):
            continue
        how = None
        if statement.principal is not None:
            applies, how = _principal_match(statement, request, bounded)
            if not applies:
                continue
        if statement.condition is not None and not statement.condition.evaluate(context, missing):
            continue
        if statement.allow:
            found.allows.append(matched)
            found.allowed.add(layer)
            if layer == RESOURCE:
                found.grants.add(how or "")
        else:
            found.denies.append(matched)
    return found


def _resource_account(request: Request) -> str:
    return request.resource_account or account_of_arn(request.resource) or request.principal.account


_EXPLICIT_BY = {name: DeniedBy(name, True) for name in LAYERS + ORGANIZATION_LAYERS}
_IMPLICIT_BY = {name: DeniedBy(name, False) for name in LAYERS + ORGANIZATION_LAYERS}
Outcome = tuple[str, list[MatchedStatement], DeniedBy | None]
# Same-account grants that no implicit deny elsewhere limits: the caller's own ARN, or "*".
_UNLIMITED = frozenset({DIRECT, WILDCARD})


def evaluate(request: Request, policies: PolicySet) -> Decision:
    """Decide one request against the policies that apply to it."""
    missing: list[str] = []
    caller = request.principal
    iam = caller.type != "Account" and caller.type not in NON_IAM_TYPES
    context = Context(request)
    if policies.scp is None and policies.rcp is None:
        found = _scan(request, policies, context, missing, iam)
        decision, matched, denied = _decide(request, policies, found, iam)
    else:
        organization = _scan_organization(request, policies, context, missing)
        found = _scan(request, policies, context, missing, iam)
        decision, matched, denied = _decide_organization(organization, found)
        if decision is None:
            decision, matched, denied = _decide(request, policies, found, iam)
    keys = list(dict.fromkeys(missing)) if missing else missing
    return Decision(decision, matched, keys, denied, request, policies)


class _Organization:
    """Matched Deny statements of the organization layers, and the first layer in which
    some level had no matching Allow."""

    __slots__ = ("denies", "unallowed")

    def __init__(self) -> None:
        self.denies: list[MatchedStatement] = []
        self.unallowed: str | None = None


def _scan_organization(
    request: Request, policies: PolicySet, context: Context, missing: list[str]
) -> _Organization:
    outcome = _Organization()
    action_lower = request.action.lower()
    resource, lookup = request.resource, context.get
    for layer_name, levels in policies.organization_layers():
        for level in levels:
            allowed = False
            for ref in level:
                for statement in ref.policy.candidates(action_lower):
                    if not statement.applies_to_resource(resource, lookup):
                        continue
                    if not _principal_match(statement, request)[0]:
                        continue
                    if statement.condition is not None and not statement.condition.evaluate(
                        context, missing
                    ):
                        continue
                    if statement.allow:
                        allowed = True
                    else:
                        outcome.denies.append(_record(layer_name, ref, statement))
            if not allowed and outcome.unallowed is None:
                outcome.unallowed = layer_name
    return outcome


def _decide_organization(
    organization: _Organization, found: _Matches
) -> tuple[str | None, list[MatchedStatement], DeniedBy | None]:
    """The organization layers' verdict when they refuse; (None, ...) when they let the
    IAM layers decide. An explicit deny anywhere still names the organization layer first."""
    if organization.denies:
        first = organization.denies[0].layer
        return EXPLICIT_DENY, organization.denies + found.denies, _EXPLICIT_BY[first]
    if organization.unallowed is not None:
        if found.denies:
            return None, [], None
        return IMPLICIT_DENY, found.allows, _IMPLICIT_BY[organization.unallowed]
    return None, [], None


def _decide(request: Request, policies: PolicySet, found: _Matches, iam: bool) -> Outcome:
    denies = found.denies
    if denies:
        # The lists follow the evaluation order of the layers, so the first names the layer.
        return EXPLICIT_DENY, denies, _EXPLICIT_BY[denies[0].layer]
    allows = found.allows
    caller = request.principal
    grants = found.grants

    if caller.type in NON_IAM_TYPES:
        return (
            (ALLOWED, allows, None) if grants else (IMPLICIT_DENY, allows, _IMPLICIT_BY[RESOURCE])
        )

    root = caller.type == "Account"
    same_account = _resource_account(request) == caller.account
    trust = policies.resource is not None and policies.resource.policy.kind is PolicyType.TRUST
    if same_account:
        if root and not trust:
            return ALLOWED, allows, None
        if trust and not grants:
            # A role trust policy must itself allow; identity-based policies cannot.
            return IMPLICIT_DENY, allows, _IMPLICIT_BY[RESOURCE]
        if not trust and grants & _UNLIMITED:
            return ALLOWED, allows, None
        # A grant to the account delegates to the account's identity-based policies.
        identity_ok = root or IDENTITY in found.allowed or bool(grants - {ACCOUNT})
    else:
        identity_ok = root or IDENTITY in found.allowed
    if not identity_ok:
        return IMPLICIT_DENY, allows, _IMPLICIT_BY[IDENTITY]
    # Only IAM principals have a boundary layer; the root user keeps its session layer.
    if iam and policies.boundary is not None and BOUNDARY not in found.allowed:
        return IMPLICIT_DENY, allows, _IMPLICIT_BY[BOUNDARY]
    if policies.session is not None and SESSION not in found.allowed:
        return IMPLICIT_DENY, allows, _IMPLICIT_BY[SESSION]
    if caller.type == "FederatedUser" and policies.session is None:
        # GetFederationToken without a session policy grants nothing.
        return IMPLICIT_DENY, allows, _IMPLICIT_BY[SESSION]
    if not same_account and not grants:
        return IMPLICIT_DENY, allows, _IMPLICIT_BY[RESOURCE]
    return ALLOWED, allows, None


def _trace_statement(
    statement: Statement, request: Request, context: Context, bounded: bool
) -> StatementTrace:
    failed: str | None = None
    conditions: tuple[ClauseResult, ...] = ()
    action_element = "NotAction" if statement.not_action else "Action"
    if not statement.applies_to_action(request.action.lower()):
        failed = action_element
    elif not statement.applies_to_resource(request.resource, context.get):
        failed = "NotResource" if statement.not_resource else "Resource"
    elif not _principal_match(statement, request, bounded)[0]:
        failed = "NotPrincipal" if statement.not_principal else "Principal"
    elif statement.condition is not None:
        conditions = tuple(c.explain(context) for c in statement.condition.clauses)
        if not all(c.result for c in conditions):
            failed = "Condition"
    return StatementTrace(
        statement.index, statement.sid, statement.effect, failed is None, failed, conditions
    )


def trace_policies(request: Request, policies: PolicySet) -> list[PolicyTrace]:
    """Every statement of every policy with the reason it matched or not; the organization
    layers first, level by level, each policy labelled with the target it is attached to."""
    context = Context(request)
    organization = [
        PolicyTrace(
            layer,
            ref.id,
            ref.type,
            tuple(_trace_statement(s, request, context, False) for s in ref.policy.statements),
        )
        for layer, levels in policies.organization_layers()
        for level in levels
        for ref in level
    ]
    return organization + [
        PolicyTrace(
            layer,
            ref.id,
            ref.type,
            tuple(
                _trace_statement(s, request, context, policies.boundary is not None)
                for s in ref.policy.statements
            ),
        )
        for layer, refs in policies.layers()
        for ref in refs
    ]
