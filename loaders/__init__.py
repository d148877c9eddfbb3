"""Input and output: YAML read (``yaml_read``) and write (``yaml_write``), the format
(``schema``), validation (``checker``, ``rules``, ``dataset``), the warm-start cache (``warm``),
NHS ODS import (``ods``), ``merge``, the stores (``stores``) and read-only queries (``query``).
Imports only ``graph.core``."""
