"""The `rolecall` command."""

from __future__ import annotations

import json
import logging
import os
import signal
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
@click.option("--upstream", "upstream_values", multiple=True, metavar="[SERVICE=]URL|none",
              help="Where other services' calls go: one URL for all, SERVICE=URL for one "
                   "(SERVICE as in the SigV4 scope, e.g. s3), or none. Default: an "
                   "embedded moto.")
@click.option("--enforcement", type=click.Choice(["enforce", "log"]), default="enforce",
              show_default=True,
              help="log: let every authenticated call through and record what would have "
                   "been denied.")
@click.option("--public-url", default=None,
              help="The URL clients reach this server at (outbound OIDC issuer URLs); "
                   "default http://HOST:PORT.")
@click.option("--no-console", is_flag=True, help="Do not serve the web console.")
def serve(host: str, port: int, db_url: str | None, workers: int, log_level: str,
          upstream_values: tuple[str, ...], enforcement: str, public_url: str | None,
          no_console: bool) -> None:
    """Serve IAM and STS, every other service through the gateway, and the web console
    (at /_rolecall/console/) on HOST:PORT."""
    import uvicorn

    from .asgi import ENFORCEMENT_ENV
    from .audit.writer import ADDRESS_ENV, WriterProcess
    from .gateway import upstreams
    from .gateway.embedded import EmbeddedMoto
    from .outbound.issuer_url import PUBLIC_URL_ENV
    from .workers import free_port
    from .workers import serve as serve_workers

    try:
        default, per_service = upstreams.parse_options(upstream_values)
    except upstreams.UpstreamError as exc:
        raise click.BadParameter(str(exc), param_hint="--upstream") from None
    os.environ["ROLECALL_CONSOLE"] = "off" if no_console else "on"
    db = Database(db_url)
    db.migrate()  # once, before any worker starts
    os.environ["ROLECALL_DB"] = db.url
    if workers > 1:
        try:  # each worker binds the port itself: it must be free, and known, first
            port = free_port(host, port)
        except OSError as exc:
            raise click.ClickException(f"cannot listen on {host}:{port}: {exc}") from None
    os.environ[PUBLIC_URL_ENV] = (public_url or os.environ.get(PUBLIC_URL_ENV)
                                  or f"http://{host}:{port}")
    db.dispose()
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    embedded = default == upstreams.EMBEDDED
    if embedded:
        moto = EmbeddedMoto(verbose=log_level.lower() == "debug")
        moto.start()
        default = upstreams.Upstream(moto.url)
    os.environ[upstreams.ENV] = upstreams.Upstreams(
        default, per_service, embedded).to_env()  # type: ignore[arg-type]
    os.environ[ENFORCEMENT_ENV] = enforcement
    config = dict(
        app="rolecall.asgi:create_app",
        factory=True,
        host=host,
        port=port,
        loop="uvloop",
        http="rolecall.http_protocol:HeadWithBodyProtocol",  # httptools, one write an answer
        access_log=False,  # uvicorn's would print query strings (presigned credentials)
        server_header=False,
        proxy_headers=False,  # aws:SourceIp is the peer's address, as AWS sees it
        log_level=log_level,
    )
    # One process writes the audit batches of every server process (audit/writer.py).
    audit_writer = WriterProcess(db.url)
    os.environ[ADDRESS_ENV] = audit_writer.address
    # uvicorn ends by raising the signal that stopped it again, with the handler it found:
    # this one, so that the writer stops after the server, with its last batch.
    stopped_by: list[int] = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda received, _frame: stopped_by.append(received))
    try:
        if workers > 1:  # a listening socket per worker (workers.py says why)
            code = serve_workers(config, workers)
        else:
            uvicorn.run(**config)
            code = 0
    finally:
        audit_writer.stop()
    for signum in stopped_by[:1]:  # end as uvicorn meant to: by that signal
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
    sys.exit(code)


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


@accounts.command("load")
@click.option("--accounts", "count", default=1, show_default=True, type=int,
              help="How many accounts to fill.")
@click.option("--account-id", default="100000000000", show_default=True,
              help="The first account's id; the others follow it.")
@click.option("--users", default=100, show_default=True, type=int, help="Users per account.")
@click.option("--roles", default=100, show_default=True, type=int, help="Roles per account.")
@click.option("--policies", default=50, show_default=True, type=int,
              help="Customer managed policies per account.")
@click.option("--groups", default=5, show_default=True, type=int, help="Groups per account.")
@click.option("--seed", default=0, show_default=True, type=int,
              help="Seed of the generated names' creation dates.")
