"""A tiny, safe expression language for conditional ``next`` and ``{name}`` templates.

Flow files are written by content designers and hot-reloaded into a running bot, so conditions
are never handed to ``eval``: they are tokenised and parsed into a small AST here and evaluated
against a lookup function.

Grammar (lowest precedence first)::

    expression  := or_expr
    or_expr     := and_expr ("or" and_expr)*
    and_expr    := not_expr ("and" not_expr)*
    not_expr    := "not" not_expr | comparison
    comparison  := operand [("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "not" "in") operand]
    operand     := literal | name | list | "(" expression ")"
    name        := IDENT ("." IDENT)*
    list        := "[" [expression ("," expression)* [","]] "]"
    literal     := STRING | NUMBER | "-" NUMBER | "true" | "false" | "null"

Semantics are chosen for conversational data rather than for Python fidelity:

* unknown names, and dotted access into anything that is not a mapping, give ``null``;
* string equality and ``in`` ignore case (entity values arrive as the user typed them);
* a number compared with a numeric string compares as numbers (slots are strings);
* a boolean compared with "yes"/"no"/"true"/"false" compares as a boolean (yes/no answers are
  saved as booleans, buttons and slots say "yes"/"no");
* ordering comparisons that make no sense (``null < 3``, ``"a" < 2``) are simply false.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable, FrozenSet, List, Optional, Sequence, Set, Tuple

Lookup = Callable[[str], Any]

KEYWORDS = frozenset({"and", "or", "not", "in", "true", "false", "null"})
COMPARISON_OPS = ("==", "!=", "<", "<=", ">", ">=", "in", "not in")

_TRUE_WORDS = frozenset({"yes", "true", "y"})
_FALSE_WORDS = frozenset({"no", "false", "n"})


class ExprError(ValueError):
    """A syntax error in an expression; ``column`` is 1-based within the expression text."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(f"column {column}: {message}")
        self.message = message
        self.column = column


# --------------------------------------------------------------------------------------------
# Tokenizer


@dataclass(frozen=True)
class Token:
    """One lexical token: ``kind`` is NUMBER, STRING, NAME, OP, KEYWORD or EOF."""

    kind: str
    value: Any
    column: int


_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_TWO_CHAR_OPS = ("==", "!=", "<=", ">=")
_ONE_CHAR_OPS = "<>()[],.-"
_ESCAPES = {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "'": "'"}


