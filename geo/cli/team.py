"""The ``conflictmap`` verbs for teams: ``user``, ``serve``, ``edit`` and ``history``.

Registered on the main parser by :func:`register`; errors a user can meet are ConflictmapErrors,
which the main command prints as one sentence.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import pandas as pd

from geo import schema as S
from geo import settings
from geo.errors import ConflictmapError
from geo.team import auth, serve


def cmd_user_add(args: argparse.Namespace) -> int:
    path = Path(args.users_file) if args.users_file else settings.USERS_FILE
    if args.oidc:
        password = None
    elif args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.name}: ")
        if getpass.getpass("again: ") != password:
            raise ConflictmapError("the two passwords differ; nothing was written")
    new = auth.add_user(path, args.name, role=args.role, password=password)
    how = "signs in through the identity provider" if password is None else "password hashed"
    print(f"{'added' if new else 'updated'} {args.name} ({args.role}, {how}) in {path}")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    path = Path(args.users_file) if args.users_file else settings.USERS_FILE
    accounts = auth.read_users(path)
    for account in sorted(accounts.values(), key=lambda a: a.name):
        kind = "password" if account.password_hash else "identity provider"
        print(f"{account.name}\t{account.role}\t{kind}")
    print(f"{len(accounts)} user(s) in {path}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    replicas = serve.plan(replicas=args.replicas, port=args.port, address=args.address)
    for warning in serve.check(
        replicas=args.replicas,
        database_url=settings.DATABASE_URL,
        auth=auth.auth_mode(settings.AUTH),
        address=args.address,
        users_file=settings.USERS_FILE,
    ):
        print(f"warning: {warning}", file=sys.stderr)
    if settings.DATABASE_URL:
        from geo.store.postgis import without_password

        print(f"store: {without_password(settings.DATABASE_URL)}")
    else:
        print(f"store: {settings.STORE_PATH}")
    print(f"login: {auth.auth_mode(settings.AUTH)}")
    if not args.dry_run and settings.DATABASE_URL:
        from geo.store import open_store

        open_store(settings.DATABASE_URL)  # migrate once, before the replicas race to
    processes = [] if args.dry_run else serve.start(replicas)
    for i, replica in enumerate(replicas):
        pid = f"pid {processes[i].pid}" if processes else "not started (--dry-run)"
        print(f"replica {i + 1}: {replica.url(args.address)}  {pid}")
        if args.dry_run:
            print("  " + " ".join(replica.command))
    print("\nPut a load balancer in front that keeps each browser on one replica, e.g. nginx:\n")
    print(serve.nginx_example(replicas, address=args.address))
    if args.dry_run:
        return 0
    print("\nCtrl-C stops every replica.", flush=True)
    return serve.wait(processes)


def _parse_assignment(text: str) -> tuple[str, str | None]:
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError(f"{text!r}: write FIELD=VALUE (FIELD= to empty it)")
    return name.strip(), (value if value.strip() else None)


def cmd_edit(args: argparse.Namespace) -> int:
    from geo.cli.common import get_store

    changes = dict(args.changes)
    updated = get_store(args).update(
        args.event_id, changes, expected_version=args.version, user=args.user
    )
    print(f"{args.event_id} is now version {updated[S.VERSION]}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from geo.cli.common import get_store

    history = get_store(args).history(args.event_id)
    if history.empty:
        print(f"no history for {args.event_id}")
        return 0
    table = pd.DataFrame(
        {
            "version": history["version"],
            "action": history["action"],
            "user": history["user"].fillna(""),
            "at (UTC)": history["at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
            "changes": history["changes"].map(_show_changes),
        }
    )
    with pd.option_context("display.max_colwidth", 120, "display.width", 200):
        print(table.to_string(index=False))
    return 0


def _show_changes(changes: dict) -> str:
    return "; ".join(f"{k}: {old!r} -> {new!r}" for k, (old, new) in changes.items())


def register(sub: argparse._SubParsersAction) -> None:
    """Add the team verbs to the ``conflictmap`` parser."""
    p = sub.add_parser("user", help="users of a shared dashboard (CONFLICTMAP_USERS)")
    users = p.add_subparsers(dest="user_verb", required=True, metavar="ACTION")
    add = users.add_parser("add", help="add a user or change one's role and password")
    add.add_argument("name", help="user name (for --oidc: the e-mail the identity provider gives)")
    add.add_argument("--role", required=True, choices=auth.ROLES)
    how = add.add_mutually_exclusive_group()
    how.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    how.add_argument("--oidc", action="store_true", help="no password: signs in through OIDC")
    add.add_argument("--users-file", help=f"default: $CONFLICTMAP_USERS or {settings.USERS_FILE}")
    add.set_defaults(func=cmd_user_add)
    show = users.add_parser("list", help="list users and their roles")
    show.add_argument("--users-file", help=f"default: $CONFLICTMAP_USERS or {settings.USERS_FILE}")
    show.set_defaults(func=cmd_user_list)

    p = sub.add_parser(
        "serve",
        help="start a team deployment: N dashboards on consecutive ports, one PostGIS",
        description=(
            "Start N Streamlit processes of the dashboard on consecutive ports, all using the "
            "PostGIS store named by CONFLICTMAP_DATABASE_URL, and print how to put a load "
            "balancer in front. Set CONFLICTMAP_AUTH=users (with `conflictmap user add`) or "
            "oidc so that only signed-in analysts edit."
        ),
    )
    p.add_argument("--replicas", "-n", type=int, default=2, help="how many processes (default 2)")
    p.add_argument("--port", type=int, default=8501, help="port of the first (default 8501)")
    p.add_argument("--address", default="127.0.0.1", help="address to listen on")
    p.add_argument("--dry-run", action="store_true", help="print the plan, start nothing")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser(
        "edit", help="change fields of one event, refused if someone changed it since --version"
    )
    p.add_argument("event_id")
    p.add_argument(
        "--version", type=int, required=True, help="the version you read (conflictmap list)"
    )
    p.add_argument("changes", nargs="+", type=_parse_assignment, metavar="FIELD=VALUE")
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("history", help="who changed an event, what and when")
    p.add_argument("event_id")
    p.set_defaults(func=cmd_history)
