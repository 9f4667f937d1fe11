"""Every custody action is declared once with the phrase a report prints for it."""

from __future__ import annotations

import importlib
import pkgutil

import forensics
from forensics.records import actions
from forensics.records.actions import ACTION_ENUMS, PHRASES, phrase
from forensics.records.declare import CustodyActionEnum
from forensics.store.custody import EXAMINER_ADDED, Action


def _all_action_enums() -> set[type[CustodyActionEnum]]:
    # Import every module of the core so an enum declared anywhere is a subclass by now.
    for info in pkgutil.walk_packages(forensics.__path__, "forensics."):
        importlib.import_module(info.name)
    found: set[type[CustodyActionEnum]] = set()
    todo = list(CustodyActionEnum.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_action_enum_is_listed_so_its_phrases_are_found() -> None:
    assert _all_action_enums() == set(ACTION_ENUMS)


def test_each_action_has_words_of_its_own() -> None:
    for enum_cls in ACTION_ENUMS:
        for member in enum_cls:
            assert member.phrase, member
            assert "_" not in member.phrase, member
            assert member.phrase != member.value, f"{member.value} has no phrase declared"
    assert len(set(PHRASES.values())) == len(PHRASES)  # two actions never read the same


def test_the_stored_code_is_unchanged_and_reads_as_words() -> None:
    assert Action.INGESTED == "ingested"
    assert EXAMINER_ADDED == "examiner_added"
    assert phrase("ingested") == "file ingested (copied and hashed)"
    assert phrase(EXAMINER_ADDED) == "examiner's key added to the case"
    # An action this version does not know (a newer version's, another team's) is shown.
    assert phrase("sun_check_recorded") == "sun check recorded"
    assert not actions.declared("sun_check_recorded")