def tokenize(text: str) -> List[Token]:
    """Split ``text`` into tokens, ending with an EOF token.

    Raises:
        ExprError: on an unterminated string or a character that has no meaning here.
    """
    tokens: List[Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        column = i + 1
        if ch.isspace():
            i += 1
            continue
        if ch in "\"'":
            value, i = _read_string(text, i)
            tokens.append(Token("STRING", value, column))
            continue
        match = _NUMBER_RE.match(text, i)
        if match:
            raw = match.group(0)
            number: Any = float(raw) if any(c in raw for c in ".eE") else int(raw)
            tokens.append(Token("NUMBER", number, column))
            i = match.end()
            continue
        match = _IDENT_RE.match(text, i)
        if match:
            word = match.group(0)
            kind = "KEYWORD" if word in KEYWORDS else "NAME"
            tokens.append(Token(kind, word, column))
            i = match.end()
            continue
        two = text[i : i + 2]
        if two in _TWO_CHAR_OPS:
            tokens.append(Token("OP", two, column))
            i += 2
            continue
        if ch in _ONE_CHAR_OPS:
            tokens.append(Token("OP", ch, column))
            i += 1
            continue
        raise ExprError(_unexpected_char_message(text, i), column)
    tokens.append(Token("EOF", None, len(text) + 1))
    return tokens


def _read_string(text: str, start: int) -> Tuple[str, int]:
    quote = text[start]
    out: List[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
            continue
        if ch == quote:
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    raise ExprError(f"unterminated string (missing closing {quote})", start + 1)


def _unexpected_char_message(text: str, i: int) -> str:
    # Point designers at the spelling this language uses for what they probably meant.
    two = text[i : i + 2]
    if two == "&&":
        return "unexpected '&&' (use 'and')"
    if two == "||":
        return "unexpected '||' (use 'or')"
    if text[i] == "=":
        return "unexpected '=' (use '==' to compare)"
    if text[i] == "!":
        return "unexpected '!' (use 'not' or '!=')"
    return f"unexpected character {text[i]!r}"


# --------------------------------------------------------------------------------------------
# AST


class Expr:
    """Base class of expression nodes."""

    column: int = 1

    def evaluate(self, lookup: Lookup) -> Any:
        """Evaluate the expression; ``lookup(name)`` returns a root name's value or None."""
        raise NotImplementedError

    def names(self) -> Set[str]:
        """The root names (before any dot) this expression reads."""
        return set()


@dataclass(frozen=True)
class Literal(Expr):
    """A string, number, boolean or null constant."""

    value: Any
    column: int = 1

    def evaluate(self, lookup: Lookup) -> Any:
        return self.value


@dataclass(frozen=True)
class Name(Expr):
    """A name with optional dotted access: ``parts`` is ("err", "known") for ``err.known``."""

    parts: Tuple[str, ...]
    column: int = 1

    def evaluate(self, lookup: Lookup) -> Any:
        return resolve_path(lookup, self.parts)

    def names(self) -> Set[str]:
        return {self.parts[0]}


@dataclass(frozen=True)
class ListExpr(Expr):
    """A list literal whose items are expressions."""

    items: Tuple[Expr, ...]
    column: int = 1

    def evaluate(self, lookup: Lookup) -> Any:
        return [item.evaluate(lookup) for item in self.items]

    def names(self) -> Set[str]:
        return set().union(*(item.names() for item in self.items)) if self.items else set()


@dataclass(frozen=True)
class Compare(Expr):
    """A binary comparison or membership test."""

    op: str
    left: Expr
    right: Expr
    column: int = 1

    def evaluate(self, lookup: Lookup) -> Any:
        return compare(self.op, self.left.evaluate(lookup), self.right.evaluate(lookup))

    def names(self) -> Set[str]:
        return self.left.names() | self.right.names()


@dataclass(frozen=True)
class BoolOp(Expr):
    """``and`` / ``or`` over two or more operands; short-circuits and yields a boolean."""

    op: str
    operands: Tuple[Expr, ...]
    column: int = 1

    def evaluate(self, lookup: Lookup) -> Any:
        if self.op == "and":
            return all(truthy(o.evaluate(lookup)) for o in self.operands)
        return any(truthy(o.evaluate(lookup)) for o in self.operands)

    def names(self) -> Set[str]:
        return set().union(*(o.names() for o in self.operands))


@dataclass(frozen=True)
class Not(Expr):
    """Logical negation."""

    operand: Expr
    column: int = 1

    def evaluate(self, lookup: Lookup) -> Any:
        return not truthy(self.operand.evaluate(lookup))

    def names(self) -> Set[str]:
        return self.operand.names()


# --------------------------------------------------------------------------------------------
# Parser


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = tokenize(text)
        self.pos = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.pos]

    def _advance(self) -> Token:
        token = self.tokens[self.pos]
        if token.kind != "EOF":
            self.pos += 1
        return token

    def _is(self, kind: str, value: Any = None) -> bool:
        token = self.current
        return token.kind == kind and (value is None or token.value == value)

    def _expect(self, kind: str, value: str, what: str) -> Token:
        if not self._is(kind, value):
            raise ExprError(f"expected {what}, found {_describe(self.current)}", self.current.column)
        return self._advance()

    def parse(self) -> Expr:
        if self._is("EOF"):
            raise ExprError("empty expression", 1)
        expr = self._or()
        if not self._is("EOF"):
            raise ExprError(
                f"unexpected {_describe(self.current)} (missing 'and'/'or' or an operator?)",
                self.current.column,
            )
        return expr

    def _or(self) -> Expr:
        return self._bool_chain("or", self._and)

    def _and(self) -> Expr:
        return self._bool_chain("and", self._not)

    def _bool_chain(self, op: str, sub: Callable[[], Expr]) -> Expr:
        first = sub()
        operands = [first]
        while self._is("KEYWORD", op):
            self._advance()
            operands.append(sub())
        return first if len(operands) == 1 else BoolOp(op, tuple(operands), first.column)

    def _not(self) -> Expr:
        if self._is("KEYWORD", "not"):
            column = self._advance().column
            return Not(self._not(), column)
        return self._comparison()

    def _comparison(self) -> Expr:
        left = self._operand()
        op = self._comparison_op()
        if op is None:
            return left
        right = self._operand()
        if self._comparison_op(peek=True) is not None:
            # Chained comparisons (a < b < c) read ambiguously to non-programmers; refuse them.
            raise ExprError(
                "comparisons cannot be chained; combine them with 'and'", self.current.column
            )
        return Compare(op, left, right, left.column)

    def _comparison_op(self, peek: bool = False) -> Optional[str]:
        token = self.current
        if token.kind == "OP" and token.value in COMPARISON_OPS:
            if not peek:
                self._advance()
            return str(token.value)
        if token.kind == "KEYWORD" and token.value == "in":
            if not peek:
                self._advance()
            return "in"
        if token.kind == "KEYWORD" and token.value == "not":
            following = self.tokens[self.pos + 1]
            if following.kind == "KEYWORD" and following.value == "in":
                if not peek:
                    self._advance()
                    self._advance()
                return "not in"
        return None

    def _operand(self) -> Expr:
        token = self.current
        if token.kind in ("STRING", "NUMBER"):
            self._advance()
            return Literal(token.value, token.column)
        if token.kind == "KEYWORD" and token.value in ("true", "false", "null"):
            self._advance()
            return Literal({"true": True, "false": False, "null": None}[token.value], token.column)
        if token.kind == "OP" and token.value == "-":
            self._advance()
            number = self.current
            if number.kind != "NUMBER":
                raise ExprError("'-' must be followed by a number", token.column)
            self._advance()
            return Literal(-number.value, token.column)
        if token.kind == "NAME":
            return self._name()
        if token.kind == "OP" and token.value == "[":
            return self._list()
        if token.kind == "OP" and token.value == "(":
            self._advance()
            inner = self._or()
            self._expect("OP", ")", "')'")
            return inner
        raise ExprError(f"expected a value, found {_describe(token)}", token.column)

    def _name(self) -> Expr:
        first = self._advance()
        parts = [str(first.value)]
        while self._is("OP", "."):
            self._advance()
            part = self.current
            if part.kind not in ("NAME", "KEYWORD"):
                raise ExprError(f"expected a field name after '.', found {_describe(part)}", part.column)
            self._advance()
            parts.append(str(part.value))
        return Name(tuple(parts), first.column)

    def _list(self) -> Expr:
        start = self._advance()
        items: List[Expr] = []
        while not self._is("OP", "]"):
            if self._is("EOF"):
                raise ExprError("unclosed list (missing ']')", start.column)
            items.append(self._or())
            if self._is("OP", ","):
                self._advance()
            elif self._is("EOF"):
                raise ExprError("unclosed list (missing ']')", start.column)
            elif not self._is("OP", "]"):
                raise ExprError(f"expected ',' or ']', found {_describe(self.current)}", self.current.column)
        self._advance()
        return ListExpr(tuple(items), start.column)


def _describe(token: Token) -> str:
    if token.kind == "EOF":
        return "end of expression"
    if token.kind == "STRING":
        return f"string {token.value!r}"
    return f"{token.value!r}"


def parse(text: str) -> Expr:
    """Parse an expression.

    Args:
        text: the expression source, e.g. ``vpn_status == "outage" and not err.known``.

    Returns:
        The root AST node.

    Raises:
        ExprError: with a 1-based ``column`` when the text is not a valid expression.
    """
    if not isinstance(text, str):
        raise ExprError(f"expected expression text, got {type(text).__name__}", 1)
    return _Parser(text).parse()


# --------------------------------------------------------------------------------------------
# Evaluation helpers


def resolve_path(lookup: Lookup, parts: Sequence[str]) -> Any:
    """Look up ``parts[0]`` and follow the remaining parts through mappings only.

    Attribute access on arbitrary objects is deliberately not supported, so expressions cannot
    reach into Python internals.
    """
    value = lookup(parts[0])
    for part in parts[1:]:
        if isinstance(value, dict):
            value = value.get(part)
        else:
            return None
    return value


def truthy(value: Any) -> bool:
    """Truthiness for conditions: null, false, 0, "" and empty collections are false."""
    return bool(value)


def _as_number(value: Any) -> Optional[float]:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _as_bool(value: Any) -> Optional[bool]:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    return None


def equals(left: Any, right: Any) -> bool:
    """Equality with the conversational coercions described in the module docstring."""
    if isinstance(left, bool) or isinstance(right, bool):
        a, b = _as_bool(left), _as_bool(right)
        return a is not None and a == b
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, (int, float)) or isinstance(right, (int, float)):
        a_num, b_num = _as_number(left), _as_number(right)
        return a_num is not None and a_num == b_num
    if isinstance(left, str) and isinstance(right, str):
        return left.strip().casefold() == right.strip().casefold()
    return bool(left == right)


