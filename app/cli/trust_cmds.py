"""`pwb trust add | list | remove`: the team keys we trust, like SSH's known_hosts.

The store is imported by each command, not here: it loads `cryptography`, which `pwb`'s
start-up must not pay for.

An archive's signer is shown by the name given here to its key; a key not added is shown by
its fingerprint as unknown (see `forensics.exchange.trust_store`).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app.cli.common import EXIT_OK, EXIT_USAGE, add_json_flag
from app.cli.output import print_json, say, table


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `pwb trust` and its subcommands."""
    top = sub.add_parser("trust", help="the team keys whose signatures we trust")
    cmds = top.add_subparsers(dest="trust_command", metavar="SUBCOMMAND", parser_class=type(top))
    top.set_defaults(func=lambda args: _help(top))

    p = cmds.add_parser(
        "add",
        help="trust a team's key: its KEY.pub, or a signed archive (trust on first use)",
    )
    p.add_argument("source", help="KEY.pub from `pwb keygen`, or a signed .pwbcase")
    p.add_argument(
        "--name", help="the name to show for this key (default: the name the key file gives)"
    )
    add_json_flag(p)
    p.set_defaults(func=cmd_add)

    p = cmds.add_parser("list", help="list the trusted keys with their fingerprints")
    add_json_flag(p)
    p.set_defaults(func=cmd_list)

    p = cmds.add_parser("remove", help="stop trusting a key")
    p.add_argument("fingerprint", help="the key's fingerprint, or a unique prefix of it")
    add_json_flag(p)
    p.set_defaults(func=cmd_remove)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return EXIT_USAGE


def cmd_add(args: argparse.Namespace) -> int:
    from forensics.exchange.trust_store import TrustStore, public_key_of

    public, claimed = public_key_of(Path(args.source))
    key = TrustStore().add(public, args.name or claimed)
    if args.json:
        print_json(key.to_json())
    else:
        say(f"trusted {key.name}: fingerprint {key.fingerprint}")
        say("compare this fingerprint with the team's own, by another channel")
    return EXIT_OK


def cmd_list(args: argparse.Namespace) -> int:
    from forensics.exchange.trust_store import TrustStore

    store = TrustStore()
    keys = store.keys()
    if args.json:
        print_json({"store": str(store.path), "keys": [k.to_json() for k in keys]})
    else:
        table(
            [[k.name, k.fingerprint, k.added_at] for k in keys],
            ["NAME", "FINGERPRINT", "ADDED (UTC)"],
        )
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    from forensics.exchange.trust_store import TrustStore

    key = TrustStore().remove(args.fingerprint)
    if args.json:
        print_json(key.to_json())
    else:
        say(f"no longer trusted: {key.name} ({key.fingerprint})")
    return EXIT_OK
