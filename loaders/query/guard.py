"""The console's guard: a query runs only if it is made of reading clauses.

An allowlist over the tokens of ``loaders.query.tokens``. A query (and each EXISTS, COUNT or
COLLECT subquery) starts with MATCH, OPTIONAL MATCH, UNWIND, WITH, RETURN or a CALL of a
procedure in ``READ_PROCEDURES`` (EXPLAIN or PROFILE may come first). Every other word must be
an expression keyword (AND, CASE, STARTS WITH, ...), a keyword that continues a clause (WHERE,
ORDER BY, SKIP, LIMIT, UNION, ...), or a name standing where a name can stand: after an
operator, a bracket, a comma or a clause keyword, never straight after a complete expression or
pattern, which is where a database begins its next clause. So a clause that is not on the list
is refused wherever it hides, whether or not its word is known here. Words known to write, read
files or change the database (``_WHY``) are refused wherever they stand as names too, so the
refusal can say what they do.
"""

from __future__ import annotations

import difflib

from loaders.query.result import QueryError
from loaders.query.tokens import Token, tokenize, where

# Procedures that only read the graph's catalogue; matched without quotes, in any case.
READ_PROCEDURES = frozenset({
    # LadybugDB table functions (found with CALL show_functions()): tables, their columns,
    # relationship ends, indexes, the functions there are, the version.
    "show_tables", "table_info", "show_connection", "show_indexes", "show_functions",
    "db_version",
    # Neo4j built-in procedures
    "db.labels", "db.relationshiptypes", "db.propertykeys", "db.schema.visualization",
    "db.schema.nodetypeproperties", "db.schema.reltypeproperties",
})
HOW = "use MATCH ... RETURN ..."
CLAUSES = ("MATCH, OPTIONAL MATCH, WHERE, WITH, UNWIND, RETURN, ORDER BY, SKIP, LIMIT, UNION "
           "and CALLs of read-only procedures")

_WRITES = "writes to the graph"
_SCHEMA = "changes the schema"
_ADMIN = "administers the server"
_WHY = {
    "CREATE": _WRITES, "MERGE": _WRITES, "SET": _WRITES, "REMOVE": _WRITES, "DELETE": _WRITES,
    "DETACH": _WRITES, "NODETACH": _WRITES, "FOREACH": _WRITES, "INSERT": _WRITES,
    "DROP": _SCHEMA, "ALTER": _SCHEMA, "RENAME": _SCHEMA, "COMMENT": _SCHEMA,
    "ANALYZE": "rewrites the store's statistics",
    "INSTALL": "installs an extension (and downloads it)",
    "UPDATE": "updates an extension (and downloads it)",
    "UNINSTALL": "deletes an installed extension", "LOAD": "loads an extension",
    "COPY": "reads or writes files", "EXPORT": "writes files", "IMPORT": "reads files",
    "ATTACH": "opens another database", "USE": "switches to another database",
    "CHECKPOINT": "writes the store's files", "FORCE": "writes the store's files",
    "BEGIN": "controls transactions", "COMMIT": "controls transactions",
    "ROLLBACK": "controls transactions",
    "SHOW": _ADMIN, "GRANT": _ADMIN, "DENY": _ADMIN, "REVOKE": _ADMIN, "TERMINATE": _ADMIN,
}
_SCHEMA_WORDS = {"NODE", "REL", "GROUP", "TABLE", "INDEX", "MACRO", "SEQUENCE", "TYPE", "GRAPH",
                 "CONSTRAINT", "DATABASE", "ALIAS", "USER", "ROLE", "FULLTEXT", "VECTOR"}

_CONTINUES = {"WHERE", "ORDER", "SKIP", "LIMIT", "YIELD"}  # after a complete expression
_BINARY = {"AND", "OR", "XOR", "IN", "IS", "STARTS", "ENDS", "CONTAINS"}
_LITERALS = {"NULL", "TRUE", "FALSE"}
_ORDERING = {"ASC", "ASCENDING", "DESC", "DESCENDING"}
_PATH_MODIFIERS = {"SHORTEST", "ALL", "ANY", "TRAIL", "ACYCLIC", "WSHORTEST", "GROUPS", "PATH",
                   "PATHS"}
_SUBQUERIES = {"EXISTS", "COUNT", "COLLECT"}
_STAR_AFTER = {"RETURN", "WITH", "DISTINCT", "YIELD"}  # RETURN * : "every variable"
_CLOSING = {"(": ")", "[": "]", "{": "}"}
_KEYWORDS = ["MATCH", "OPTIONAL", "UNWIND", "WITH", "RETURN", "CALL", "WHERE", "ORDER", "SKIP",
             "LIMIT", "UNION", "EXPLAIN", "PROFILE"]

# Where the reader is: a clause must start; an operand (name, value, bracket) may come; a
# complete operand was just read; the next word is a name (after '.', ':' or AS).
START, SUBQUERY, OPERAND, AFTER, NAME = "start", "subquery", "operand", "after", "name"