def contains(container: Any, item: Any) -> bool:
    """``item in container``: list membership (using ``equals``), substring for strings,
    key membership for mappings; anything else is false."""
    if isinstance(container, (list, tuple, set, frozenset)):
        return any(equals(item, member) for member in container)
    if isinstance(container, str):
        if item is None:
            return False
        return str(item).casefold() in container.casefold()
    if isinstance(container, dict):
        return any(equals(item, key) for key in container)
    return False


def compare(op: str, left: Any, right: Any) -> bool:
    """Apply comparison operator ``op`` (one of COMPARISON_OPS) to two evaluated values."""
    if op == "==":
        return equals(left, right)
    if op == "!=":
        return not equals(left, right)
    if op == "in":
        return contains(right, left)
    if op == "not in":
        return not contains(right, left)
    a_num, b_num = _as_number(left), _as_number(right)
    if a_num is not None and b_num is not None:
        a: Any = a_num
        b: Any = b_num
    elif isinstance(left, str) and isinstance(right, str):
        a, b = left.casefold(), right.casefold()
    else:
        return False
    if op == "<":
        return bool(a < b)
    if op == "<=":
        return bool(a <= b)
    if op == ">":
        return bool(a > b)
    if op == ">=":
        return bool(a >= b)
    raise ValueError(f"unknown comparison operator {op!r}")


