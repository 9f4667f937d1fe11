"""Sharing cases between teams: archives (pack, unpack, merge, signatures) and exports."""
