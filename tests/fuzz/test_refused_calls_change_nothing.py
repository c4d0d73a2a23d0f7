"""A refused call changes nothing: whatever a mutating call is sent, if it answers an
error, the account's IAM state reads exactly as before it."""

from __future__ import annotations

import dataclasses

import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolecall import operations
from rolecall.protocol import models
from rolecall.protocol.errors import AWSError

from .harness import VERSIONS, assert_answered, examples
from .strategies import form_pairs, operation_input

WRITES = [(service, name) for service in ("iam", "sts")
          for name in botocore.session.get_session().get_service_model(service).operation_names
          if (spec := operations.lookup(service, name)) is not None and spec.write]

# Reads that together show an account's IAM state.
SNAPSHOT = ("GetAccountAuthorizationDetails", "ListAccountAliases", "ListOpenIDConnectProviders",
            "ListSAMLProviders", "ListServerCertificates", "ListVirtualMFADevices",
            "ListAccessKeys", "ListSSHPublicKeys", "ListSigningCertificates",
            "ListServiceSpecificCredentials", "ListMFADevices", "GetLoginProfile",
            "GetAccountPasswordPolicy")
PER_USER = ("ListAccessKeys", "ListSSHPublicKeys", "ListSigningCertificates",
            "ListServiceSpecificCredentials", "ListMFADevices", "GetLoginProfile")


def _strip_last_used(value):
    """RoleLastUsed moves whenever a role session signs a call; it is not IAM state."""
    if isinstance(value, dict):
        return {k: _strip_last_used(v) for k, v in value.items()
                if k not in ("RoleLastUsed", "ResponseMetadata")}
    if isinstance(value, list):
        return [_strip_last_used(v) for v in value]
    return value


def snapshot(rolecall) -> dict:
    state = {}
    for name in SNAPSHOT:
        if name in PER_USER:
            continue
        response = rolecall.call("iam", {"Action": name, "Version": VERSIONS["iam"]})
        state[name] = _strip_last_used(assert_answered("iam", name, response))
    for user in state["GetAccountAuthorizationDetails"]["UserDetailList"]:
        for name in PER_USER:
            response = rolecall.call("iam", {"Action": name, "Version": VERSIONS["iam"],
                                             "UserName": user["UserName"]})
            state[f"{name}:{user['UserName']}"] = _strip_last_used(
                assert_answered("iam", name, response))
    return state


@st.composite
def mutating_calls(draw):
    service, name = draw(st.sampled_from(WRITES))
    shape = models.operation_model(service, name).input_shape
    params = draw(operation_input(service, name))
    return service, name, [("Action", name), ("Version", VERSIONS[service]),
                           *form_pairs(shape, params)]


@settings(max_examples=examples(50), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(call=mutating_calls(), signer_index=st.integers(0, 3))
def test_a_refused_mutating_call_leaves_iam_state_unchanged(rolecall, call, signer_index):
    service, name, form = call
    before = snapshot(rolecall)
    response = rolecall.call(service, form, rolecall.signers[signer_index])
    assert_answered(service, name, response)
    if response.status != 200:
        assert snapshot(rolecall) == before, (name, response.body)


@pytest.mark.parametrize("failure", [AWSError("LimitExceeded", "late refusal"),
                                     RuntimeError("late crash")], ids=["aws-error", "crash"])
def test_a_handler_failing_after_it_wrote_leaves_nothing_behind(rolecall, monkeypatch, failure):
    """The transaction is the call: rows a handler added before failing are rolled back."""
    spec = operations.lookup("iam", "CreateUser")

    def create_then_fail(ctx, params):
        spec.handler(ctx, params)
        raise failure

    monkeypatch.setitem(operations._REGISTRY, ("iam", "CreateUser"),
                        dataclasses.replace(spec, handler=create_then_fail))
    before = snapshot(rolecall)
    response = rolecall.call("iam", {"Action": "CreateUser", "Version": VERSIONS["iam"],
                                     "UserName": "half-made",
                                     "Tags.member.1.Key": "k", "Tags.member.1.Value": "v"})
    assert response.status == (409 if isinstance(failure, AWSError) else 500)
    assert snapshot(rolecall) == before
