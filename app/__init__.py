"""Composition root: entry points (CLI, GUI), settings and the wiring of services."""
