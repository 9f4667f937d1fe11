"""Geographic data: the world basemap and the gazetteer's supplementary places."""
