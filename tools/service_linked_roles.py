"""Generate src/rolecall/data/service_linked_roles.json, the service-linked role catalogue.

Two sources, both AWS's:

1. Each service's "Using service-linked roles" page in its documentation, transcribed below
   (CURATED): the service principal, the role name, the AWS managed policy IAM attaches, the
   description IAM gives the role when the caller gives none, and whether CreateServiceLinkedRole
   takes a CustomSuffix. Every policy named here must exist under /aws-service-role/ in the
   managed policy catalogue (src/rolecall/data/aws_managed_policies.json) or generation fails.
2. For every other service: AWS managed policies that grant iam:CreateServiceLinkedRole on
   ``role/aws-service-role/<principal>/<name>`` name the principal and its role. The policy
   IAM attaches is taken when exactly one /aws-service-role/ policy follows AWS's naming
   convention for that role (``<core>ServiceRolePolicy`` and its AWS/Amazon-prefixed and
   ``ServiceLinkedRolePolicy`` forms, or the role's own name); otherwise none is recorded.

Run: python tools/service_linked_roles.py
"""

from __future__ import annotations

import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from rolecall.data import managed_policies  # noqa: E402

OUT = ROOT / "src" / "rolecall" / "data" / "service_linked_roles.json"
GRANTED = re.compile(
    r"role/aws-service-role/([a-z0-9.-]+\.amazonaws\.com)/(AWSServiceRoleFor[A-Za-z0-9_+=,.@-]+)")

# principal: (role name, policy name, description or None, custom suffix allowed)
CURATED: dict[str, tuple[str, str, str | None, bool]] = {
    "access-analyzer.amazonaws.com": (
        "AWSServiceRoleForAccessAnalyzer", "AccessAnalyzerServiceRolePolicy", None, False),
    "autoscaling.amazonaws.com": (
        "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy",
        "Default Service-Linked Role enables access to AWS Services and Resources used or "
        "managed by Auto Scaling", True),
    "backup.amazonaws.com": (
        "AWSServiceRoleForBackup", "AWSBackupServiceLinkedRolePolicyForBackup", None, False),
    "batch.amazonaws.com": ("AWSServiceRoleForBatch", "BatchServiceRolePolicy", None, False),
    "cloudtrail.amazonaws.com": (
        "AWSServiceRoleForCloudTrail", "CloudTrailServiceRolePolicy", None, False),
    "config.amazonaws.com": ("AWSServiceRoleForConfig", "AWSConfigServiceRolePolicy", None,
                             False),
    "dynamodb.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
        "AWSApplicationAutoscalingDynamoDBTablePolicy", None, False),
    "ecs.amazonaws.com": (
        "AWSServiceRoleForECS", "AmazonECSServiceRolePolicy",
        "Role to enable Amazon ECS to manage your cluster.", False),
    "ecs.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_ECSService",
        "AWSApplicationAutoscalingECSServicePolicy", None, False),
    "eks.amazonaws.com": ("AWSServiceRoleForAmazonEKS", "AmazonEKSServiceRolePolicy", None,
                          False),
    "eks-fargate.amazonaws.com": (
        "AWSServiceRoleForAmazonEKSForFargate", "AmazonEKSForFargateServiceRolePolicy", None,
        False),
    "eks-nodegroup.amazonaws.com": (
        "AWSServiceRoleForAmazonEKSNodegroup", "AWSServiceRoleForAmazonEKSNodegroup", None,
        False),
    "elasticache.amazonaws.com": (
        "AWSServiceRoleForElastiCache", "ElastiCacheServiceRolePolicy",
        "This policy allows ElastiCache to manage AWS resources on your behalf as necessary "
        "for managing your cache.", False),
    "elasticbeanstalk.amazonaws.com": (
        "AWSServiceRoleForElasticBeanstalk", "AWSElasticBeanstalkServiceRolePolicy", None, True),
    "elasticloadbalancing.amazonaws.com": (
        "AWSServiceRoleForElasticLoadBalancing", "AWSElasticLoadBalancingServiceRolePolicy",
        "Allows ELB to call AWS services on your behalf.", False),
    "elasticmapreduce.amazonaws.com": (
        "AWSServiceRoleForEMRCleanup", "AmazonEMRCleanupPolicy", None, False),
    "es.amazonaws.com": (
        "AWSServiceRoleForAmazonElasticsearchService", "AmazonElasticsearchServiceRolePolicy",
        None, False),
    "fis.amazonaws.com": ("AWSServiceRoleForFIS", "AmazonFISServiceRolePolicy", None, False),
    "grafana.amazonaws.com": (
        "AWSServiceRoleForAmazonGrafana", "AmazonGrafanaServiceLinkedRolePolicy", None, False),
    "guardduty.amazonaws.com": (
        "AWSServiceRoleForAmazonGuardDuty", "AmazonGuardDutyServiceRolePolicy",
        "A service-linked role required for Amazon GuardDuty to access your resources.",
        False),
    "inspector2.amazonaws.com": (
        "AWSServiceRoleForAmazonInspector2", "AmazonInspector2ServiceRolePolicy", None, False),
    "logger.cloudfront.amazonaws.com": (
        "AWSServiceRoleForCloudFrontLogger", "AWSCloudFrontLogger", None, False),
    "maintenance.elasticbeanstalk.amazonaws.com": (
        "AWSServiceRoleForElasticBeanstalkMaintenance", "AWSElasticBeanstalkMaintenance", None,
        False),
    "managedupdates.elasticbeanstalk.amazonaws.com": (
        "AWSServiceRoleForElasticBeanstalkManagedUpdates",
        "AWSElasticBeanstalkManagedUpdatesServiceRolePolicy", None, False),
    "mq.amazonaws.com": ("AWSServiceRoleForAmazonMQ", "AmazonMQServiceRolePolicy", None, False),
    "opensearchservice.amazonaws.com": (
        "AWSServiceRoleForAmazonOpenSearchService", "AmazonOpenSearchServiceRolePolicy", None,
        False),
    "organizations.amazonaws.com": (
        "AWSServiceRoleForOrganizations", "AWSOrganizationsServiceTrustPolicy",
        "Service-linked role used by AWS Organizations to enable integration of other AWS "
        "services with Organizations.", False),
    "ram.amazonaws.com": (
        "AWSServiceRoleForResourceAccessManager", "AWSResourceAccessManagerServiceRolePolicy",
        None, False),
    "rds.amazonaws.com": (
        "AWSServiceRoleForRDS", "AmazonRDSServiceRolePolicy",
        "Allows Amazon RDS to manage AWS resources on your behalf", False),
    "redshift.amazonaws.com": (
        "AWSServiceRoleForRedshift", "AmazonRedshiftServiceLinkedRolePolicy", None, False),
    "replication.ecr.amazonaws.com": (
        "AWSServiceRoleForECRReplication", "ECRReplicationServiceRolePolicy", None, False),
    "replicator.lambda.amazonaws.com": (
        "AWSServiceRoleForLambdaReplicator", "AWSLambdaReplicator", None, False),
    "securityhub.amazonaws.com": (
        "AWSServiceRoleForSecurityHub", "AWSSecurityHubServiceRolePolicy",
        "A service-linked role required for AWS Security Hub to access your resources.",
        False),
    "ses.amazonaws.com": ("AWSServiceRoleForAmazonSES", "AmazonSESServiceRolePolicy", None,
                          False),
    "spot.amazonaws.com": (
        "AWSServiceRoleForEC2Spot", "AWSEC2SpotServiceRolePolicy",
        "Default EC2 Spot Service Linked Role", False),
    "spotfleet.amazonaws.com": (
        "AWSServiceRoleForEC2SpotFleet", "AWSEC2SpotFleetServiceRolePolicy",
        "Default EC2 Spot Fleet Service Linked Role", False),
    "ssm.amazonaws.com": (
        "AWSServiceRoleForAmazonSSM", "AmazonSSMServiceRolePolicy",
        "Provides access to AWS Resources managed or used by Amazon SSM.", False),
    "sso.amazonaws.com": (
        "AWSServiceRoleForSSO", "AWSSSOServiceRolePolicy",
        "Service-linked role used by AWS SSO to manage AWS resources, including IAM roles, "
        "policies and SAML IdP on your behalf.", False),
    "support.amazonaws.com": (
        "AWSServiceRoleForSupport", "AWSSupportServiceRolePolicy",
        "Enables resource access for AWS to provide billing, administrative and support "
        "services", False),
    "transitgateway.amazonaws.com": (
        "AWSServiceRoleForVPCTransitGateway", "AWSVPCTransitGatewayServiceRolePolicy", None,
        False),
    "trustedadvisor.amazonaws.com": (
        "AWSServiceRoleForTrustedAdvisor", "AWSTrustedAdvisorServiceRolePolicy",
        "Access for the AWS Trusted Advisor Service to help reduce cost, increase "
        "performance, and improve security of your AWS environment.", False),
    "wafv2.amazonaws.com": (
        "AWSServiceRoleForWAFV2Logging", "WAFV2LoggingServiceRolePolicy", None, False),
}
CONVENTIONS = ("{core}ServiceRolePolicy", "AWS{core}ServiceRolePolicy",
               "Amazon{core}ServiceRolePolicy", "{core}ServiceLinkedRolePolicy",
               "AWS{core}ServiceLinkedRolePolicy", "Amazon{core}ServiceLinkedRolePolicy",
               "{name}")


