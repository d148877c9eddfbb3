"""Cypher text -> tokens, for the guard: words, `quoted names`, strings, numbers, $parameters
and punctuation, with comments and whitespace (any Unicode space) dropped.

Where this tokenizer and a database's lexer could disagree, it errs towards seeing *more*
code: a ``//`` comment ends at any line-break character, a block comment at the first ``*/``
(neither engine nests them), so text an engine would skip is still checked here. Strings end
where both engines end them (a backslash escapes the next character). A character it does not
know outside a string or comment is an error, never skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from loaders.query.result import QueryError

LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_EXTRA_SPACE = "\u180e"  # LadybugDB's lexer skips it although Unicode no longer calls it a space
# ASCII digits only: '²' and '٢' are digits to str.isdigit() but to neither database's lexer.
DIGITS = "0123456789"
_NUMBER = re.compile(r"0[xX][0-9A-Fa-f_]+|0[oO][0-7_]+|[0-9][0-9_]*(?:\.[0-9][0-9_]*)?"
                     r"(?:[eE][+-]?[0-9]+)?")
_PUNCTUATION = "()[]{},.:;|+-*/%^=<>!&?~"


@dataclass(frozen=True)
class Token:
    """One token: ``kind`` is word, quoted, string, number, param or punct; ``text`` is the
    word or punctuation as written, a quoted name without its backticks, a parameter's name."""

    kind: str
    text: str
    at: int  # offset of its first character in the query

    def is_punct(self, *texts: str) -> bool:
        return self.kind == "punct" and self.text in texts

    @property
    def keyword(self) -> str | None:
        """The word in capitals when it could be a keyword (ASCII only: 'ſkip' is a name)."""
        return self.text.upper() if self.kind == "word" and self.text.isascii() else None


def where(cypher: str, offset: int) -> str:
    """'line L, column C' of an offset, counted the way an editor shows them."""
    before = cypher[:offset]
    line = before.count("\n") + 1
    return f"line {line}, column {offset - (before.rfind(chr(10)) + 1) + 1}"


def database_syntax_error(cypher: str, line: int, column: int, unexpected: str | None,
                          detail: str) -> QueryError:
    """A database's syntax error in plain words, the same on both stores: where and near what
    first, the database's own words as the detail. ``line`` counts from 1 and ``column`` from
    0; ``unexpected`` is what the database did not expect there ('' or '<EOF>': the end of the
    query), None when it does not say."""
    lines = cypher.split("\n")
    if not 1 <= line <= len(lines):
        return QueryError("syntax error: the database cannot read the query (check the Cypher)",
                          detail)
    rest = lines[line - 1][column:]
    if not rest.strip() or unexpected in ("", "<EOF>"):
        return QueryError("syntax error: the query ends too soon (is a name, a bracket, a quote "
                          "or a RETURN missing?)", detail)
    offset = sum(len(x) + 1 for x in lines[:line - 1]) + column
    what = (f"'{unexpected}' is not expected there" if unexpected
            else "the query goes wrong at or just before this point")
    return QueryError(f"syntax error at {where(cypher, offset)}, near '{rest.split()[0][:30]}': "
                      f"{what} (check the spelling, brackets and quotes there)", detail)


def _syntax(cypher: str, offset: int, what: str, fix: str) -> QueryError:
    return QueryError(f"syntax error at {where(cypher, offset)}: {what} ({fix})")


def _is_name_start(ch: str) -> bool:
    return ch == "_" or ch.isalpha()


def tokenize(cypher: str) -> list[Token]:
    """The tokens of ``cypher``; raises ``QueryError`` for an unclosed string, quoted name or
    comment, and for a character that has no meaning outside strings and comments."""
    tokens: list[Token] = []
    i, n = 0, len(cypher)
    while i < n:
        ch = cypher[i]
        if ch.isspace() or ch in _EXTRA_SPACE:
            i += 1
        elif cypher.startswith("//", i):
            i += 2
            while i < n and cypher[i] not in LINE_BREAKS:
                i += 1
        elif cypher.startswith("/*", i):
            end = cypher.find("*/", i + 2)
            if end < 0:
                raise _syntax(cypher, i, "a /* comment is not closed", "close it with */")
            i = end + 2
        elif ch in "'\"":
            i = _string(cypher, i, tokens)
        elif ch == "`":
            start = i
            text, i = _quoted(cypher, i)
            tokens.append(Token("quoted", text, start))
        elif ch == "$" and i + 1 < n and (cypher[i + 1] == "`" or cypher[i + 1].isalnum()
                                          or cypher[i + 1] == "_"):
            start = i
            if cypher[i + 1] == "`":
                text, i = _quoted(cypher, i + 1)
            else:
                i += 1
                while i < n and (cypher[i].isalnum() or cypher[i] == "_"):
                    i += 1
                text = cypher[start + 1:i]
            tokens.append(Token("param", text, start))
        elif ch in DIGITS:
            match = _NUMBER.match(cypher, i)
            tokens.append(Token("number", match.group(), i))
            i = match.end()
        elif _is_name_start(ch):
            start = i
            while i < n and (cypher[i].isalnum() or cypher[i] == "_"):
                i += 1
            tokens.append(Token("word", cypher[start:i], start))
        elif cypher.startswith("..", i):
            tokens.append(Token("punct", "..", i))
            i += 2
        elif ch in _PUNCTUATION:
            tokens.append(Token("punct", ch, i))
            i += 1
        else:
            raise _syntax(cypher, i, f"the character {ch!r} (U+{ord(ch):04X}) has no meaning "
                                     "outside a string", "remove it, or put it in quotes")
    return tokens


def _string(cypher: str, start: int, tokens: list[Token]) -> int:
    quote, i = cypher[start], start + 1
    while i < len(cypher):
        if cypher[i] == "\\":
            i += 2
        elif cypher[i] == quote:
            tokens.append(Token("string", cypher[start + 1:i], start))
            return i + 1
        else:
            i += 1
    raise _syntax(cypher, start, f"a string opened with {quote} is not closed",
                  f"close it with {quote}")


def _quoted(cypher: str, start: int) -> tuple[str, int]:
    """A `quoted name` (`` `` `` stands for one backtick): its text and the offset after it."""
    parts, i = [], start + 1
    while i < len(cypher):
        end = cypher.find("`", i)
        if end < 0:
            break
        parts.append(cypher[i:end])
        if cypher.startswith("``", end):
            parts.append("`")
            i = end + 2
            continue
        return "".join(parts), end + 1
    raise _syntax(cypher, start, "a name opened with ` is not closed", "close it with `")


def parameters(cypher: str) -> set[str]:
    """The names of the ``$parameters`` a query uses."""
    return {t.text for t in tokenize(cypher) if t.kind == "param"}