@DB_OPTION
def accounts_load(count: int, account_id: str, users: int, roles: int, policies: int,
                  groups: int, seed: int, db_url: str | None) -> None:
    """Fill accounts with generated users (with paths, tags, a few access keys), roles
    (trust policies, tags, some inline policies), customer managed policies and groups,
    with attachments, in large transactions; each account's quotas are checked first.
    Prints what was written as JSON."""
    import time

    from .store.bulk_load import LoadError, Plan, account_ids, load

    db = Database(db_url)
    db.migrate()
    started = time.perf_counter()
    try:
        totals = load(db, account_ids(account_id, count),
                      Plan(users=users, roles=roles, policies=policies, groups=groups), seed)
    except LoadError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()
    click.echo(json.dumps({"Accounts": totals.accounts, "Rows": totals.counts,
                           "Seconds": round(time.perf_counter() - started, 2)}))


@main.group()
def quotas() -> None:
    """Show an account's IAM quotas and raise the adjustable ones."""


def _require_account(session, account_id: str) -> None:
    from .store.tables import Account

    if session.get(Account, account_id) is None:
        raise click.ClickException(f"No account {account_id}.")


def _quota_rows(session, account_id: str) -> list[dict]:
    from .iam.quotas import QUOTAS, account_quotas

    return [{"QuotaName": name, "Value": value, "Default": QUOTAS[name].default,
             "Adjustable": QUOTAS[name].adjustable, "Maximum": QUOTAS[name].maximum,
             "Description": QUOTAS[name].description}
            for name, value in account_quotas(session, account_id).items()]


@quotas.command("list")
@click.option("--account-id", required=True)
@DB_OPTION
def quotas_list(account_id: str, db_url: str | None) -> None:
    """Print each quota as it applies to the account, with AWS's default and, for the
    adjustable ones, AWS's maximum, as JSON."""
    db = Database(db_url)
    db.migrate()
    try:
        with db.transaction(write=False) as session:
            _require_account(session, account_id)
            click.echo(json.dumps(_quota_rows(session, account_id), indent=2))
    finally:
        db.dispose()


@quotas.command("set")
@click.option("--account-id", required=True)
@click.option("--quota", "name", required=True, help="A quota name, e.g. RolesPerAccount.")
@click.option("--value", required=True, type=int)
@DB_OPTION
def quotas_set(account_id: str, name: str, value: int, db_url: str | None) -> None:
    """Raise an adjustable quota for one account, up to AWS's maximum (the default value
    undoes a raise); fixed quotas are refused. Works while a server runs."""
    from .iam.quotas import QuotaError, set_quota

    db = Database(db_url)
    db.migrate()
    try:
        with db.transaction() as session:
            _require_account(session, account_id)
            set_quota(session, account_id, name, value)
        with db.transaction(write=False) as session:
            row = next(r for r in _quota_rows(session, account_id) if r["QuotaName"] == name)
        click.echo(json.dumps(row, indent=2))
    except QuotaError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()


@main.command()
@DB_OPTION
@click.option("--limit", default=20, show_default=True, type=int)
@click.option("--account-id", default=None)
@click.option("--json", "as_json", is_flag=True,
              help="Print CloudTrail records as JSON (with --follow: one JSON line a decision).")
@click.option("--follow", is_flag=True,
              help="Print each call as it is decided, until interrupted.")
def audit(db_url: str | None, limit: int, account_id: str | None, as_json: bool,
          follow: bool) -> None:
    """Show recent audit events (CloudTrail format), or follow them live."""
    from .audit.show import recent, render_table

    db = Database(db_url)
    db.migrate()
    if follow:
        _follow_audit(db, account_id, as_json)
        return
    records = recent(db, limit, account_id)
    if as_json:
        click.echo(json.dumps(records, indent=2))
    else:
        render_table(records, sys.stdout)


def _follow_audit(db: Database, account_id: str | None, as_json: bool) -> None:
    from .audit import stream

    start = stream.newest_id(db)
    click.echo(f"following audit events after event {start} (Ctrl-C to stop)", err=True)
    if not as_json:
        stream.print_header(sys.stdout)
    try:
        for record in stream.follow(db, start, account_id=account_id):
            stream.print_record(record, sys.stdout, as_json)
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        db.dispose()


@main.group()
def policy() -> None:
    """Policies built from what the audit trail recorded."""


@policy.command("generate")
@DB_OPTION
@click.option("--principal", "principal_arn", required=True,
              help="ARN of an IAM user, a role (all its sessions) or one assumed-role session.")
@click.option("--since", default=None,
              help="Only calls this recent: a duration (30m, 12h, 7d) or an ISO 8601 time.")
@click.option("--denied", is_flag=True, help="Only the calls that were refused.")
@click.option("--json", "as_json", is_flag=True,
              help="Print a report: the policy, the calls considered, its validation.")
