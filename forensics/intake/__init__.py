"""Getting evidence into a case: type sniffing, safe walking, ingest, disk images."""
