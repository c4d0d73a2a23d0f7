"""SetSecurityTokenServicePreferences, reflected in GetAccountSummary."""

from __future__ import annotations


def test_token_version_defaults_to_1_and_follows_the_preference(iam, aws):
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1
    iam.set_security_token_service_preferences(GlobalEndpointTokenVersion="v2Token")
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 2
    done = aws("iam", "set-security-token-service-preferences",
               "--global-endpoint-token-version", "v1Token")
    assert done.returncode == 0, done.stderr
    assert iam.get_account_summary()["SummaryMap"]["GlobalEndpointTokenVersion"] == 1


def test_unknown_token_version_is_a_validation_error(aws):
    refused = aws("iam", "set-security-token-service-preferences",
                  "--global-endpoint-token-version", "v3Token")
    assert refused.returncode != 0 and "ValidationError" in refused.stderr
