"""Credential endpoints for `credential_source`: an EC2 instance metadata service and an ECS
container credentials endpoint, each serving sessions of one role straight from the
database, as EC2 and ECS do for roles that trust them."""
