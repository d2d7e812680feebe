"""Pure parts of the connectors: the dataset file, the reference graph, the scan's heuristics
and the results. No Django, no database: the SQL lives in ``stores/sql``."""
