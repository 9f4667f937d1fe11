"""Folder items: the folders evidence was found in, kept as nodes of the case tree.

A folder ingested from the examiner's machine and every folder inside a disk image becomes an
item of kind `folder` under its own parent folder (or under the ingest's parent, or the image),
so the files keep the structure they were found in and two `IMG_0001.JPG` from different
folders never sit side by side. A folder holds no content of its own; its item records where
it was (host path or path inside the image), its file-system times and, inside an image,
whether it was deleted. Ingesting the same folder again, or resuming an interrupted
expansion, finds its item and reuses it instead of adding a second one.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from forensics.case import Case
from forensics.errors import DuplicateItemError
from forensics.intake.records import ContentSource, IngestOptions, item_from_source
from forensics.models import Item, ItemKind
from forensics.store.custody import Action
from forensics.textsafe import escape_name


def ensure_folder(
    case: Case, source: ContentSource, options: IngestOptions, *, parent_id: str | None
) -> Item:
    """The folder item for `source` under `parent_id`: the existing one, or a new one logged.

    Returns:
        The folder's item.
    """
    existing = case.items.find_folder(parent_id, source.source_path_raw, source.fs_path_raw)
    if existing is not None:
        return existing
    item = item_from_source(
        source,
        kind=ItemKind.FOLDER,
        parent_id=parent_id,
        actor=case.actor(options.examiner),
        note=options.note,
    )
    details: dict[str, Any] = {"folder": source.source_path or source.fs_path or source.name}
    try:
        case.insert_item(item, Action.INGESTED, details=details, reason=options.reason)
    except DuplicateItemError:
        # Another ingest of the same folder committed its item first: use that one.
        existing = case.items.find_folder(parent_id, source.source_path_raw, source.fs_path_raw)
        if existing is None:
            raise
        return existing
    return item


class HostFolders:
    """The folder items of one host input, made on demand as its files are ingested."""

    def __init__(self, case: Case, options: IngestOptions) -> None:
        self._case = case
        self._options = options
        self._ids: dict[bytes, str] = {}
        self._given: dict[tuple[bytes, bytes], str] = {}
        """(folder, root) as asked -> its item id."""
        self._under: dict[str | None, IngestOptions] = {}

    def options_under(self, path: bytes, root: bytes) -> IngestOptions:
        """The ingest's options for a file found at `path` under `root`: its `parent_id`
        is the item it goes under (`parent_of`); made once per parent."""
        parent = self.parent_of(path, root)
        options = self._under.get(parent)
        if options is None:
            options = self._under[parent] = replace(self._options, parent_id=parent)
        return options

    def parent_of(self, path: bytes, root: bytes) -> str | None:
        """The item id a file found at `path` under the input `root` goes under.

        A file given directly (its own root) goes under the ingest's parent; one found in a
        folder goes under that folder's item, made (with the folders above it, up to and
        including `root`) when first needed.
        """
        if path == root:
            return self._options.parent_id
        return self.folder(os.path.dirname(path), root)

    def folder(self, folder: bytes, root: bytes) -> str | None:
        """The item id of a host folder at or below `root` (made when missing)."""
        given = self._given.get((folder, root))
        if given is not None:  # each file of a folder asks again: no path arithmetic then
            return given
        found = self._folder(folder, root)
        if found is not None:
            self._given[(folder, root)] = found
        return found

    def _folder(self, folder: bytes, root: bytes) -> str | None:
        folder = os.path.abspath(folder)
        root = os.path.abspath(root)
        known = self._ids.get(folder)
        if known is not None:
            return known
        if folder == root or not folder.startswith(root + b"/"):
            parent = self._options.parent_id
        else:
            parent = self.folder(os.path.dirname(folder), root)
        source = ContentSource(
            name=escape_name(os.path.basename(folder) or folder),
            source_path=escape_name(folder),
            source_path_raw=folder,
            fs_mtime=_mtime(folder),
        )
        item = ensure_folder(self._case, source, self._options, parent_id=parent)
        self._ids[folder] = item.id
        return item.id


def _mtime(path: bytes) -> str | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return datetime.fromtimestamp(st.st_mtime, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
