"""The shipped service-linked role catalogue against the shipped managed policies."""

from __future__ import annotations

from rolecall.data import managed_policies, service_linked_roles


def test_only_the_services_aws_lets_take_a_suffix_do():
    # Recorded from AWS: every other service answers "Custom suffix is not allowed for ...".
    takes = {p for p, e in service_linked_roles.catalogue().items() if e.custom_suffix}
    assert takes == {"autoscaling.amazonaws.com", "connect.amazonaws.com",
                     "lexv2.amazonaws.com"}


def test_every_attached_policy_is_a_shipped_service_role_policy():
    shipped = {e.arn for e in managed_policies.catalog().values()
               if e.path == "/aws-service-role/"}
    missing = {p: e.policy_arn for p, e in service_linked_roles.catalogue().items()
               if e.policy_arn and e.policy_arn not in shipped}
    assert missing == {}


def test_roles_live_under_their_principal_and_follow_aws_naming():
    for principal, entry in service_linked_roles.catalogue().items():
        assert entry.path == f"/aws-service-role/{principal}/"
        assert entry.role_name.startswith("AWSServiceRoleFor"), principal
        assert len(entry.role_name) <= 64, principal
