"""The trust policies the console's "Trusted entity type" choices start from, as AWS's
console writes them (IAM User Guide, "Creating a role")."""

from __future__ import annotations

import json

ENTITY_TYPES = {
    "account": "AWS account",
    "service": "AWS service",
    "web": "Web identity",
    "saml": "SAML 2.0 federation",
}
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"


def trust_policy(kind: str, value: str, audience: str = "", account_id: str = "") -> str:
    """The document for ``kind`` trusting ``value`` (an account ID, a service principal,
    an identity provider); ``account_id`` makes a bare provider name an ARN."""
    value = value.strip()
    if kind == "account":
        principal = {"AWS": f"arn:aws:iam::{value or account_id}:root"}
        statement = {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}
    elif kind == "service":
        statement = {"Effect": "Allow", "Principal": {"Service": value or "ec2.amazonaws.com"},
                     "Action": "sts:AssumeRole"}
    elif kind == "web":
        provider = value or "accounts.google.com"
        key = provider.split(":oidc-provider/", 1)[-1]
        if "/" in provider and not provider.startswith("arn:"):
            provider = f"arn:aws:iam::{account_id}:oidc-provider/{provider}"
        statement = {"Effect": "Allow", "Principal": {"Federated": provider},
                     "Action": "sts:AssumeRoleWithWebIdentity",
                     "Condition": {"StringEquals": {f"{key}:aud": audience or "sts.amazonaws.com"}}}
    elif kind == "saml":
        provider = value if value.startswith("arn:") else \
            f"arn:aws:iam::{account_id}:saml-provider/{value or 'MyProvider'}"
        statement = {"Effect": "Allow", "Principal": {"Federated": provider},
                     "Action": "sts:AssumeRoleWithSAML",
                     "Condition": {"StringEquals": {"SAML:aud": audience or SAML_AUDIENCE}}}
    else:
        raise ValueError(f"unknown trusted entity type {kind!r}")
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)