def service_role_policies() -> dict[str, str]:
    """Name -> ARN of every AWS managed policy under /aws-service-role/."""
    return {e.name: e.arn for e in managed_policies.catalog().values()
            if e.path == "/aws-service-role/"}


def derived_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for policy in managed_policies.catalog().values():
        for principal, name in GRANTED.findall(policy.document):
            names.setdefault(principal, name.rstrip("_"))
    return names


def conventional_policy(name: str, policies: dict[str, str]) -> str | None:
    core = name.removeprefix("AWSServiceRoleFor")
    found = {policies[c] for pattern in CONVENTIONS
             if (c := pattern.format(core=core, name=name)) in policies}
    return found.pop() if len(found) == 1 else None


def build() -> dict[str, dict]:
    policies = service_role_policies()
    catalogue: dict[str, dict] = {}
    for principal, name in sorted(derived_names().items()):
        catalogue[principal] = {"RoleName": name, "PolicyArn": conventional_policy(name, policies),
                                "Description": None, "CustomSuffix": False,
                                "Source": "managed policies"}
    for principal, (name, policy, description, suffix) in CURATED.items():
        if policy not in policies:
            raise SystemExit(f"{policy} is not an AWS managed policy under /aws-service-role/")
        catalogue[principal] = {"RoleName": name, "PolicyArn": policies[policy],
                                "Description": description, "CustomSuffix": suffix,
                                "Source": "service documentation"}
    return dict(sorted(catalogue.items()))


def main() -> None:
    OUT.write_text(json.dumps({"roles": build()}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
