"""gongkai: Chinese government open-information annual reports -> a gated DuckDB warehouse.

``PARSER_VERSION`` is part of the incremental-ingest key: bump it whenever a change to
the readers or the parser could change what is read from an unchanged file, so that the
next run re-parses every file.
"""

PARSER_VERSION = "2.2.0"
