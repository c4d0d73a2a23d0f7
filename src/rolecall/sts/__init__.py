"""STS operations: caller identity, role assumption, session and federation tokens."""
