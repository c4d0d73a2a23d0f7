"""Services whose last-accessed reports go down to actions (ACTION_LEVEL granularity).

From the IAM User Guide, "IAM action last accessed information services and actions":
IAM began tracking actions for Amazon EC2, IAM, AWS Lambda and Amazon S3 management
actions; the page lists further services added since. rolecall tracks these four. S3's
object-level operations are CloudTrail data events, not management actions, so they are
not tracked (see ``tracked``).
"""

from __future__ import annotations

ACTION_LEVEL_SERVICES = frozenset({"ec2", "iam", "lambda", "s3"})


def tracked(namespace: str, resource_types: list[str]) -> bool:
    """Whether an action of ``namespace`` (acting on ``resource_types``, from the Service
    Authorization Reference) reports its last access."""
    if namespace not in ACTION_LEVEL_SERVICES:
        return False
    return not (namespace == "s3" and "object" in resource_types)
