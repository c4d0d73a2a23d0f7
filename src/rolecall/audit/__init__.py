"""Audit: a CloudTrail-format event for every call, accepted or refused."""