def policy_generate(db_url: str | None, principal_arn: str, since: str | None, denied: bool,
                    as_json: bool) -> None:
    """Print a least-privilege identity policy allowing exactly the calls PRINCIPAL made."""
    import datetime as dt
    import time

    from .audit.log import FLUSH_SECONDS
    from .audit.query import parse_since
    from .policygen.generate import GenerationError, generate

    db = Database(db_url)
    db.migrate()
    time.sleep(2 * FLUSH_SECONDS)  # a running server writes its last calls within a batch
    try:
        start = parse_since(since, dt.datetime.now(dt.UTC)) if since else None
        generated = generate(db, principal_arn, since=start, denied_only=denied)
    except (GenerationError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()
    if as_json:
        click.echo(json.dumps(generated.as_json(), indent=2))
        return
    if not generated.calls:
        raise click.ClickException(f"no {'refused ' if denied else ''}calls of "
                                   f"{generated.principal_arn} are recorded"
                                   f"{' in that time' if since else ''}.")
    click.echo(json.dumps(generated.document, indent=2))
    if not generated.validation["valid"] or generated.validation["findings"]:
        from . import validate_cli

        validate_cli.render(generated.validation, sys.stderr)


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


@main.command("validate-policy")
@click.argument("document", type=click.File("r"))
@click.option("--type", "kind", default="identity", show_default=True,
              type=click.Choice(["identity", "managed", "resource", "trust", "boundary",
                                 "session"]))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def validate_policy(document, kind: str, as_json: bool) -> None:
    """Check a policy DOCUMENT (a file, or - for stdin) as IAM would, then list findings:
    unknown actions and condition keys, public grants, overlapping statements."""
    from . import validate_cli

    result = validate_cli.validate(document.read(), kind)
    if as_json:
        click.echo(validate_cli.as_json(result))
    else:
        validate_cli.render(result, sys.stdout)
    if not result["valid"]:
        sys.exit(1)


@main.command()
@click.option("--instance-profile", "profile_name", required=True)
@click.option("--account-id", required=True)
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8081, show_default=True, type=int)
@click.option("--instance-id", default="i-0123456789abcdef0", show_default=True,
              help="The instance id (also the role session name EC2 uses).")
@click.option("--imdsv2-required", is_flag=True, help="Refuse IMDSv1 requests (no token).")
def imds(profile_name: str, account_id: str, db_url: str | None, host: str, port: int,
         instance_id: str, imdsv2_required: bool) -> None:
    """Serve an instance profile's role credentials as the EC2 instance metadata service
    (for AWS_EC2_METADATA_SERVICE_ENDPOINT and credential_source = Ec2InstanceMetadata)."""
    from .credential_endpoints import imds as metadata
    from .credential_endpoints.minting import RoleSessions, instance_profile, instance_profile_role

    db = Database(db_url)
    db.migrate()
    profile = instance_profile(db, account_id, profile_name)
    if profile is None:
        raise click.ClickException(f"no instance profile {profile_name} in {account_id}")
    sessions = RoleSessions(db, account_id, "ec2.amazonaws.com", instance_id,
                            instance_profile_role(account_id, profile_name))
    service = metadata.MetadataService(
        sessions, profile_arn=f"arn:aws:iam::{account_id}:instance-profile{profile.path}"
        f"{profile.name}", profile_id=profile.id, instance_id=instance_id,
        require_v2=imdsv2_required)
    httpd = metadata.serve(service, host, port)
    click.echo(f"instance metadata on http://{host}:{httpd.server_address[1]}", err=True)
    httpd.serve_forever()


@main.command("ecs-credentials")
@click.option("--role-name", required=True, help="The task role.")
@click.option("--account-id", required=True)
@DB_OPTION
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8082, show_default=True, type=int)
@click.option("--path", default="/v2/credentials", show_default=True)
@click.option("--token", envvar="AWS_CONTAINER_AUTHORIZATION_TOKEN", required=True,
              help="The Authorization value clients must send.")
def ecs_credentials(role_name: str, account_id: str, db_url: str | None, host: str, port: int,
                    path: str, token: str) -> None:
    """Serve a task role's credentials as the ECS container credentials endpoint (for
    AWS_CONTAINER_CREDENTIALS_FULL_URI and credential_source = EcsContainer)."""
    from .credential_endpoints import ecs
    from .credential_endpoints.minting import RoleSessions, named_role

    db = Database(db_url)
    db.migrate()
    sessions = RoleSessions(db, account_id, "ecs-tasks.amazonaws.com", role_name,
                            named_role(account_id, role_name))
    httpd = ecs.serve(ecs.ContainerCredentials(sessions, path=path, token=token), host, port)
    click.echo(f"container credentials on http://{host}:{httpd.server_address[1]}{path}",
               err=True)
    httpd.serve_forever()


@main.group()
def oidc() -> None:
    """OpenID Connect providers."""


@oidc.command("import-keys")
@click.option("--provider-arn", required=True)
@click.option("--jwks", "jwks_file", required=True, type=click.File("r"),
              help="The issuer's JSON Web Key Set (the document at its jwks_uri).")
@DB_OPTION
def oidc_import_keys(provider_arn: str, jwks_file, db_url: str | None) -> None:
    """Trust these signing keys for a provider whose issuer the server cannot reach."""
    from .oidc.imported import import_keys

    db = Database(db_url)
    db.migrate()
    try:
        import_keys(db, provider_arn, jwks_file.read())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        db.dispose()
    click.echo(f"imported keys for {provider_arn}", err=True)


if __name__ == "__main__":
    main()
