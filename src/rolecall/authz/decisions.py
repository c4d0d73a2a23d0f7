"""Decisions already made, for the same question asked again.

A decision is a function of the policies, the principal, the action, the resource and the
condition keys the policies read: nothing else in the request context can change it. So the
authorizer keeps each decision under exactly those inputs, the context reduced to the keys
some policy of the set names (in a Condition or a policy variable). A key that varies, such
as aws:CurrentTime, makes its own entries only where a policy reads it. The memo lives
beside the compiled subjects and is dropped with them (enforce._Cache): on every IAM change
and at least every second.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..policy import Decision, Policy, PolicySet, Request
from ..policy.context_keys import context_keys

MAX_DECISIONS = 50_000


def _keys_read(policy: Policy, known: dict[int, tuple[Policy, frozenset[str]]]) -> frozenset[str]:
    found = known.get(id(policy))
    if found is None or found[0] is not policy:
        found = (policy, frozenset(key.lower() for key in context_keys(policy)))
        known[id(policy)] = found
    return found[1]


def _policies(policies: PolicySet) -> list[tuple[str, Policy]]:
    out = [(layer, ref.policy) for layer, refs in policies.layers() for ref in refs]
    for layer, levels in policies.organization_layers():
        for depth, level in enumerate(levels):
            out.extend((f"{layer}{depth}", ref.policy) for ref in level)
    return out


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class DecisionMemo:
    def __init__(self) -> None:
        self._decisions: dict[tuple, tuple[tuple, Decision]] = {}
        self._keys: dict[int, tuple[Policy, frozenset[str]]] = {}
        self._layouts: dict[int, tuple[PolicySet, tuple]] = {}

    def _layout(self, policies: PolicySet) -> tuple:
        """(layered policies, their identities, the condition keys they read) of a policy
        set, worked out once per set: a cached caller's set is the same object every call."""
        found = self._layouts.get(id(policies))
        if found is not None and found[0] is policies:
            return found[1]
        layered = _policies(policies)
        read: set[str] = set()
        for _, policy in layered:
            read |= _keys_read(policy, self._keys)
        layout = (layered, tuple((layer, id(policy)) for layer, policy in layered),
                  frozenset(read))
        if len(self._layouts) >= MAX_DECISIONS:
            self._layouts.clear()
        self._layouts[id(policies)] = (policies, layout)
        return layout

    def decide(self, request: Request, policies: PolicySet,
               evaluate: Callable[[Request, PolicySet], Decision]) -> Decision:
        """``evaluate(request, policies)``, or the decision it gave for the same inputs.

        The entry holds the principal and policy objects its key names by id, so no id in
        a live key can be reused by another object."""
        layered, identities, read = self._layout(policies)
        key = (
            id(request.principal), request.action.lower(), request.resource,
            request.resource_account, identities, _context_part(request.context, read),
        )
        found = self._decisions.get(key)
        if found is not None:
            # The same outcome and reasons, about this request (explain reports and the
            # gateway read the request's context from the decision). Built directly:
            # dataclasses.replace works out the fields again on every call.
            kept = found[1]
            return Decision(kept.decision, kept.matched, kept.missing_context_keys,
                            kept.denied_by, request, policies)
        decision = evaluate(request, policies)
        if len(self._decisions) >= MAX_DECISIONS:
            self._decisions.clear()
        self._decisions[key] = ((request.principal, layered), decision)
        return decision


def _context_part(context: Mapping[str, Any], read: frozenset[str]) -> tuple:
    if not read:
        return ()
    return tuple(sorted((name.lower(), _frozen(value)) for name, value in context.items()
                        if name.lower() in read))
