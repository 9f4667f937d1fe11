"""Item kinds are named in words from their declaration, in the GUI and in the report alike."""

from __future__ import annotations

from forensics.exchange.report_sections import kind_word
from forensics.records.core import ItemKind
from ui.formatting import kind_label


def test_every_kind_has_its_words_and_the_views_use_them() -> None:
    for kind in ItemKind:
        assert all((kind.label, kind.noun, kind.nouns))
        assert kind_label(kind.value) == kind.label
        assert kind_word(kind.value) == kind.noun
        assert kind_word(kind.value, 2) == f"2 {kind.nouns}"
    assert kind_word("hardware", 3) == "3 hardware items"
    assert kind_word("symlink", 1) == "1 symbolic link"
    assert kind_label("disk_image") == "Disk image"
    assert ItemKind("disk_image") is ItemKind.DISK_IMAGE  # stored values read back


def test_a_kind_this_version_does_not_declare_reads_as_its_words() -> None:
    assert kind_word("drone_part", 2) == "2 drone parts"
    assert kind_label("drone_part") == "Drone part"
