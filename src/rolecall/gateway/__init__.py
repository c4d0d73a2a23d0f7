"""The gateway: every AWS service other than IAM, STS and Organizations, behind rolecall's IAM.

A call to S3, EC2, DynamoDB, ... is authenticated (SigV4 in every form the SDKs send),
identified from botocore's models (``protocol.inbound``), decided by the policy engine for
every action and resource AWS would check (``authz.services``), then forwarded, re-signed
with the upstream's own credentials, to the upstream that implements the service (an
embedded moto by default, see ``embedded``); its answer is relayed unchanged. Bodies are
streamed both ways. Refusals are answered in the service's own protocol and wording.
"""
