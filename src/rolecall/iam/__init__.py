"""IAM operations, one module per resource family (users, roles, policies, ...)."""
