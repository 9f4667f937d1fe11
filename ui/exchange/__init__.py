"""The GUI of case exchange: File > Export, Import, Merge, conflicts and reports."""
