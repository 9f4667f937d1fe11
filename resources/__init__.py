"""Data files loaded through importlib.resources (basemap, gazetteer extras, icons)."""
