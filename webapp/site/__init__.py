"""Site-wide pages and lookups that belong to no one domain: the colofon, place suggestions for search."""
