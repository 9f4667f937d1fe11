"""Data only: the demo case's facts and the reference catalogues, read via importlib.resources."""
