"""Every IAM and STS operation with a handler, driven by inputs derived from its model:
whatever arrives, the answer is a result or an AWS error botocore reads, never a 500."""

from __future__ import annotations

import botocore.session
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rolecall import operations
from rolecall.pipeline import UNSIGNED_OPERATIONS
from rolecall.protocol import models

from .harness import VERSIONS, assert_answered, examples, http_request
from .strategies import form_pairs, mangled, operation_input


def _operations() -> list[tuple[str, str]]:
    session = botocore.session.get_session()
    return [(service, name) for service in ("iam", "sts")
            for name in session.get_service_model(service).operation_names
            if operations.lookup(service, name) is not None]


OPERATIONS = _operations()
FUZZ = settings(max_examples=examples(12), deadline=None, database=None,
                suppress_health_check=list(HealthCheck))


@pytest.mark.parametrize(("service", "operation"), OPERATIONS,
                         ids=[f"{s}:{o}" for s, o in OPERATIONS])
@FUZZ
@given(data=st.data())
def test_operation_answers_every_input_without_500(rolecall, service, operation, data):
    shape = models.operation_model(service, operation).input_shape
    params = data.draw(operation_input(service, operation), label="params")
    form = [("Action", operation), ("Version", VERSIONS[service]), *form_pairs(shape, params)]
    form = data.draw(mangled(form), label="form")
    # The root twice: its calls pass authorization and reach every handler's own checks.
    choices = [rolecall.root, *rolecall.signers]
    if (service, operation) in UNSIGNED_OPERATIONS:
        choices.append(None)
    signer = data.draw(st.sampled_from(choices), label="signer")
    if signer is None:
        from urllib.parse import urlencode

        response = rolecall.send(http_request(
            {"content-type": ["application/x-www-form-urlencoded"]}, urlencode(form).encode()))
    else:
        response = rolecall.call(service, form, signer)
    assert_answered(service, operation, response)


def test_every_operation_of_the_models_is_fuzzed_or_answers_not_implemented(rolecall):
    session = botocore.session.get_session()
    for service in ("iam", "sts"):
        for name in session.get_service_model(service).operation_names:
            if (service, name) in OPERATIONS:
                continue
            response = rolecall.call(service, {"Action": name, "Version": VERSIONS[service]})
            assert response.status == 501, (name, response.body)
