"""Geolocation GUI: the map view, the hypotheses dock and the hypothesis editor."""