# --------------------------------------------------------------------------------------------
# Templates

# ``{{`` and ``}}`` are literal braces; ``{name}`` / ``{a.b}`` are substitutions. Anything else in
# braces (``{ not a name }``, JSON) is left untouched so prose never breaks a flow.
_TEMPLATE_RE = re.compile(r"\{\{|\}\}|\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)*)\s*\}")


def format_value(value: Any) -> str:
    """Render a value for a template: null → "", booleans → yes/no, 3.0 → "3", lists joined."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    return str(value)


def render_template(template: str, lookup: Lookup) -> str:
    """Substitute ``{name}`` and ``{a.b}`` placeholders.

    Args:
        template: text with placeholders; ``{{``/``}}`` produce literal braces.
        lookup: returns the value of a root name (None when unknown).

    Returns:
        The rendered text; missing values render as "".
    """

    def substitute(match: "re.Match[str]") -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return format_value(resolve_path(lookup, match.group(1).split(".")))

    return _TEMPLATE_RE.sub(substitute, template)


def template_names(template: str) -> Set[str]:
    """The root names referenced by placeholders in ``template``."""
    return {m.group(1).split(".")[0] for m in _TEMPLATE_RE.finditer(template) if m.group(1)}


def template_paths(template: str) -> FrozenSet[str]:
    """The full dotted placeholders in ``template`` (e.g. ``{"err.title", "error_code"}``)."""
    return frozenset(m.group(1) for m in _TEMPLATE_RE.finditer(template) if m.group(1))
