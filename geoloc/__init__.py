"""Geolocation: hypotheses, an offline gazetteer, geodesy, sun position and map data.

Qt-free and SQL-free: records are stored through `forensics.store.hypotheses`.
"""
