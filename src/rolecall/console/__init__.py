"""The web console at ``/_rolecall/console/``: IAM for people, done through the same
handlers, policy engine and audit log as the API (see ``calls.py``)."""
