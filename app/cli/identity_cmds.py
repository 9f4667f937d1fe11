"""`pwb profile create|list|use`, `pwb whoami` and `pwb seal`: who acts, and sealing the head."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    add_json_flag,
    case_command,
    listing,
    open_case,
    reply,
)
from app.cli.examiner import require_examiner
from app.cli.output import print_json, say, warn
from app.profiles import PASSPHRASE_ENV, Profile, ProfileStore
from forensics.identity import config_home, session_examiner, short_fingerprint
from forensics.seals import seal_case, seal_lines, write_seal
from forensics.textsafe import escape_name


def register(sub: argparse._SubParsersAction[Any]) -> None:
    """Add `profile`, `whoami` and `seal`."""
    p = sub.add_parser("profile", help="examiner profiles: who signs what you do")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    c = verbs.add_parser("create", help="make a profile with a new Ed25519 key pair")
    c.add_argument("handle", help="short name to choose it by (letters, digits, . _ -)")
    c.add_argument("--name", help="your name as entries credit it (default: the handle)")
    c.add_argument("--org", default="", help="your organisation")
    c.add_argument("--role", default="", help="your role (examiner, reviewer...)")
    c.add_argument(
        "--passphrase",
        action="store_true",
        help=f"encrypt the private key with a passphrase (asked, or {PASSPHRASE_ENV})",
    )
    add_json_flag(c)
    c.set_defaults(func=cmd_profile_create)
    ls = verbs.add_parser("list", help="the profiles in your config folder")
    add_json_flag(ls)
    ls.set_defaults(func=cmd_profile_list)
    u = verbs.add_parser("use", help="act as this profile from now on")
    u.add_argument("profile")
    add_json_flag(u)
    u.set_defaults(func=cmd_profile_use)

    w = sub.add_parser("whoami", help="the examiner you act as, and their key")
    add_json_flag(w)
    w.set_defaults(func=cmd_whoami)

    s = case_command(sub, "seal", cmd_seal, help="sign the custody head with your key")
    s.add_argument("--out", help="also write the seal to this file (keep it outside the case)")


def _profile_json(profile: Profile, current: str | None) -> dict[str, Any]:
    return {
        "profile": profile.handle,
        "name": profile.name,
        "organisation": profile.organisation or None,
        "role": profile.role or None,
        "fingerprint": profile.fingerprint,
        "public_key": profile.public_key,
        "encrypted": profile.encrypted,
        "created_at": profile.created_at,
        "current": profile.handle == current,
        "path": str(profile.path),
    }


def _new_passphrase() -> str:
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    if not sys.stdin.isatty():
        raise UsageError(f"--passphrase: no terminal to ask on (set {PASSPHRASE_ENV})")
    first = getpass.getpass("New passphrase: ")
    if not first or first != getpass.getpass("Again: "):
        raise UsageError("the passphrases are empty or differ")
    return first


def cmd_profile_create(args: argparse.Namespace) -> int:
    store = ProfileStore()
    passphrase = _new_passphrase() if args.passphrase else None
    profile = store.create(
        args.handle,
        name=args.name,
        organisation=args.org,
        role=args.role,
        passphrase=passphrase,
    )
    return reply(
        args,
        _profile_json(profile, store.current_handle()),
        f"created profile {profile.handle}: {escape_name(profile.label())}, key "
        f"{short_fingerprint(profile.fingerprint)} in {escape_name(str(profile.path))}",
    )


def cmd_profile_list(args: argparse.Namespace) -> int:
    store = ProfileStore()
    current = store.current_handle()
    profiles = store.profiles()
    return listing(
        args,
        {"home": str(store.home), "profiles": [_profile_json(p, current) for p in profiles]},
        [
            [
                "*" if p.handle == current else "",
                escape_name(p.handle),
                escape_name(p.name),
                escape_name(p.organisation),
                escape_name(p.role),
                short_fingerprint(p.fingerprint),
            ]
            for p in profiles
        ],
        ["", "PROFILE", "NAME", "ORGANISATION", "ROLE", "KEY"],
    )


def cmd_profile_use(args: argparse.Namespace) -> int:
    store = ProfileStore()
    profile = store.use(args.profile)
    return reply(
        args,
        _profile_json(profile, profile.handle),
        f"acting as {escape_name(profile.label())} ({profile.handle}) from now on",
    )


def cmd_whoami(args: argparse.Namespace) -> int:
    examiner = session_examiner()
    if examiner is None:
        warn(
            f"no examiner profile in {config_home()}: create one with "
            '`pwb profile create HANDLE --name "Your Name"`'
        )
        if args.json:
            print_json({"profile": None, "home": str(config_home())})
        return EXIT_USAGE
    document = {
        "profile": examiner.profile,
        "name": examiner.name,
        "organisation": examiner.organisation or None,
        "role": examiner.role or None,
        "fingerprint": examiner.fingerprint,
        "public_key": examiner.public_key,
        "home": str(config_home()),
    }
    return reply(
        args,
        document,
        f"{escape_name(examiner.label())}, profile {examiner.profile}, key "
        f"{short_fingerprint(examiner.fingerprint)}",
    )


def cmd_seal(args: argparse.Namespace) -> int:
    require_examiner()
    with open_case(args.case_dir) as case:
        doc = seal_case(case, "sealed by hand")
    assert doc is not None  # require_examiner: the case has a signer
    if args.out:
        write_seal(doc, Path(args.out))
    if args.json:
        print_json({**doc, "out": args.out})
    else:
        for line in seal_lines(doc):
            say(escape_name(line))
        if args.out:
            say(f"written to {escape_name(args.out)}")
    return EXIT_OK
