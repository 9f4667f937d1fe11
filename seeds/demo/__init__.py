"""Seed data of the demo case (JSON)."""
