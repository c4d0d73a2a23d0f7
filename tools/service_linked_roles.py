"""Generate src/rolecall/data/service_linked_roles.json, the service-linked role catalogue.

Three sources, all AWS's:

1. Responses recorded from AWS (RECORDED): CreateServiceLinkedRole, GetRole and
   ListAttachedRolePolicies for each service, and whether IAM took or refused a CustomSuffix.
   These win over documentation where the two disagree.
2. Each service's "Using service-linked roles" page in its documentation, transcribed below:
   the service principal, the role name and the AWS managed policy IAM attaches (DOCUMENTED),
   and for some services also the description IAM gives the role when the caller gives none
   and whether CreateServiceLinkedRole takes a CustomSuffix (CURATED). Every policy named here
   must exist under /aws-service-role/ in the managed policy catalogue
   (src/rolecall/data/aws_managed_policies.json) or generation fails.
3. For every other service: AWS managed policies that grant iam:CreateServiceLinkedRole on
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
    # The service page offers a suffix, but IAM refuses one (RECORDED below).
    "elasticbeanstalk.amazonaws.com": (
        "AWSServiceRoleForElasticBeanstalk", "AWSElasticBeanstalkServiceRolePolicy", None, False),
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
    # "Using service-linked roles for Amazon Redshift": "the service-linked role named
    # AWSServiceRoleForRedshift - Allows Amazon Redshift to call AWS services on your behalf."
    "redshift.amazonaws.com": (
        "AWSServiceRoleForRedshift", "AmazonRedshiftServiceLinkedRolePolicy",
        "Allows Amazon Redshift to call AWS services on your behalf.", False),
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
# Recorded from AWS: the service-linked role test suite of the LocalStack project
# (localstack/localstack, tests/aws/services/iam/test_iam.py, class TestIAMServiceRoles, run
# against AWS and snapshotted), with the role names and attached policies it recorded as listed
# in localstack-core/localstack/services/iam/resources/service_linked_roles.py. The same suite
# recorded that IAM takes a CustomSuffix only for autoscaling, connect and lexv2 and refuses it
# ("Custom suffix is not allowed for <service>") for every other service here.
# principal: (role name, policy name, custom suffix allowed)
RECORDED: dict[str, tuple[str, str, bool]] = {
    "accountdiscovery.ssm.amazonaws.com": (
        "AWSServiceRoleForAmazonSSM_AccountDiscovery",
        "AWSSystemsManagerAccountDiscoveryServicePolicy", False),
    "acm.amazonaws.com": (
        "AWSServiceRoleForCertificateManager", "CertificateManagerServiceRolePolicy", False),
    "appmesh.amazonaws.com": ("AWSServiceRoleForAppMesh", "AWSAppMeshServiceRolePolicy", False),
    "autoscaling-plans.amazonaws.com": (
        "AWSServiceRoleForAutoScalingPlans_EC2AutoScaling",
        "AWSAutoScalingPlansEC2AutoScalingPolicy", False),
    "autoscaling.amazonaws.com": (
        "AWSServiceRoleForAutoScaling", "AutoScalingServiceRolePolicy", True),
    "backup.amazonaws.com": (
        "AWSServiceRoleForBackup", "AWSBackupServiceLinkedRolePolicyForBackup", False),
    "batch.amazonaws.com": ("AWSServiceRoleForBatch", "BatchServiceRolePolicy", False),
    "cassandra.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_CassandraTable",
        "AWSApplicationAutoscalingCassandraTablePolicy", False),
    "cks.kms.amazonaws.com": (
        "AWSServiceRoleForKeyManagementServiceCustomKeyStores",
        "AWSKeyManagementServiceCustomKeyStoresServiceRolePolicy", False),
    "cloudtrail.amazonaws.com": (
        "AWSServiceRoleForCloudTrail", "CloudTrailServiceRolePolicy", False),
    "codestar-notifications.amazonaws.com": (
        "AWSServiceRoleForCodeStarNotifications", "AWSCodeStarNotificationsServiceRolePolicy",
        False),
    "config.amazonaws.com": ("AWSServiceRoleForConfig", "AWSConfigServiceRolePolicy", False),
    "connect.amazonaws.com": (
        "AWSServiceRoleForAmazonConnect", "AmazonConnectServiceLinkedRolePolicy", True),
    "dms-fleet-advisor.amazonaws.com": (
        "AWSServiceRoleForDMSFleetAdvisor", "AWSDMSFleetAdvisorServiceRolePolicy", False),
    "dms.amazonaws.com": (
        "AWSServiceRoleForDMSServerless", "AWSDMSServerlessServiceRolePolicy", False),
    "docdb-elastic.amazonaws.com": (
        "AWSServiceRoleForDocDB-Elastic", "AmazonDocDB-ElasticServiceRolePolicy", False),
    "ec2-instance-connect.amazonaws.com": (
        "AWSServiceRoleForEc2InstanceConnect", "Ec2InstanceConnectEndpoint", False),
    "ec2.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_EC2SpotFleetRequest",
        "AWSApplicationAutoscalingEC2SpotFleetRequestPolicy", False),
    "ecr.amazonaws.com": ("AWSServiceRoleForECRTemplate", "ECRTemplateServiceRolePolicy", False),
    "ecs.amazonaws.com": ("AWSServiceRoleForECS", "AmazonECSServiceRolePolicy", False),
    "eks-connector.amazonaws.com": (
        "AWSServiceRoleForAmazonEKSConnector", "AmazonEKSConnectorServiceRolePolicy", False),
    "eks-fargate.amazonaws.com": (
        "AWSServiceRoleForAmazonEKSForFargate", "AmazonEKSForFargateServiceRolePolicy", False),
    "eks-nodegroup.amazonaws.com": (
        "AWSServiceRoleForAmazonEKSNodegroup", "AWSServiceRoleForAmazonEKSNodegroup", False),
    "eks.amazonaws.com": ("AWSServiceRoleForAmazonEKS", "AmazonEKSServiceRolePolicy", False),
    "elasticache.amazonaws.com": (
        "AWSServiceRoleForElastiCache", "ElastiCacheServiceRolePolicy", False),
    "elasticbeanstalk.amazonaws.com": (
        "AWSServiceRoleForElasticBeanstalk", "AWSElasticBeanstalkServiceRolePolicy", False),
    "elasticfilesystem.amazonaws.com": (
        "AWSServiceRoleForAmazonElasticFileSystem", "AmazonElasticFileSystemServiceRolePolicy",
        False),
    "elasticloadbalancing.amazonaws.com": (
        "AWSServiceRoleForElasticLoadBalancing", "AWSElasticLoadBalancingServiceRolePolicy",
        False),
    "email.cognito-idp.amazonaws.com": (
        "AWSServiceRoleForAmazonCognitoIdpEmailService",
        "AmazonCognitoIdpEmailServiceRolePolicy", False),
    "emr-containers.amazonaws.com": (
        "AWSServiceRoleForAmazonEMRContainers", "AmazonEMRContainersServiceRolePolicy", False),
    "emrwal.amazonaws.com": (
        "AWSServiceRoleForEMRWAL", "EMRDescribeClusterPolicyForEMRWAL", False),
    "fis.amazonaws.com": ("AWSServiceRoleForFIS", "AmazonFISServiceRolePolicy", False),
    "grafana.amazonaws.com": (
        "AWSServiceRoleForAmazonGrafana", "AmazonGrafanaServiceLinkedRolePolicy", False),
    "imagebuilder.amazonaws.com": (
        "AWSServiceRoleForImageBuilder", "AWSServiceRoleForImageBuilder", False),
    "iotmanagedintegrations.amazonaws.com": (
        "AWSServiceRoleForIoTManagedIntegrations", "AWSIoTManagedIntegrationsRolePolicy", False),
    "kafka.amazonaws.com": ("AWSServiceRoleForKafka", "KafkaServiceRolePolicy", False),
    "kafkaconnect.amazonaws.com": (
        "AWSServiceRoleForKafkaConnect", "KafkaConnectServiceRolePolicy", False),
    "lakeformation.amazonaws.com": (
        "AWSServiceRoleForLakeFormationDataAccess", "LakeFormationDataAccessServiceRolePolicy",
        False),
    # The recording left Lex V1's attached policy unchecked; the Lex V1 guide names
    # LexBotPolicy, the only Lex bot policy under /aws-service-role/.
    "lex.amazonaws.com": ("AWSServiceRoleForLexBots", "LexBotPolicy", False),
    "lexv2.amazonaws.com": ("AWSServiceRoleForLexV2Bots", "AmazonLexV2BotPolicy", True),
    "lightsail.amazonaws.com": ("AWSServiceRoleForLightsail", "LightsailExportAccess", False),
    "m2.amazonaws.com": ("AWSServiceRoleForAWSM2", "AWSM2ServicePolicy", False),
    "memorydb.amazonaws.com": ("AWSServiceRoleForMemoryDB", "MemoryDBServiceRolePolicy", False),
    "mq.amazonaws.com": ("AWSServiceRoleForAmazonMQ", "AmazonMQServiceRolePolicy", False),
    "mrk.kms.amazonaws.com": (
        "AWSServiceRoleForKeyManagementServiceMultiRegionKeys",
        "AWSKeyManagementServiceMultiRegionKeysServiceRolePolicy", False),
    "notifications.amazonaws.com": (
        "AWSServiceRoleForAwsUserNotifications", "AWSUserNotificationsServiceLinkedRolePolicy",
        False),
    "observability.aoss.amazonaws.com": (
        "AWSServiceRoleForAmazonOpenSearchServerless",
        "AmazonOpenSearchServerlessServiceRolePolicy", False),
    "opensearchservice.amazonaws.com": (
        "AWSServiceRoleForAmazonOpenSearchService", "AmazonOpenSearchServiceRolePolicy", False),
    "ops.apigateway.amazonaws.com": (
        "AWSServiceRoleForAPIGateway", "APIGatewayServiceRolePolicy", False),
    "ops.emr-serverless.amazonaws.com": (
        "AWSServiceRoleForAmazonEMRServerless", "AmazonEMRServerlessServiceRolePolicy", False),
    "opsdatasync.ssm.amazonaws.com": (
        "AWSServiceRoleForSystemsManagerOpsDataSync",
        "AWSSystemsManagerOpsDataSyncServiceRolePolicy", False),
    "opsinsights.ssm.amazonaws.com": (
        "AWSServiceRoleForAmazonSSM_OpsInsights", "AWSSSMOpsInsightsServiceRolePolicy", False),
    "pullthroughcache.ecr.amazonaws.com": (
        "AWSServiceRoleForECRPullThroughCache", "AWSECRPullThroughCache_ServiceRolePolicy",
        False),
    "ram.amazonaws.com": (
        "AWSServiceRoleForResourceAccessManager", "AWSResourceAccessManagerServiceRolePolicy",
        False),
    "rds.amazonaws.com": ("AWSServiceRoleForRDS", "AmazonRDSServiceRolePolicy", False),
    "redshift.amazonaws.com": (
        "AWSServiceRoleForRedshift", "AmazonRedshiftServiceLinkedRolePolicy", False),
    "replication.cassandra.amazonaws.com": (
        "AWSServiceRoleForKeyspacesReplication", "KeyspacesReplicationServiceRolePolicy", False),
    "replication.ecr.amazonaws.com": (
        "AWSServiceRoleForECRReplication", "ECRReplicationServiceRolePolicy", False),
    "repository.sync.codeconnections.amazonaws.com": (
        "AWSServiceRoleForGitSync", "AWSGitSyncServiceRolePolicy", False),
    "resource-explorer-2.amazonaws.com": (
        "AWSServiceRoleForResourceExplorer", "AWSResourceExplorerServiceRolePolicy", False),
    "rolesanywhere.amazonaws.com": (
        "AWSServiceRoleForRolesAnywhere", "AWSRolesAnywhereServicePolicy", False),
    "s3-outposts.amazonaws.com": (
        "AWSServiceRoleForS3OnOutposts", "AWSS3OnOutpostsServiceRolePolicy", False),
    "ses.amazonaws.com": ("AWSServiceRoleForAmazonSES", "AmazonSESServiceRolePolicy", False),
    "shield.amazonaws.com": ("AWSServiceRoleForAWSShield", "AWSShieldServiceRolePolicy", False),
    "ssm-incidents.amazonaws.com": (
        "AWSServiceRoleForIncidentManager", "AWSIncidentManagerServiceRolePolicy", False),
    "ssm-quicksetup.amazonaws.com": (
        "AWSServiceRoleForSSMQuickSetup", "SSMQuickSetupRolePolicy", False),
    "ssm.amazonaws.com": ("AWSServiceRoleForAmazonSSM", "AmazonSSMServiceRolePolicy", False),
    "sso.amazonaws.com": ("AWSServiceRoleForSSO", "AWSSSOServiceRolePolicy", False),
    "vpcorigin.cloudfront.amazonaws.com": (
        "AWSServiceRoleForCloudFrontVPCOrigin", "AWSCloudFrontVPCOriginServiceRolePolicy", False),
    "waf.amazonaws.com": ("AWSServiceRoleForWAFLogging", "WAFLoggingServiceRolePolicy", False),
    "wafv2.amazonaws.com": (
        "AWSServiceRoleForWAFV2Logging", "WAFV2LoggingServiceRolePolicy", False),
}

# From each service's "Using service-linked roles" page (the Application Auto Scaling roles
# from that guide's "Service-linked role ARN reference"); none of these takes a CustomSuffix.
# principal: (role name, policy name)
DOCUMENTED: dict[str, tuple[str, str]] = {
    "agentless.inspector2.amazonaws.com": (
        "AWSServiceRoleForAmazonInspector2Agentless", "AmazonInspector2AgentlessServiceRolePolicy"),
    "application-insights.amazonaws.com": (
        "AWSServiceRoleForApplicationInsights",
        "CloudwatchApplicationInsightsServiceLinkedRolePolicy"),
    "appstream.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_AppStreamFleet",
        "AWSApplicationAutoscalingAppStreamFleetPolicy"),
    "cassandra-streams.amazonaws.com": (
        "AWSServiceRoleForAmazonKeyspacesCDC", "KeyspacesCDCServiceRolePolicy"),
    "channels.lex.amazonaws.com": ("AWSServiceRoleForLexChannels", "LexChannelPolicy"),
    "channels.lexv2.amazonaws.com": ("AWSServiceRoleForLexV2Channels", "AmazonLexChannelsAccess"),
    "cloud9.amazonaws.com": ("AWSServiceRoleForAWSCloud9", "AWSCloud9ServiceRolePolicy"),
    "cloudhsm.amazonaws.com": ("AWSServiceRoleForCloudHSM", "CloudHSMServiceRolePolicy"),
    "cloudwatch-crossaccount.amazonaws.com": (
        "AWSServiceRoleForCloudWatchCrossAccount", "CloudWatch-CrossAccountAccess"),
    "comprehend.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_ComprehendEndpoint",
        "AWSApplicationAutoscalingComprehendEndpointPolicy"),
    "compute-optimizer.amazonaws.com": (
        "AWSServiceRoleForComputeOptimizer", "ComputeOptimizerServiceRolePolicy"),
    "custom-resource.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_CustomResource",
        "AWSApplicationAutoScalingCustomResourcePolicy"),
    "custom.rds.amazonaws.com": ("AWSServiceRoleForRDSCustom", "AmazonRDSCustomServiceRolePolicy"),
    "dax.amazonaws.com": ("AWSServiceRoleForDAX", "DAXServiceRolePolicy"),
    "delivery.logs.amazonaws.com": (
        "AWSServiceRoleForLogDelivery", "AWSServiceRoleForLogDeliveryPolicy"),
    "detective.amazonaws.com": (
        "AWSServiceRoleForDetective", "AmazonDetectiveServiceLinkedRolePolicy"),
    "devicefarm.amazonaws.com": ("AWSServiceRoleForDeviceFarm", "AWSDeviceFarmServiceRolePolicy"),
    "directconnect.amazonaws.com": (
        "AWSServiceRoleForDirectConnect", "AWSDirectConnectServiceRolePolicy"),
    "drs.amazonaws.com": (
        "AWSServiceRoleForElasticDisasterRecovery", "AWSElasticDisasterRecoveryServiceRolePolicy"),
    "ds.amazonaws.com": (
        "AWSServiceRoleForDirectoryService", "AWSDirectoryServiceServiceRolePolicy"),
    "dsql.amazonaws.com": ("AWSServiceRoleForAuroraDsql", "AuroraDsqlServiceLinkedRolePolicy"),
    "ec2fleet.amazonaws.com": ("AWSServiceRoleForEC2Fleet", "AWSEC2FleetServiceRolePolicy"),
    "ec2scheduled.amazonaws.com": (
        "AWSServiceRoleForEC2ScheduledInstances", "AWSServiceRoleForEC2ScheduledInstances"),
    "elasticache.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_ElastiCacheRG",
        "AWSApplicationAutoscalingElastiCacheRGPolicy"),
    "event-processor.health.amazonaws.com": (
        "AWSServiceRoleForHealth_EventProcessor", "AWSHealth_EventProcessorServiceRolePolicy"),
    "evidently.amazonaws.com": (
        "AWSServiceRoleForCloudWatchEvidently", "AmazonCloudWatchEvidentlyServiceRolePolicy"),
    "fsx.amazonaws.com": ("AWSServiceRoleForAmazonFSx", "AmazonFSxServiceRolePolicy"),
    "globalaccelerator.amazonaws.com": (
        "AWSServiceRoleForGlobalAccelerator", "AWSGlobalAcceleratorSLRPolicy"),
    "health.amazonaws.com": (
        "AWSServiceRoleForHealth_Organizations", "Health_OrganizationsServiceRolePolicy"),
    "internetmonitor.amazonaws.com": (
        "AWSServiceRoleForInternetMonitor", "CloudWatchInternetMonitorServiceRolePolicy"),
    "iottwinmaker.amazonaws.com": (
        "AWSServiceRoleForIoTTwinMaker", "AWSIoTTwinMakerServiceRolePolicy"),
    "ipam.amazonaws.com": ("AWSServiceRoleForIPAM", "AWSIPAMServiceRolePolicy"),
    "justintimeaccess.ssm.amazonaws.com": (
        "AWSServiceRoleForSystemsManagerJustInTimeAccess",
        "AWSSystemsManagerJustInTimeAccessServicePolicy"),
    "kinesisreplication.dynamodb.amazonaws.com": (
        "AWSServiceRoleForDynamoDBKinesisDataStreamsReplication",
        "DynamoDBKinesisReplicationServiceRolePolicy"),
    "kafka.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_KafkaCluster",
        "AWSApplicationAutoscalingKafkaClusterPolicy"),
    "lambda.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_LambdaConcurrency",
        "AWSApplicationAutoscalingLambdaConcurrencyPolicy"),
    "license-manager.amazonaws.com": (
        "AWSServiceRoleForAWSLicenseManagerRole", "AWSLicenseManagerServiceRolePolicy"),
    "license-manager.master-account.amazonaws.com": (
        "AWSServiceRoleForAWSLicenseManagerMasterAccountRole",
        "AWSLicenseManagerMasterAccountRolePolicy"),
    "license-manager.member-account.amazonaws.com": (
        "AWSServiceRoleForAWSLicenseManagerMemberAccountRole",
        "AWSLicenseManagerMemberAccountRolePolicy"),
    "malware-protection.guardduty.amazonaws.com": (
        "AWSServiceRoleForAmazonGuardDutyMalwareProtection",
        "AmazonGuardDutyMalwareProtectionServiceRolePolicy"),
    "managedblockchain.amazonaws.com": (
        "AWSServiceRoleForAmazonManagedBlockchain", "AmazonManagedBlockchainServiceRolePolicy"),
    "management.chatbot.amazonaws.com": (
        "AWSServiceRoleForAWSChatbot", "AWSChatbotServiceLinkedRolePolicy"),
    "member.org.stacksets.cloudformation.amazonaws.com": (
        "AWSServiceRoleForCloudFormationStackSetsOrgMember",
        "CloudFormationStackSetsOrgMemberServiceRolePolicy"),
    "mgn.amazonaws.com": (
        "AWSServiceRoleForApplicationMigrationService", "AWSApplicationMigrationServiceRolePolicy"),
    "migrationhub.amazonaws.com": (
        "AWSServiceRoleForMigrationHub", "MigrationHubServiceRolePolicy"),
    "neptune-graph.amazonaws.com": (
        "AWSServiceRoleForNeptuneGraph", "AWSServiceRoleForNeptuneGraphPolicy"),
    "neptune.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_NeptuneCluster",
        "AWSApplicationAutoscalingNeptuneClusterPolicy"),
    "networkmanager.amazonaws.com": (
        "AWSServiceRoleForNetworkManager", "AWSNetworkManagerServiceRolePolicy"),
    "notifications.ssm.amazonaws.com": (
        "AWSServiceRoleForSystemsManagerNotifications",
        "AWSSystemsManagerNotificationsServicePolicy"),
    "osis.amazonaws.com": (
        "AWSServiceRoleForAmazonOpenSearchIngestionService",
        "AmazonOpenSearchIngestionServiceRolePolicy"),
    "private-marketplace.marketplace.amazonaws.com": (
        "AWSServiceRoleForPrivateMarketplaceAdmin",
        "AWSServiceRoleForPrivateMarketplaceAdminPolicy"),
    "profile.amazonaws.com": (
        "AWSServiceRoleForProfile", "CustomerProfilesServiceLinkedRolePolicy"),
    "qbusiness.amazonaws.com": ("AWSServiceRoleForQBusiness", "QBusinessServiceRolePolicy"),
    "rds.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_RDSCluster",
        "AWSApplicationAutoscalingRDSClusterPolicy"),
    "reachabilityanalyzer.networkinsights.amazonaws.com": (
        "AWSServiceRoleForReachabilityAnalyzer", "AWSReachabilityAnalyzerServiceRolePolicy"),
    "replication.dynamodb.amazonaws.com": (
        "AWSServiceRoleForDynamoDBReplication", "DynamoDBReplicationServiceRolePolicy"),
    "replication.lexv2.amazonaws.com": (
        "AWSServiceRoleForLexV2Replication", "AmazonLexReplicationPolicy"),
    "restore-testing.backup.amazonaws.com": (
        "AWSServiceRoleForBackupRestoreTesting", "AWSServiceRolePolicyForBackupRestoreTesting"),
    "robomaker.amazonaws.com": ("AWSServiceRoleForRoboMaker", "AWSRoboMakerServicePolicy"),
    "rum.amazonaws.com": (
        "AWSServiceRoleForRealUserMonitoring", "AmazonCloudWatchRUMServiceRolePolicy"),
    "sagemaker.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint",
        "AWSApplicationAutoscalingSageMakerEndpointPolicy"),
    "schemas.amazonaws.com": (
        "AWSServiceRoleForSchemas", "AmazonEventBridgeSchemasServiceRolePolicy"),
    "securitylake.amazonaws.com": (
        "AWSServiceRoleForSecurityLake", "SecurityLakeServiceLinkedRole"),
    "sms.amazonaws.com": ("AWSServiceRoleForSMS", "AWSServiceRoleForSMS"),
    "stacksets.cloudformation.amazonaws.com": (
        "AWSServiceRoleForCloudFormationStackSetsOrgAdmin",
        "CloudFormationStackSetsOrgAdminServiceRolePolicy"),
    "storage-lens.s3.amazonaws.com": (
        "AWSServiceRoleForS3StorageLens", "S3StorageLensServiceRolePolicy"),
    "storagegateway.amazonaws.com": (
        "AWSServiceRoleForStorageGateway", "AWSStorageGatewayServiceRolePolicy"),
    "triage.security-ir.amazonaws.com": (
        "AWSServiceRoleForSecurityIncidentResponse_Triage",
        "AWSSecurityIncidentResponseTriageServiceRolePolicy"),
    "user-attribute-cost-allocation-data.amazonaws.com": (
        "AWSServiceRoleForUserAttributeCostAllocation", "AWSUserAttributeCostAllocationPolicy"),
    "waf-regional.amazonaws.com": (
        "AWSServiceRoleForWAFRegionalLogging", "WAFRegionalLoggingServiceRolePolicy"),
    "workspaces.application-autoscaling.amazonaws.com": (
        "AWSServiceRoleForApplicationAutoScaling_WorkSpacesPool",
        "AWSApplicationAutoscalingWorkSpacesPoolPolicy"),
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


def entry(name: str, policy: str, policies: dict[str, str], description: str | None,
          suffix: bool, source: str) -> dict:
    if policy not in policies:
        raise SystemExit(f"{policy} is not an AWS managed policy under /aws-service-role/")
    return {"RoleName": name, "PolicyArn": policies[policy], "Description": description,
            "CustomSuffix": suffix, "Source": source}


def build() -> dict[str, dict]:
    """Later sources win: derived names, then service pages, then recordings; the transcribed
    pages (CURATED) add descriptions and must agree with what AWS recorded."""
    policies = service_role_policies()
    catalogue: dict[str, dict] = {}
    for principal, name in sorted(derived_names().items()):
        catalogue[principal] = {"RoleName": name, "PolicyArn": conventional_policy(name, policies),
                                "Description": None, "CustomSuffix": False,
                                "Source": "managed policies"}
    for principal, (name, policy) in DOCUMENTED.items():
        catalogue[principal] = entry(name, policy, policies, None, False,
                                     "service documentation")
    for principal, (name, policy, suffix) in RECORDED.items():
        catalogue[principal] = entry(name, policy, policies, None, suffix, "recorded responses")
    for principal, (name, policy, description, suffix) in CURATED.items():
        recorded = RECORDED.get(principal)
        if recorded and recorded != (name, policy, suffix):
            raise SystemExit(f"{principal}: service page {name, policy, suffix} disagrees with "
                             f"the recording {recorded}")
        catalogue[principal] = entry(name, policy, policies, description, suffix,
                                     "recorded responses" if recorded else "service documentation")
    return dict(sorted(_one_service_per_role(catalogue).items()))


def _one_service_per_role(catalogue: dict[str, dict]) -> dict[str, dict]:
    """A service-linked role trusts one service. A role name that a managed policy grants
    under another principal's path (AmazonRedshiftDataFullAccess names
    redshift-data.amazonaws.com/AWSServiceRoleForRedshift) gives way to the service that the
    role's own documentation or a recording names: "The AWSServiceRoleForRedshift
    service-linked role trusts only redshift.amazonaws.com to assume the role" (Amazon
    Redshift Management Guide, "Using service-linked roles for Amazon Redshift")."""
    claimed = {e["RoleName"] for e in catalogue.values() if e["Source"] != "managed policies"}
    return {principal: e for principal, e in catalogue.items()
            if e["Source"] != "managed policies" or e["RoleName"] not in claimed}


def main() -> None:
    OUT.write_text(json.dumps({"roles": build()}, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
