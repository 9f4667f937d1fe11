"""File > Export (pack, report), File > Import archive, Merge, conflicts.

The CASE/UCO and CSV exports are formats of the case (`app.features`), in File > Export
with the others (`ui.case_export`).

Every long step runs as a job with its own case connection (`Case.open(root)`), behind a
progress dialog with Cancel. Methods take an optional path so tests drive them without file
dialogs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMessageBox

from forensics.case import Case
from forensics.exchange.trust_store import TrustStore, describe
from forensics.jobs import CancelToken, ProgressFn
from forensics.textsafe import shown
from ui.actions import make_action
from ui.context import WorkbenchContext

if TYPE_CHECKING:
    # The exchange modules load when an action first runs, not at start-up.
    from forensics.exchange.archive_checks import Limits
    from forensics.exchange.merge import MergeResult
    from forensics.exchange.pack import PackResult
    from forensics.exchange.unpack import UnpackResult
    from ui.exchange.conflicts import ConflictsDialog
    from ui.exchange.job_dialog import JobDialog
    from ui.exchange.trust_dialog import TrustedKeysDialog

log = logging.getLogger(__name__)


def _accepted() -> Limits:
    """The limits of an archive that `_unsigned_ok` let through: signed, or unsigned and
    accepted knowingly by the user (the core refuses unsigned archives by default)."""
    from forensics.exchange.archive_checks import Limits

    return Limits(accept_unsigned=True)


class ExchangeContribution:
    """Installs the exchange actions in the File menu."""

    def install(self, ctx: WorkbenchContext) -> None:
        """Add the menu entries and follow the selection."""
        self.ctx = ctx
        self.selected_item: str | None = None
        self.last_dialog: JobDialog | None = None
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

    def _root(self) -> Path | None:
        root = self.ctx.case_root()
        if root is None:
            QMessageBox.information(self.ctx.window, "Exchange", "Open a case first.")
        return root

    def _run(
        self,
        title: str,
        work: Callable[[Case, ProgressFn, CancelToken], Any],
        done: Callable[[Any], None],
        root: Path | None = None,
    ) -> JobDialog | None:
        from ui.exchange.job_dialog import JobDialog

        root = root or self._root()
        if root is None:
            return None

        def fn(progress: ProgressFn, cancel: CancelToken) -> Any:
            # A read-only case still reports and exports; its writing actions are disabled.
            with Case.open_for_reading(root) as case:
                return work(case, progress, cancel)

        dialog = JobDialog(self.ctx.runner, title, fn, done, self.ctx.window)
        self.last_dialog = dialog
        dialog.show()
        return dialog

    def _save_path(self, title: str, suggested: str, pattern: str) -> Path | None:
        root = self.ctx.case_root()
        start = str((root.parent if root else Path.home()) / suggested)
        path, _ = QFileDialog.getSaveFileName(self.ctx.window, title, start, pattern)
        return Path(path) if path else None

    def _say(self, text: str) -> None:
        self.ctx.window.statusBar().showMessage(text, 10000)

    # export -----------------------------------------------------------------------------
    def pack(
        self,
        out: Path | None = None,
        *,
        items: list[str] | None = None,
        redact: str = "none",
        key: Path | None = None,
        reason: str | None = None,
    ) -> JobDialog | None:
        """Pack the case; with no `out`, ask through the pack dialog."""
        from forensics.exchange import signing
        from forensics.exchange.pack import pack_case
        from ui.exchange.pack_dialog import PackDialog

        root = self._root()
        if root is None:
            return None
        if out is None:
            dialog = PackDialog(
                root.parent / f"{root.name}.pwbcase", self.selected_item, self.ctx.window
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

    def _packed(self, result: PackResult) -> None:
        self.ctx.signals.flush()
        self._say(f"packed {result.archive} (manifest {result.manifest_sha256[:16]})")

    def _exported(self, summary: dict[str, Any]) -> None:
        self.ctx.signals.flush()
        self._say(f"wrote {summary['path']} (sha256 {str(summary['sha256'])[:16]})")

    def report(
        self, out: Path | None = None, *, items: list[str] | None = None
    ) -> JobDialog | None:
        """Build the report in the background; PDF pages are laid out on the GUI thread."""
        from forensics.exchange.report import build_report, write_report
        from geoloc.svg_map import draw_map

        out = out or self._save_path("Report", "report.html", "HTML (*.html);;PDF (*.pdf)")
        if out is None:
            return None
        target = out
        if target.suffix.lower() == ".pdf":
            return self._run(
                "Report",
                lambda case, p, c: build_report(
                    case, items=items, progress=p, cancel=c, map_drawer=draw_map
                ),
                lambda html: self._pdf(html, target),
            )
        return self._run(
            "Report",
            lambda case, p, c: write_report(
                case, target, items=items, progress=p, cancel=c, map_drawer=draw_map
            ),
            self._exported,
        )

    def _pdf(self, html: str, out: Path) -> None:
        from forensics.exchange.report import log_export
        from ui.exchange.pdf import html_to_pdf

        try:
            data = html_to_pdf(html, out)
        except OSError as exc:
            QMessageBox.critical(self.ctx.window, "Report", f"{out}: {exc}")
            return
        case = self.ctx.current_case()
        if case is not None:
            self._exported(log_export(case, out, "pdf-report", data, actor=None))

    # import and merge -------------------------------------------------------------------
    def import_archive(
        self, archive: Path | None = None, dest: Path | None = None
    ) -> JobDialog | None:
        """Unpack a received archive into a new case folder, then open it."""
        from forensics.exchange.unpack import unpack_archive
        from ui.exchange.job_dialog import JobDialog

        if archive is None:
            path, _ = QFileDialog.getOpenFileName(
                self.ctx.window, "Import case archive", "", "Case archives (*.pwbcase);;All (*)"
            )
            if not path:
                return None
            archive = Path(path)
        if dest is None:
            folder = QFileDialog.getExistingDirectory(
                self.ctx.window, "Folder to hold the new case"
            )
            if not folder:
                return None
            dest = Path(folder) / archive.stem
        if not self._unsigned_ok(archive):
            return None
        src, target = archive, dest

        def fn(progress: ProgressFn, cancel: CancelToken) -> UnpackResult:
            return unpack_archive(src, target, limits=_accepted(), progress=progress, cancel=cancel)

        dialog = JobDialog(
            self.ctx.runner, "Import case archive", fn, self._imported, self.ctx.window
        )
        self.last_dialog = dialog
        dialog.show()
        return dialog

    def _unsigned_ok(self, archive: Path) -> bool:
        """True for a signed archive, or an unsigned one the user chose to accept knowingly
        (the CLI's `--accept-unsigned`; the custody entry records it either way)."""
        import zipfile

        from forensics.exchange import archive as fmt

        try:
            with zipfile.ZipFile(archive) as zf:
                if fmt.SIGNATURE in zf.namelist():
                    return True
        except (OSError, zipfile.BadZipFile):
            return True  # not an archive: the unpack refuses it with its reasons
        answer = QMessageBox.question(
            self.ctx.window,
            "Unsigned archive",
            f"{shown(archive.name)} is not signed: nothing proves which team made it.\n\n"
            "Accept it anyway? The custody log and the report will say it was unsigned.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _imported(self, result: UnpackResult) -> None:
        sig = result.received.signature
        who = describe(sig, TrustStore().names())
        opener = getattr(self.ctx.window, "open_case", None)
        if callable(opener):
            opener(result.dest)
        self._say(f"imported {result.dest}: {who}")

    def merge(self, archive: Path | None = None) -> JobDialog | None:
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
            lambda case, p, c: merge_archive(case, src, limits=_accepted(), progress=p, cancel=c),
            self._merged,
        )

    def _merged(self, result: MergeResult) -> None:
        self.ctx.signals.flush()
        m = result.merge
        who = describe(result.received.signature if result.received else None, TrustStore().names())
        if result.already_merged:
            self._say(
                f"{who}; already merged as {shown(m.archive_name)} on {m.created_at}: "
                "nothing was applied"
            )
            return
        kept = len(result.deletion_notices)
        self._say(
            f"{who}; "
            f"merged {m.archive_name}: {m.added} added, {m.updated} updated, "
            f"{len(result.deleted)} deleted, {m.conflicts} conflict(s)"
            + (f", {kept} deletion(s) of evidence items not applied" if kept else "")
        )
        if result.conflicts:
            self.show_conflicts()

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
