"""The `rolecall` command."""

from __future__ import annotations

import json
import logging
import os
import sys

import click

from .store.db import Database

DB_OPTION = click.option("--db", "db_url", envvar="ROLECALL_DB", default=None,
                         help="SQLAlchemy URL (default: an SQLite file in the user data dir).")


@click.group()
@click.version_option(package_name="rolecall")
def main() -> None:
    """rolecall: a self-hosted, AWS-compatible IAM and STS service."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@DB_OPTION
@click.option("--workers", default=1, show_default=True, type=int,
              help="Server processes sharing the port (scale across cores).")
@click.option("--log-level", default="warning", show_default=True)
def serve(host: str, port: int, db_url: str | None, workers: int, log_level: str) -> None:
    """Serve IAM and STS on HOST:PORT."""
    import uvicorn

    db = Database(db_url)
    db.migrate()  # once, before any worker starts
    os.environ["ROLECALL_DB"] = db.url
    db.dispose()
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    uvicorn.run(
        "rolecall.asgi:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level=log_level,
    )


@main.group()
def accounts() -> None:
    """Create and list accounts."""


@accounts.command("create")
@click.option("--account-id", required=True)
@DB_OPTION
def accounts_create(account_id: str, db_url: str | None) -> None:
    """Create an account and print its root user's access key as JSON."""
    from .accounts import AccountError, create_account

    db = Database(db_url)
    db.migrate()
    try:
        click.echo(json.dumps(create_account(db, account_id)))
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()


@accounts.command("list")
@DB_OPTION
def accounts_list(db_url: str | None) -> None:
    """List accounts."""
    from .accounts import list_accounts

    db = Database(db_url)
    db.migrate()
    click.echo(json.dumps(list_accounts(db), indent=2))


@main.command()
@DB_OPTION
@click.option("--limit", default=20, show_default=True, type=int)
@click.option("--account-id", default=None)
@click.option("--json", "as_json", is_flag=True, help="Print CloudTrail records as JSON.")
def audit(db_url: str | None, limit: int, account_id: str | None, as_json: bool) -> None:
    """Show recent audit events (CloudTrail format)."""
    from .audit.show import recent, render_table

    db = Database(db_url)
    db.migrate()
    records = recent(db, limit, account_id)
    if as_json:
        click.echo(json.dumps(records, indent=2))
    else:
        render_table(records, sys.stdout)


@main.command()
@DB_OPTION
@click.option("--principal", "principal_arn", required=True,
              help="ARN of a user, role, assumed-role session or account root.")
@click.option("--action", required=True, help="e.g. iam:CreateUser or s3:GetObject")
@click.option("--resource", default="*", show_default=True)
@click.option("--context", "context_pairs", multiple=True, metavar="KEY=VALUE",
              help="A condition key value; repeat a key for a list of values.")
@click.option("--json", "as_json", is_flag=True, help="Print the explanation as JSON.")
def explain(db_url: str | None, principal_arn: str, action: str, resource: str,
            context_pairs: tuple[str, ...], as_json: bool) -> None:
    """Explain whether PRINCIPAL may perform ACTION on RESOURCE, policy by policy."""
    from . import explain as explaining

    db = Database(db_url)
    db.migrate()
    try:
        context = explaining.parse_context(list(context_pairs))
        decision = explaining.decide(db, principal_arn, action, resource, context)
    except explaining.ExplainError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()
    report = explaining.as_json(decision)
    if as_json:
        click.echo(json.dumps(report, indent=2))
    else:
        explaining.render(report, sys.stdout)


if __name__ == "__main__":
    main()
