"""CloudTrail's ConsoleLogin events for console sign-ins, successful or not.

As CloudTrail records them: event source ``signin.amazonaws.com``, event type
``AwsConsoleSignIn``, ``responseElements.ConsoleLogin`` Success or Failure, whether MFA
was used, and "Failed authentication" for a failure. An attempt naming a user the account
does not have records the user name hidden, so the trail does not collect mistyped
passwords typed into the user name field.
"""

from __future__ import annotations

import datetime as dt

from .. import ids
from ..audit import events
from ..auth.principal import IAM_USER, Principal
from ..server import Server
from . import calls
from .web import PREFIX

FAILED = "Failed authentication"


def record(server: Server, caller_ip: str, account_id: str, principal: Principal | None,
           success: bool, mfa_used: bool) -> None:
    now = dt.datetime.fromtimestamp(server.clock(), dt.UTC)
    record = events.build(
        service="signin", operation="ConsoleLogin", request_id=ids.request_id(),
        principal=principal, when=now, region=calls.DEFAULT_REGION, source_ip=caller_ip,
        user_agent=calls.USER_AGENT, read_only=False, request_parameters=None,
        response_elements={"ConsoleLogin": "Success" if success else "Failure"},
        error_code=None, error_message=None,
        extra={"eventType": "AwsConsoleSignIn",
               "additionalEventData": {"LoginTo": f"{PREFIX}/", "MobileVersion": "No",
                                       "MFAUsed": "Yes" if mfa_used else "No"}})
    if principal is None:
        record["userIdentity"] = {"type": IAM_USER, "accountId": account_id, "accessKeyId": "",
                                  "userName": events.HIDDEN}
        record["recipientAccountId"] = account_id
    if not success:
        record["errorMessage"] = FAILED
    server.audit.record(record, now)
