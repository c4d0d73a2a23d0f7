"""The dashboard: the signed-in identity and the account's IAM summary."""

from __future__ import annotations

from starlette.responses import Response

from ..protocol.errors import AWSError
from .web import View, page


@page
def dashboard(view: View) -> Response:
    identity = view.call("sts", "GetCallerIdentity")
    summary = error = None
    try:
        summary = view.iam("GetAccountSummary")["SummaryMap"]
        aliases = view.iam("ListAccountAliases")["AccountAliases"]
    except AWSError as err:
        error, aliases = f"{err.code}: {err.message}", []
    return view.render("dashboard.html", title="Dashboard", identity=identity, summary=summary,
                       aliases=aliases, error=error)
