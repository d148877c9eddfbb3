"""The console's guard: which Cypher a read-only query may use."""

from __future__ import annotations

import re

from loaders.query.result import QueryError

# Words that change data, schema, settings or files on one store or the other.
_REFUSED_WORDS = {
    "CREATE", "MERGE", "DELETE", "DETACH", "SET", "REMOVE", "DROP", "ALTER", "RENAME",
    "FOREACH", "COPY", "LOAD", "IMPORT", "EXPORT", "INSTALL", "ATTACH", "USE", "CHECKPOINT",
    "BEGIN", "COMMIT", "ROLLBACK", "GRANT", "DENY", "REVOKE", "TERMINATE",
}
# Procedures known to only read; any other CALL is refused (they may write or change settings).
_READ_PROCEDURES = re.compile(
    r"^(show_\w+|table_info|current_setting|db_version|"
    r"db\.(labels|relationshipTypes|propertyKeys|schema\.\w+))$", re.IGNORECASE)
_LITERALS = re.compile(r"""
    //[^\n]*                          # line comment
  | /\*.*?\*/                         # block comment
  | '(?:[^'\\]|\\.)*'                 # 'string'
  | "(?:[^"\\]|\\.)*"                 # "string"
  | `(?:[^`]|``)*`                    # `quoted identifier`
""", re.VERBOSE | re.DOTALL)
_WORD = re.compile(r"(?<![\w.$])([A-Za-z_][A-Za-z0-9_]*)")
_CALL = re.compile(r"\bCALL\s+([A-Za-z_][\w.]*)\s*(\(|=)?", re.IGNORECASE)


def check_read_only(cypher: str) -> None:
    """Raise ``QueryError`` naming the first clause a read-only query may not use."""
    code = _LITERALS.sub(" ", cypher)
    statements = [s for s in code.split(";") if s.strip()]
    if len(statements) > 1:
        raise QueryError("refused: several statements; run one query at a time")
    if not statements:
        raise QueryError("empty query (write a MATCH ... RETURN ...)")
    for match in _WORD.finditer(code):
        word = match.group(1).upper()
        if word in _REFUSED_WORDS:
            what = "LOAD CSV/LOAD FROM and COPY read or write files" if word in ("LOAD", "COPY") \
                else f"{word} changes the database"
            raise QueryError(f"refused: queries are read-only and {what} "
                             "(use MATCH ... RETURN ...)")
    for match in _CALL.finditer(code):
        name, after = match.group(1), match.group(2)
        if after == "=" or not _READ_PROCEDURES.match(name):
            raise QueryError(f"refused: CALL {name} may write or change settings; only "
                             "read-only procedures such as db.labels() or show_tables() may run")