def refusal(what: str, why: str) -> QueryError:
    return QueryError(f"refused: {what} {why}; the console only reads the graph ({HOW})")


def check_read_only(cypher: str) -> None:
    """Raise ``QueryError`` (one line: what was refused and what to do) unless ``cypher`` is
    one read-only query; a malformed one may pass, for the database to report."""
    tokens = tokenize(cypher)
    if tokens and tokens[-1].is_punct(";"):
        tokens = tokens[:-1]
    if not tokens:
        raise QueryError(f"empty query ({HOW})")
    if any(t.is_punct(";") for t in tokens):
        raise QueryError("refused: several statements; the console runs one query at a time "
                         "(remove the ';' and what follows it)")
    _Reader(cypher, tokens).read()


class _Reader:
    def __init__(self, cypher: str, tokens: list[Token]):
        self.cypher, self.tokens = cypher, tokens
        self.state = START
        self.frames: list[tuple[Token, bool]] = []  # open brackets; True: a subquery's braces
        self.cases = 0  # CASE ... END still open

    def read(self) -> None:
        i = 0
        while i < len(self.tokens):
            i = self.step(i)
        if self.frames:
            opened = self.frames[-1][0]
            raise self.syntax(opened, f"'{opened.text}' is not closed",
                              f"close it with '{_CLOSING[opened.text]}'")

    def token(self, i: int) -> Token | None:
        return self.tokens[i] if 0 <= i < len(self.tokens) else None

    def step(self, i: int) -> int:
        token = self.tokens[i]
        if self.state == NAME:
            if token.kind in ("word", "quoted"):
                self.state = AFTER
                return i + 1
            self.state = OPERAND
        if token.kind == "word":
            return self.word(i)
        if token.kind == "punct":
            return self.punct(i)
        self.need(i, OPERAND)  # a quoted name, string, number or parameter
        self.state = AFTER
        return i + 1

    def need(self, i: int, *states: str) -> None:
        if self.state not in states:
            raise self.out_of_place(i)

    def word(self, i: int) -> int:
        word, after = self.tokens[i].keyword, self.token(i + 1)
        following = after.keyword if after else None
        previous = self.token(i - 1).keyword if i else None
        if self.state == OPERAND and after is not None and after.is_punct(":"):
            self.state = AFTER  # a map key, or a variable before its label
            return i + 1
        if word in _WHY:
            raise _refused(self.tokens, i)
        if word in ("EXPLAIN", "PROFILE") and i == 0:
            return i + 1
        if word == "CALL":
            return self.call(i)
        if word == "WITH" and previous in ("STARTS", "ENDS"):
            return i + 1
        if word in ("MATCH", "UNWIND", "RETURN", "WITH", "OPTIONAL", "UNION"):
            if not (word == "MATCH" and previous == "OPTIONAL"):
                self.need(i, *((AFTER,) if word == "UNION" else (START, SUBQUERY, AFTER)))
            if word == "OPTIONAL" and following not in ("MATCH", "CALL"):
                raise self.syntax(self.tokens[i], "OPTIONAL must be followed by MATCH",
                                  "write OPTIONAL MATCH")
            self.state = START if word in ("OPTIONAL", "UNION") else OPERAND
            return i + (2 if word == "UNION" and following == "ALL" else 1)
        if word in _CONTINUES:
            if not (word == "WHERE" and self.tokens[i - 1].is_punct("|")):  # (r, n | WHERE ...)
                self.need(i, AFTER)
            if word == "ORDER" and following != "BY":
                raise self.syntax(self.tokens[i], "ORDER must be followed by BY",
                                  "write ORDER BY")
            self.state = OPERAND
            return i + (2 if word == "ORDER" else 1)
        if word in _BINARY or word == "AS":
            self.need(i, AFTER)
            self.state = NAME if word == "AS" else OPERAND
            return i + 1
        if word in ("NOT", "DISTINCT", "CASE"):
            self.need(i, OPERAND)
            self.cases += word == "CASE"
            return i + 1
        if word in ("WHEN", "THEN", "ELSE", "END"):
            if not self.cases:
                raise self.out_of_place(i)
            self.need(i, *((OPERAND, AFTER) if word == "WHEN" else (AFTER,)))
            self.cases -= word == "END"
            self.state = AFTER if word == "END" else OPERAND
            return i + 1
        if word in _LITERALS or word in _ORDERING:
            self.need(i, OPERAND if word in _LITERALS else AFTER)
            self.state = AFTER
            return i + 1
        if word in _PATH_MODIFIERS and after is not None and (
                after.kind == "number" or after.is_punct("(", "..") or following in _PATH_MODIFIERS):
            self.need(i, OPERAND, AFTER)  # SHORTEST 1 (a)-->(b), [* ALL SHORTEST 1..3], all(...)
            self.state = OPERAND
            return i + 1
        self.need(i, OPERAND)  # a name: variable, function, or EXISTS/COUNT before a subquery
        self.state = AFTER
        return i + 1

    def call(self, i: int) -> int:
        if not (i and self.tokens[i - 1].keyword == "OPTIONAL"):
            self.need(i, START, SUBQUERY, AFTER)
        parts, j = [], i + 1
        while (part := self.token(j)) is not None and part.kind in ("word", "quoted"):
            parts.append(part.text)
            dot, following = self.token(j + 1), self.token(j + 2)
            if not (dot is not None and dot.is_punct(".") and following is not None
                    and following.kind in ("word", "quoted")):
                j += 1
                break
            j += 2
        name, after = ".".join(parts), self.token(j)
        if not parts:
            raise refusal("CALL { ... }", "runs a subquery that may write")
        if after is not None and after.is_punct("="):
            raise refusal(f"CALL {name}=...", "changes a setting")
        if name.lower() not in READ_PROCEDURES:
            raise QueryError(
                f"refused: CALL {name} is not a read-only procedure; the console only reads the "
                f"graph (it may call {', '.join(sorted(READ_PROCEDURES))})")
        if after is None or not after.is_punct("("):
            raise self.syntax(self.tokens[j - 1], f"CALL {name} needs brackets",
                              f"write CALL {name}()")
        self.state = AFTER  # the '(' of the arguments comes next
        return j

    def punct(self, i: int) -> int:
        token, previous = self.tokens[i], self.token(i - 1)
        if self.state == START or self.state == SUBQUERY and not token.is_punct("("):
            raise self.out_of_place(i)
        if token.text in _CLOSING:
            subquery = token.text == "{" and previous is not None and previous.keyword in _SUBQUERIES
            self.frames.append((token, subquery))
            self.state = SUBQUERY if subquery else OPERAND
        elif token.text in _CLOSING.values():
            if not self.frames or _CLOSING[self.frames[-1][0].text] != token.text:
                raise self.syntax(token, f"'{token.text}' closes no open bracket",
                                  "check the brackets")
            self.frames.pop()
            self.state = AFTER
        elif token.text == "*" and self.state == OPERAND and previous is not None \
                and previous.keyword in _STAR_AFTER:
            self.state = AFTER
        else:
            self.state = NAME if token.text in (".", ":") else OPERAND
        return i + 1

    def out_of_place(self, i: int) -> QueryError:
        """Why token ``i`` cannot stand where it does: a refusal where a clause would begin,
        else a syntax error."""
        token = self.tokens[i]
        if token.keyword in _WHY:
            return _refused(self.tokens, i)
        if self.state in (START, SUBQUERY, AFTER) and token.kind == "word":
            close = difflib.get_close_matches(token.text.upper(), _KEYWORDS, n=1)
            guess = f"; did you mean {close[0]}?" if close else ""
            return QueryError(f"refused: {token.text} is not a reading clause; the console only "
                              f"reads the graph (a query is made of {CLAUSES}{guess})")
        if self.state in (START, SUBQUERY):
            return QueryError(f"refused: a query starts with MATCH, OPTIONAL MATCH, UNWIND, WITH, "
                              f"RETURN or CALL, not '{_shown(token)}' ({HOW})")
        previous = self.tokens[i - 1]
        return self.syntax(token, f"'{_shown(token)}' cannot follow '{_shown(previous)}'",
                           "is an operator, a comma or a keyword missing?")

    def syntax(self, token: Token, what: str, fix: str) -> QueryError:
        return QueryError(f"syntax error at {where(self.cypher, token.at)}: {what} ({fix})")


