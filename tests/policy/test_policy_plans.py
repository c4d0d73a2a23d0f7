"""Property tests: the per-action plans, the plans shared between policy sets and the
resource index decide exactly as trying every statement of every policy in turn does."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from policy_helpers import ACCOUNT, doc, user

from rolecall.policy import PolicyRef, PolicySet, PolicyType, Request, evaluate, parse_policy
from rolecall.policy.request import Context
from rolecall.policy.resource_index import ResourceIndex

ACTIONS = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "ec2:DescribeInstances"]
ACTION_PATTERNS = ["s3:GetObject", "s3:Get*", "s3:*", "s3:?etObject", "ec2:Describe*", "*"]
NAMES = ["a", "ab", "abc", "b", "ba"]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::a*",
    "arn:aws:s3:::ab/*",
    "arn:aws:s3:::ab/k",
    "arn:aws:s3:::a?c/*",
    "arn:aws:s3:::b*/k*",
    "arn:aws:s3:::*b/k",
    "arn:aws:s3:::${aws:username}/*",
    "arn:aws:s3:::a${aws:username}/k",
    "arn:aws:s3:::ab/${*}",
    "arn:aws:s3:::ab/k?",
    "arn:aws:ec2:us-east-1:123456789012:instance/*",
]
RESOURCES = [
    f"arn:aws:s3:::{bucket}/{key}" for bucket in [*NAMES, "abcd", "aab"] for key in ("k", "kk", "*")
] + ["arn:aws:ec2:us-east-1:123456789012:instance/i-1", "arn:aws:s3:::ab"]
CONDITION = {"StringEquals": {"aws:PrincipalTag/team": "blue"}}


@st.composite
def statements(draw: st.DrawFn, principal: bool = False) -> dict:
    action_key = draw(st.sampled_from(["Action", "Action", "NotAction"]))
    resource_key = draw(st.sampled_from(["Resource", "Resource", "Resource", "NotResource"]))
    element = {
        "Effect": draw(st.sampled_from(["Allow", "Allow", "Allow", "Deny"])),
        action_key: draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=2)),
        resource_key: draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=3)),
    }
    if draw(st.integers(0, 4)) == 0:
        element["Condition"] = CONDITION
    if principal:
        element["Principal"] = draw(
            st.sampled_from(
                [
                    "*",
                    {"AWS": ACCOUNT},
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{NAMES[0]}"},
                    {"AWS": f"arn:aws:iam::{ACCOUNT}:user/{NAMES[1]}"},
                ]
            )
        )
    return element


def policies(kind: PolicyType, count: st.SearchStrategy[int], principal: bool = False):
    """Lists of documents of ``kind``, each with the drawn number of statements."""
    return count.flatmap(
        lambda n: st.lists(statements(principal), min_size=n, max_size=n).map(
            lambda found: parse_policy(doc(*found), kind)
        )
    )


identity_sets = st.lists(policies(PolicyType.IDENTITY, st.integers(1, 12)), min_size=1, max_size=5)
boundaries = st.none() | policies(PolicyType.BOUNDARY, st.integers(1, 3)).map(lambda p: [p])
resource_policies = st.none() | policies(PolicyType.RESOURCE, st.integers(1, 3), principal=True)
asked = st.lists(
    st.tuples(
        st.sampled_from(NAMES), st.sampled_from(ACTIONS), st.sampled_from(RESOURCES), st.booleans()
    ),
    min_size=1,
    max_size=8,
)


def reference(request: Request, policy_set: PolicySet) -> tuple[str, list[tuple], str | None]:
    """Every statement of every layer tried in turn, and the same-account decision for an
    IAM user as the Policy evaluation logic page walks it."""
    context = Context(request)
    matched: dict[str, list[tuple]] = {"Allow": [], "Deny": []}
    layers_allowing: set[str] = set()
    resource_grant = False
    for layer, refs in policy_set.layers():
        for ref in refs:
            for statement in ref.policy.statements:
                if not statement.applies_to_action(request.action.lower()):
                    continue
                if not statement.applies_to_resource(request.resource, context.get):
                    continue
                how = None
                if statement.principal is not None:
                    how = statement.principal.match(request.principal)
                    if how is None:
                        continue
                if statement.condition is not None and not statement.condition.evaluate(
                    context, None
                ):
                    continue
                matched[statement.effect].append((ref.id, layer, statement.index))
                if statement.allow:
                    layers_allowing.add(layer)
                    if layer == "resource" and how in ("direct", "wildcard"):
                        resource_grant = True
    if matched["Deny"]:
        return "explicitDeny", matched["Deny"], matched["Deny"][0][1]
    allows = matched["Allow"]
    if resource_grant:
        return "allowed", allows, None
    if "identity" not in layers_allowing:
        return "implicitDeny", allows, "identity"
    if policy_set.boundary is not None and "boundary" not in layers_allowing:
        return "implicitDeny", allows, "boundary"
    return "allowed", allows, None


def outcome(request: Request, policy_set: PolicySet) -> tuple[str, list[tuple], str | None]:
    decision = evaluate(request, policy_set)
    matched = [(m.policy_id, m.layer, m.index) for m in decision.matched]
    layer = None if decision.denied_by is None else decision.denied_by.layer
    return decision.decision, matched, layer


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(identity_sets, boundaries, resource_policies, asked)
def test_plans_and_index_decide_as_every_statement_tried(identity, boundary, resource, requests):
    refs = [PolicyRef(f"p{i}", "IAM Policy", policy) for i, policy in enumerate(identity)]
    bound = None if boundary is None else [PolicyRef("b", "IAM Policy", boundary[0])]
    target = None if resource is None else PolicyRef("ResourcePolicy", "resource", resource)
    kept = PolicySet(identity=refs, boundary=bound, resource=target)
    for name, action, arn, tagged in requests:
        caller = user(name, tags={"team": "blue"} if tagged else {})
        request = Request(caller, action, arn, ACCOUNT, {})
        expected = reference(request, kept)
        # Twice on the kept set (the second use may build the index), then on a new set of
        # the same policies, which shares the plans of the identity and boundary layers.
        assert outcome(request, kept) == expected
        assert outcome(request, kept) == expected
        fresh = PolicySet(identity=refs, boundary=bound, resource=target)
        assert outcome(request, fresh) == expected
        # Without the resource policy the shared plans must not carry its statements.
        alone = PolicySet(identity=refs, boundary=bound)
        assert outcome(request, alone) == reference(request, alone)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(statements(), min_size=1, max_size=40),
    st.sampled_from(NAMES),
    st.sampled_from(RESOURCES),
)
def test_resource_index_keeps_every_statement_that_can_match(found, name, arn):
    policy = parse_policy(doc(*found), PolicyType.IDENTITY)
    context = Context(Request(user(name), "s3:GetObject", arn))
    positions = ResourceIndex(policy.statements).positions(arn)
    assert positions == sorted(set(positions))
    for position, statement in enumerate(policy.statements):
        if statement.applies_to_resource(arn, context.get):
            assert position in positions


def test_long_plan_reports_matches_in_policy_order():
    """A plan of 40 candidates, indexed on its second use: the matched statements still
    come in layer and document order, and the explicit deny names its layer."""
    many = [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b{i}/*"}
        for i in range(40)
    ]
    many.append({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b1*"})
    refs = [PolicyRef("p", "IAM Policy", parse_policy(doc(*many), PolicyType.IDENTITY))]
    boundary = [
        PolicyRef(
            "b",
            "IAM Policy",
            parse_policy(
                doc({"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::b12/*"}),
                PolicyType.BOUNDARY,
            ),
        )
    ]
    policy_set = PolicySet(identity=refs)
    request = Request(user(), "s3:GetObject", "arn:aws:s3:::b1/k", ACCOUNT)
    for _ in range(3):
        decision = evaluate(request, policy_set)
        assert decision.allowed
        assert [m.index for m in decision.matched] == [1, 40]
    denied = evaluate(
        Request(user(), "s3:GetObject", "arn:aws:s3:::b12/k", ACCOUNT),
        PolicySet(identity=refs, boundary=boundary),
    )
    assert denied.decision == "explicitDeny"
    assert denied.denied_by is not None and denied.denied_by.layer == "boundary"
    assert [(m.layer, m.index) for m in denied.matched] == [("boundary", 0)]
