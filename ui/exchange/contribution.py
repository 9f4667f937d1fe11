"""File > Export (pack, report), File > Import archive, Merge, conflicts.

The CASE/UCO and CSV exports are formats of the case (`app.features`), in File > Export
with the others (`ui.case_export`).

Every long step runs as a job with its own case connection (`Case.open(root)`), in the
window's Jobs panel with progress and Cancel; the steps that write to the case (pack and
report log themselves, merge) wait their turn in the case's writer queue. Methods take an
optional path so tests drive them without file dialogs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from forensics.case import Case, CaseLocation
from forensics.jobs import CancelToken, ProgressFn
from forensics.store.location import ServerLocation
from ui.actions import make_action
from ui.context import WorkbenchContext
from ui.exchange.received import accepted_limits, imported_text, merged_text, unsigned_ok

if TYPE_CHECKING:
    # The exchange modules load when an action first runs, not at start-up (the trust store
    # alone brings `cryptography` and the archive format: ~20 ms of the window's start).
    from forensics.exchange.merge import MergeResult
    from forensics.exchange.pack import PackResult
    from forensics.exchange.unpack import UnpackResult
    from ui.exchange.conflicts import ConflictsDialog
    from ui.exchange.import_dialog import ImportDialog
    from ui.exchange.trust_dialog import TrustedKeysDialog
    from ui.job_handle import JobHandle

log = logging.getLogger(__name__)


class ExchangeContribution:
    """Installs the exchange actions in the File menu."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add the menu entries and follow the selection."""
        self.ctx = ctx
        self.selected_item: str | None = None
        self.last_job: JobHandle | None = None
        self.import_dialog: ImportDialog | None = None
        ctx.signals.item_selected.connect(self._selected)
        file_menu = ctx.menu("&File")
        export = ctx.export_menu or file_menu.addMenu("E&xport")
        export.addSeparator()
        self.actions: dict[str, QAction] = {}
        for menu, key, text, shortcut, tip, slot in (
            (
                export,
                "pack",
                "&Pack case for another team…",
                "Ctrl+Alt+Shift+P",
                "Write the case (or the selected item) into one checked .pwbcase archive",
                self.pack,
            ),
            (
                export,
                "report",
                "&Report (HTML or PDF)…",
                "Ctrl+Alt+Shift+R",
                "Write a self-contained report of the case",
                self.report,
            ),
            (
                file_menu,
                "import",
                "&Import case archive…",
                "Ctrl+Alt+Shift+I",
                "Check a received .pwbcase archive, unpack it as a case and open it",
                self.import_archive,
            ),
            (
                file_menu,
                "merge",
                "&Merge team archive…",
                "Ctrl+Alt+Shift+M",
                "Merge a received archive into this case; conflicts are listed, never overwritten",
                self.merge,
            ),
            (
                file_menu,
                "trust",
                "Trusted team &keys…",
                "Ctrl+Alt+Shift+K",
                "The team keys whose signatures are named; any other key is shown as unknown",
                self.show_trusted_keys,
            ),
            (
                file_menu,
                "conflicts",
                "Merge &conflicts…",
                "Ctrl+Alt+Shift+C",
                "Resolve records both teams changed",
                self.show_conflicts,
            ),
        ):
            writes = key in ("pack", "merge", "conflicts")  # pack logs itself in the case
            action = make_action(
                ctx.window, text, shortcut, tip, slot, name=f"exchange_{key}", writes=writes
            )
            menu.addAction(action)
            self.actions[key] = action
        ctx.signals.case_opened.connect(lambda _c: self._enable(True))
        ctx.signals.case_closed.connect(lambda: self._enable(False))
        self._enable(ctx.current_case() is not None)

    def _enable(self, has_case: bool) -> None:
        for key, action in self.actions.items():
            action.setEnabled(has_case or key in ("import", "trust"))

    def _selected(self, item_id: str) -> None:
        self.selected_item = item_id or None

    def _root(self) -> CaseLocation | None:
        root = self.ctx.case_root()
        if root is None:
            QMessageBox.information(self.ctx.window, "Exchange", "Open a case first.")
        return root

    def _run(
        self,
        title: str,
        work: Callable[[Case, ProgressFn, CancelToken], Any],
        done: Callable[[Any], str | None],
        root: CaseLocation | None = None,
    ) -> JobHandle | None:
        from ui.job_handle import JobHandle

        root = root or self._root()
        if root is None:
            return None

        def fn(progress: ProgressFn, cancel: CancelToken) -> Any:
            # A read-only case still reports and exports; its writing actions are disabled.
            with Case.open_for_reading(root) as case:
                return work(case, progress, cancel)

        handle = JobHandle(self.ctx.runner, title, fn, done, self.ctx.window, writes=True)
        self.last_job = handle
        return handle

    def _save_path(self, title: str, suggested: str, pattern: str) -> Path | None:
        root = self.ctx.case_root()
        start = str((root.parent if isinstance(root, Path) else Path.home()) / suggested)
        path, _ = QFileDialog.getSaveFileName(self.ctx.window, title, start, pattern)
        return Path(path) if path else None

    def _say(self, text: str) -> str:
        self.ctx.window.statusBar().showMessage(text, 10000)
        return text

    # export -----------------------------------------------------------------------------
    def pack(
        self,
        out: Path | None = None,
        *,
        items: list[str] | None = None,
        redact: str = "none",
        key: Path | None = None,
        reason: str | None = None,
    ) -> JobHandle | None:
        """Pack the case; with no `out`, ask through the pack dialog."""
        from forensics.exchange import signing
        from forensics.exchange.pack import pack_case
        from ui.exchange.pack_dialog import PackDialog

        root = self._root()
        if root is None:
            return None
        if out is None:
            # A server case packs beside the home folder (packing it is refused for now).
            folder = root if isinstance(root, Path) else Path.home() / "case"
            dialog = PackDialog(
                folder.parent / f"{folder.name}.pwbcase", self.selected_item, self.ctx.window
            )
            if not dialog.exec():
                return None
            out, items = Path(dialog.out.text()), dialog.items()
            redact = dialog.redact.currentText()
            key = Path(dialog.key.text()) if dialog.key.text() else None
            reason = dialog.reason.text() or None
        signing_key = signing.load_key(key) if key else None
        target = out
        return self._run(
            "Pack case",
            lambda case, p, c: pack_case(
                case,
                target,
                items=items,
                redact=redact,
                key=signing_key,
                reason=reason,
                progress=p,
                cancel=c,
            ),
            lambda r: self._packed(r),
        )

    def _packed(self, result: PackResult) -> str:
        self.ctx.signals.flush()
        return self._say(f"packed {result.archive} (manifest {result.manifest_sha256[:16]})")

    def _exported(self, summary: dict[str, Any]) -> str:
        self.ctx.signals.flush()
        return self._say(f"wrote {summary['path']} (sha256 {str(summary['sha256'])[:16]})")

    def report(
        self, out: Path | None = None, *, items: list[str] | None = None
    ) -> JobHandle | None:
        """Build the report in the background; PDF pages are laid out on the GUI thread."""
        from forensics.exchange.report import build_report, write_report
        from geoloc.svg_map import draw_map

        out = out or self._save_path("Report", "report.html", "HTML (*.html);;PDF (*.pdf)")
        if out is None:
            return None
        target = out
        known = self._key_names()
        if target.suffix.lower() == ".pdf":
            return self._run(
                "Report",
                lambda case, p, c: build_report(
                    case, items=items, progress=p, cancel=c, map_drawer=draw_map, known_keys=known
                ),
                lambda html: self._pdf(html, target),
            )
        return self._run(
            "Report",
            lambda case, p, c: write_report(
                case,
                target,
                items=items,
                progress=p,
                cancel=c,
                map_drawer=draw_map,
                known_keys=known,
            ),
            self._exported,
        )

    def _key_names(self) -> dict[str, Any]:
        """The signing keys the examiner can name: their profiles' and trusted team keys."""
        from forensics.errors import ValidationError
        from forensics.exchange.signers import known_keys

        profiles = self.ctx.profiles
        try:
            pairs = [(p.fingerprint, p.name) for p in profiles.profiles()] if profiles else []
        except ValidationError as exc:
            log.warning("%s", exc)
            pairs = []
        return known_keys(pairs)

    def _pdf(self, html: str, out: Path) -> str | None:
        from forensics.exchange.report import log_export
        from ui.exchange.pdf import html_to_pdf

        try:
            data = html_to_pdf(html, out)
        except OSError as exc:
            QMessageBox.critical(self.ctx.window, "Report", f"{out}: {exc}")
            return f"not written: {out}: {exc}"
        case = self.ctx.current_case()
        if case is None:
            return None
        return self._exported(log_export(case, out, "pdf-report", data, actor=None))

    # import and merge -------------------------------------------------------------------
    def import_archive(
        self,
        archive: Path | None = None,
        dest: Path | ServerLocation | None = None,
        evidence: Path | None = None,
    ) -> JobHandle | None:
        """Unpack a received archive into a new case folder, or into an empty database on a
        server with the new evidence folder `evidence`, then open it.

        Without `dest`, the import dialog asks for the archive (unless given) and the new
        case (a parent folder and a name, or a server URL and an evidence folder), not
        modal; the import starts when it is accepted (`import_dialog` is the open dialog).

        Returns:
            The job, when `dest` was given and the user accepted the archive.
        """
        from ui.exchange.import_dialog import ImportDialog

        if dest is None:
            root = self.ctx.case_root()
            start = root.parent if isinstance(root, Path) else Path.home()
            dialog = ImportDialog(archive, start, self.ctx.window)
            dialog.accepted.connect(
                lambda: self.import_archive(
                    dialog.archive_path(), dialog.destination(), dialog.evidence_folder()
                )
            )
            self.import_dialog = dialog
            dialog.open()
            return None
        if archive is None:
            raise ValueError("an archive is needed with a destination")
        if not self._unsigned_ok(archive):
            return None
        return self._unpack(archive, dest, evidence)

    def _unpack(self, src: Path, target: Path | ServerLocation, evidence: Path | None) -> JobHandle:
        from forensics.exchange.unpack import unpack_archive
        from forensics.exchange.unpack_server import unpack_to_server
        from ui.job_handle import JobHandle

        def fn(progress: ProgressFn, cancel: CancelToken) -> UnpackResult:
            if isinstance(target, ServerLocation):
                if evidence is None:
                    raise ValueError("a case on a server needs an evidence folder")
                return unpack_to_server(
                    src,
                    target,
                    evidence,
                    limits=accepted_limits(),
                    progress=progress,
                    cancel=cancel,
                )
            return unpack_archive(
                src, target, limits=accepted_limits(), progress=progress, cancel=cancel
            )

        # Not a write to the open case: the unpack makes a new one, so it needs no turn.
        handle = JobHandle(
            self.ctx.runner, f"Import {src.name}", fn, self._imported, self.ctx.window
        )
        self.last_job = handle
        return handle

    def _unsigned_ok(self, archive: Path) -> bool:
        return unsigned_ok(self.ctx.window, archive)

    def _imported(self, result: UnpackResult) -> str:
        # The window's own switch asks first when jobs of the open case would be stopped.
        actions = getattr(self.ctx.window, "actions_", None)
        switch = getattr(actions, "switch_to", None) or getattr(self.ctx.window, "open_case", None)
        where = result.dest if isinstance(result.dest, Path) else str(result.dest)
        opened = bool(switch(where)) if callable(switch) else False
        return self._say(imported_text(result, opened))

    def merge(self, archive: Path | None = None) -> JobHandle | None:
        """Merge a received archive into the open case."""
        from forensics.exchange.merge import merge_archive

        if archive is None:
            path, _ = QFileDialog.getOpenFileName(
                self.ctx.window, "Merge team archive", "", "Case archives (*.pwbcase);;All (*)"
            )
            if not path:
                return None
            archive = Path(path)
        if not self._unsigned_ok(archive):
            return None
        src = archive
        return self._run(
            "Merge team archive",
            lambda case, p, c: merge_archive(
                case, src, limits=accepted_limits(), progress=p, cancel=c
            ),
            self._merged,
        )

    def _merged(self, result: MergeResult) -> str:
        self.ctx.signals.flush()
        said = self._say(merged_text(result))
        if result.conflicts and not result.already_merged:
            self.show_conflicts()
        return said

    def show_trusted_keys(self) -> TrustedKeysDialog:
        """Open the trusted team keys (non-modal)."""
        from ui.exchange.trust_dialog import TrustedKeysDialog

        self.trust_dialog = TrustedKeysDialog(parent=self.ctx.window)
        self.trust_dialog.show()
        return self.trust_dialog

    def show_conflicts(self) -> ConflictsDialog:
        """Open the conflicts dialog (non-modal)."""
        from ui.exchange.conflicts import ConflictsDialog

        dialog = ConflictsDialog(self.ctx.current_case, self.ctx.window)
        self.conflicts_dialog = dialog
        dialog.show()
        return dialog
