"""The provenance feature's GUI: manufacturers, components, sources, graph and origins."""