def _shown(token: Token) -> str:
    text = {"string": "'...'", "quoted": f"`{token.text}`", "param": f"${token.text}"}.get(
        token.kind, token.text)
    return text if len(text) <= 40 else text[:37] + "..."


def _refused(tokens: list[Token], i: int) -> QueryError:
    """The refusal of a known word, naming it with the words that say what it does."""
    first = tokens[i].keyword
    following = [t.keyword for t in tokens[i + 1:i + 4]]
    nxt = following[0] if following else None
    words, why = [first], _WHY[first]
    if first == "LOAD" and nxt in ("FROM", "CSV", "WITH"):
        words.append(nxt)
        why = "reads files"
    elif first == "DETACH" and nxt != "DELETE":
        why = "closes an attached database"
    elif (first, nxt) in (("DETACH", "DELETE"), ("EXPORT", "DATABASE"), ("IMPORT", "DATABASE"),
                          ("FORCE", "CHECKPOINT")):
        words.append(nxt)
    elif first in ("CREATE", "DROP", "ALTER"):
        for word in following:
            if word not in _SCHEMA_WORDS:
                break
            words.append(word)
        if words[:2] == ["CREATE", "MACRO"]:
            why = "defines a macro"
        elif len(words) > 1:
            why = _SCHEMA
    return refusal(" ".join(words), why)
