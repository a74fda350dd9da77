"""Schema-constrained SQL: a grammar per database that only lets a model write SQLite queries which parse and name
the database's own tables and columns.

The grammar is Lark in llguidance's dialect (llguidance: the structured-generation library vLLM uses as its
"guidance" backend; the same grammar text goes to vLLM and to the transformers logits processor of
sftflow.models.constrained). It covers the answer format the demo's templates teach, a ```sql fence around one
SELECT: joins, subqueries, GROUP BY / HAVING, ORDER BY / LIMIT, UNION / INTERSECT / EXCEPT, CASE, CAST, window
functions, and SQLite's common functions. Not covered: WITH (common table expressions), which would need
names the grammar cannot know ahead.

Choices, and why:
- A query on one table uses that table's columns: for each table the grammar holds its own copy of SELECT and its
  expressions, whose unqualified (or alias-qualified) columns are that table's, and the general form, where a column
  may be any column of the database, must join two sources or select from a subquery. The columns come before
  FROM, so which table is meant stays open until FROM names it; a parser that keeps every alternative alive
  (llguidance's Earley parser) does that without enumerating combinations, and the grammar grows linearly with
  the tables (past 64 tables, any column of the database). A column qualified by a table's own name (`orders.total`)
  is that table's column anywhere. Measured on the development set with the quick fine-tune: when any column of
  the database was allowed, 40 of 60 answers named a column of a table the query did not bring in. A table joined
  to itself is a query on that table.
- A join of two different tables or more may name any column of the database. Tried and measured on the
  development set with the transfer fine-tune (all 204 questions): a copy of SELECT per pair of tables kept every
  alternative alive through the SELECT list, and llguidance's parser refused rows past 2,000 Earley items on
  databases of 9 tables or more (the mask cost 20x); a copy of what follows FROM per pair (ON, WHERE, GROUP BY,
  ORDER BY naming the pair's columns, the SELECT list general) was accepted but changed nothing (23/204, as many
  columns of a table the query does not bring in) at 1.3x the time a question: those errors are in the SELECT list
  or behind an alias of the wrong table (`FROM clinics AS cl ... cl.specialty`), and an alias is chosen after the
  columns it qualifies are written, by a name the grammar cannot know.
- Aliases are free identifiers: `FROM trips AS t` then `t.distance_km`, and `ORDER BY total` for a result alias.
  A qualified column (t.x) must still name a real column, so an alias cannot smuggle in an unknown one; an
  unqualified name in ORDER BY may be a result alias, the one place a name outside the schema is allowed. In a
  query on one table, `x.*` must name the table itself: the base model wrote `SELECT LEFT_.*`, which SQLite reads as
  a table the database lacks (the price: `SELECT t.* FROM trips AS t` must be `trips.*` or `*`).
- The qualifier and its dot are one lexeme (`t.`, no space between). Measured on the development set: a model
  that began a column the database lacks (`SELECT id`) was held inside "id" as a would-be qualifier, and since
  whitespace may stand between any two lexemes it wrote tabs until max_new_tokens (5 of 60 answers).
- A free qualifier (an alias, as the grammar cannot know which aliases FROM will bring in) has at most 5
  characters; a table's own name, of any length, is a qualifier too, and a free qualifier is never a table's name,
  so a table-qualified column is checked against that table. Given longer free qualifiers, the quick fine-tune
  wrote a column it wanted behind an invented one (`id_issue_type11111111111.repair_cost_usd`, 34 of 60 answers
  when they could be 24 characters long); the development set's gold queries use aliases of 1-3 characters.
- An alias is never an SQL keyword: `FROM members GROUP LEFT JOIN ...` took GROUP as the table's alias (11 of 60
  answers), which SQLite refuses. Nor does a table's alias begin with a clause's keyword run on into a name
  (`FROM trips GROUPINGbyBike_type`, `WHEREoved_date`, `GROUPBY`: 62 of 204 answers of the transfer fine-tune, where
  the model wanted the clause but had named a column the table lacks, so the grammar held it to an alias and a
  join; with letters and digits barred it wrote `WHERE_member_id`, so underscores are barred too). A result's alias
  may (`COUNT(*) AS group_size`).
- Whitespace is written into the grammar, not ignored: between two lexemes where the first may end in a word
  character and the second may begin with one, whitespace is required; elsewhere it is optional
  (`with_whitespace` places it). llguidance's lexer ends a lexeme where the next byte cannot extend it, so with
  whitespace ignored (`%ignore`) a model could glue two lexemes into one word, which SQLite then reads as a name the
  database lacks: `FROM streamScores` was the table `streamS` and the alias `cores`, `GROUPINGbyBike_type`
  (measured on the development set with the transfer fine-tune on vLLM: 4-6 unknown tables and 22 answers that did
  not parse, against 11 unconstrained). The price of placing it by rule rather than by lexeme: where the next rule
  may begin with a word, whitespace is required even if this time it begins with a bracket (`WHERE(x)` must be
  `WHERE (x)`; `count(x)`, `IN (...)`, `t.x`, `a, b`, `x=1` are unchanged).
- Names are matched without regard to case, as SQLite does, bare where SQLite allows it and also in "double
  quotes", `backticks` or [brackets].
"""

import json
import re

MAX_SCHEMA_CHARS = 60_000  # the names of all tables and columns together; past it, the row is not constrained
MAX_NAMES = 4_000
MAX_TIED_TABLES = 64  # past it, a column may be any column of the database (the grammar grows with each table)
BARE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
KEYWORDS = {
    "ABORT", "ALL", "AND", "AS", "ASC", "BETWEEN", "BY", "CASE", "CAST", "CROSS", "DESC", "DISTINCT", "ELSE", "END",
    "ESCAPE", "EXCEPT", "EXISTS", "FROM", "GLOB", "GROUP", "HAVING", "IN", "INNER", "INTERSECT", "IS", "ISNULL",
    "JOIN", "LEFT", "LIKE", "LIMIT", "NATURAL", "NOT", "NOTNULL", "NULL", "OFFSET", "ON", "OR", "ORDER", "OUTER",
    "OVER", "PARTITION", "SELECT", "THEN", "UNION", "USING", "WHEN", "WHERE", "WITH", "TABLE", "INDEX", "VALUES",
}
FUNCTIONS = (
    "count", "sum", "avg", "min", "max", "total", "group_concat", "abs", "round", "length", "lower", "upper", "trim",
    "ltrim", "rtrim", "substr", "substring", "replace", "instr", "coalesce", "ifnull", "nullif", "iif", "date",
    "time", "datetime", "julianday", "strftime", "unixepoch", "printf", "format", "typeof", "random", "hex",
    "quote", "char", "unicode", "sign", "ceil", "ceiling", "floor", "trunc", "sqrt", "power", "pow", "exp", "ln",
    "log", "log10", "mod", "row_number", "rank", "dense_rank", "ntile", "lag", "lead", "first_value", "last_value",
    "percent_rank", "cume_dist",
)
TYPES = ("integer", "int", "real", "float", "double", "text", "numeric", "decimal", "varchar", "char", "blob",
         "date", "boolean")

TOP = r"""
start: "```sql" query ";"? "```"
compound: UNION ALL? | INTERSECT | EXCEPT
limit: LIMIT expr ((OFFSET | ",") expr)?
join: "," | NATURAL? (LEFT OUTER? | INNER | CROSS)? JOIN
source: tsource | subsource
tsource: table (AS? table_alias)?
subsource: "(" query ")" (AS? table_alias)?
alias: ALIAS
table_alias: TABLE_ALIAS

CMP: "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
ADDOP: "+" | "-" | "||"
MULOP: "*" | "/" | "%"
NUMBER: /[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/ | /\.[0-9]+/
STRING: /'([^'\n]|'')*'/
ALIAS: (/[A-Za-z_][A-Za-z0-9_]{0,23}/ & ~KEYWORD) | /"[A-Za-z_][A-Za-z0-9_ ]{0,23}"/
TABLE_ALIAS: ALIAS & ~GLUED
GLUED: ("where"i | "group"i | "order"i | "having"i | "limit"i | "join"i | "union"i) /[A-Za-z0-9_]+/
FREE_QUALIFIER: /[A-Za-z_][A-Za-z0-9_]{0,4}\./ | /"[^"\n]{1,5}"\./ | /`[^`\n]{1,5}`\./ | /\[[^\]\n]{1,5}\]\./
WS: /[ \t\r\n]+/
"""

# One SELECT and the expressions in it. `{t}` is "" for the general form (joins, a subquery in FROM) and "_<i>"
# for the form whose FROM is table i alone (or joined to itself), where an unqualified or alias-qualified column is
# one of table i's.
CORE = r"""
core{t}: SELECT (DISTINCT | ALL)? result_col{t} ("," result_col{t})* FROM from{t} where{t}? group_by{t}? having{t}?
result_col{t}: "*" | star{t} "*" | expr{t} (AS? alias)?
where{t}: WHERE expr{t}
group_by{t}: GROUP BY (expr{t} | alias) ("," (expr{t} | alias))*
having{t}: HAVING expr{t}
order_by{t}: ORDER BY ordering{t} ("," ordering{t})*
ordering{t}: (expr{t} | alias) (ASC | DESC)? (NULLS (FIRST | LAST))?
expr{t}: conj{t} (OR conj{t})*
conj{t}: neg{t} (AND neg{t})*
neg{t}: NOT* predicate{t}
predicate{t}: sum{t} (CMP sum{t} | comparison{t})?
comparison{t}: IS NOT? (NULL | sum{t})
    | ISNULL | NOTNULL | NOT NULL
    | NOT? IN "(" (query | expr{t} ("," expr{t})*) ")"
    | NOT? BETWEEN sum{t} AND sum{t}
    | NOT? (LIKE | GLOB) sum{t} (ESCAPE sum{t})?
sum{t}: product{t} (ADDOP product{t})*
product{t}: unary{t} (MULOP unary{t})*
unary{t}: ("-" | "+")? atom{t}
atom{t}: NUMBER | STRING | NULL | column_ref{t} | call{t} | case{t} | "(" expr{t} ")" | "(" query ")"
    | EXISTS "(" query ")" | CAST "(" expr{t} AS TYPE ")"
call{t}: FUNCTION "(" (DISTINCT? expr{t} ("," expr{t})* | "*")? ")" window{t}?
window{t}: OVER "(" (PARTITION BY expr{t} ("," expr{t})*)? order_by{t}? ")"
case{t}: CASE expr{t}? (WHEN expr{t} THEN expr{t})+ (ELSE expr{t})? END
column_ref{t}: column{t} | QUALIFIER column{t} | table_column
join_cond{t}: ON expr{t} | USING "(" column{t} ("," column{t})* ")"
"""
RULES = TOP + CORE


def keyword_rules() -> str:
    # every upper-case name the rules use is a keyword, except the terminals TOP defines and those schema_grammar does
    terminals = set(re.findall(r"^([A-Z][A-Z_]*):", TOP, re.M)) | {"QUALIFIER", "TYPE", "FUNCTION", "KEYWORD"}
    used = sorted(set(re.findall(r"\b([A-Z][A-Z_]+)\b", RULES)) - terminals)
    rules = [f'{word}: "{word.lower()}"i' for word in used]
    rules.append("KEYWORD: " + " | ".join(f'"{word.lower()}"i' for word in sorted(KEYWORDS | set(used))))
    return "\n".join(rules) + "\n"


def _name_forms(name: str, suffix: str = "") -> list[str]:
    """Lark string literals for a name: bare (any case) where SQLite reads it bare, and always quoted; `suffix`
    follows it inside the same literal (a qualifier's dot, with no room for whitespace before it)."""
    forms = []
    if BARE.match(name) and name.upper() not in KEYWORDS:
        forms.append(name)
    forms += [f'"{name}"', f"`{name}`", f"[{name}]"]
    return [json.dumps(form + suffix) + "i" for form in forms]


def schema_grammar(schema: list[tuple[str, list[str]]]) -> str:
    """The Lark grammar of queries over `schema` ([(table, [columns])]); ValueError when it cannot be built
    (no table, a table without columns only, or a schema past the size budget)."""
    by_table: dict[str, list[str]] = {}
    for name, cols in schema:
        if name:
            by_table.setdefault(name, [])
            by_table[name] += [c for c in cols if c and c not in by_table[name]]
    tables = sorted(by_table)
    columns = sorted({column for cols in by_table.values() for column in cols})
    if not tables or not columns:
        raise ValueError("the database has no table with columns")
    size = sum(len(n) for n in tables) + sum(len(c) for c in columns)
    if size > MAX_SCHEMA_CHARS or len(tables) + len(columns) > MAX_NAMES:
        raise ValueError(f"the schema is too large to constrain ({len(tables)} tables, {len(columns)} column names, "
                         f"{size:,} characters; at most {MAX_SCHEMA_CHARS:,})")
    if any("\n" in n or "\x00" in n for n in tables + columns):
        raise ValueError("a table or column name holds a line break or NUL")
    number = {column: k for k, column in enumerate(columns)}
    tied = [i for i, name in enumerate(tables) if by_table[name]] if len(tables) <= MAX_TIED_TABLES else []
    forms = [f"_{i}" for i in tied]
    lines = [TOP, CORE.replace("{t}", ""), keyword_rules(), *_general_from(len(tables), bool(tied)),
             "query: " + "\n    | ".join([f"core{t} order_by{t}? limit?" for t in forms]
                                         + ["core order_by? limit?",
                                            "any_core (compound any_core)+ order_by? limit?"]),
             "any_core: " + " | ".join(["core"] + [f"core{t}" for t in forms]),
             "table: " + " | ".join(f"T{i}" for i in range(len(tables))),
             "table_dot: " + " | ".join(f"TD{i}" for i in range(len(tables))),
             "star: QUALIFIER | table_dot",
             "column: " + " | ".join(f"C{k}" for k in range(len(columns))),
             ("table_column: " + " | ".join(f"TD{i} column_{i}" for i in tied)) if tied
             else "table_column: table_dot column",
             "QUALIFIER: FREE_QUALIFIER & ~(" + " | ".join(f"TD{i}" for i in range(len(tables))) + ")",
             "FUNCTION: " + " | ".join(f'"{f}"i' for f in FUNCTIONS),
             "TYPE: " + " | ".join(f'"{t}"i' for t in TYPES)]
    for i, name in enumerate(tables):
        lines.append(f"T{i}: " + " | ".join(_name_forms(name)))
        lines.append(f"TD{i}: " + " | ".join(_name_forms(name, ".")))
    for column, k in number.items():
        lines.append(f"C{k}: " + " | ".join(_name_forms(column)))
    for i in tied:
        lines += [CORE.replace("{t}", f"_{i}"),
                  f"from_{i}: T{i} (AS? table_alias)? (join T{i} (AS? table_alias)? join_cond_{i}?)*",
                  f"star_{i}: TD{i}",
                  f"column_{i}: " + " | ".join(f"C{number[c]}" for c in by_table[tables[i]])]
    return with_whitespace("\n".join(lines) + "\n")


def _general_from(n_tables: int, tied: bool) -> list[str]:
    """The general form's FROM. With the tables tied to their columns, a query on one table, or on the table joined
    to itself, has its own form: the general FROM joins two different tables, three sources or more, or selects from
    a subquery."""
    if not tied:
        return ["from: source (join source join_cond?)*"]
    general = ("source join source join_cond? (join source join_cond?)+ | subsource (join source join_cond?)? "
               "| tsource join subsource join_cond?")
    if n_tables == 1:
        return ["from: " + general]
    return ["from: two_tables | " + general,
            "two_tables: " + " | ".join(f"T{i} (AS? table_alias)? join other_{i} (AS? table_alias)? join_cond?"
                                        for i in range(n_tables)),
            *(f"other_{i}: " + " | ".join(f"T{j}" for j in range(n_tables) if j != i) for i in range(n_tables))]


# Where whitespace goes (see the module's docstring): each rule's body is parsed, whether each symbol may begin or end
# with a word character is worked out over the whole grammar, and a separator is written before every item that
# follows another: WS where both sides may be words, WS? elsewhere.
WORD = re.compile(r"[A-Za-z0-9_]")
PIECE = re.compile(r'\s*("(?:[^"\\]|\\.)*"i?|/(?:[^/\\]|\\.)*/|[A-Za-z_][A-Za-z0-9_]*|[()|?*+])')
NOT_WORDS = {"STRING", "CMP", "ADDOP", "MULOP", "WS"}  # terminals that neither begin nor end with a word character
DOT_ENDED = re.compile(r"(TD\d+|QUALIFIER|FREE_QUALIFIER)\Z")  # begin with a word character, end with the dot


def _parse(body: str):
    """A rule's body as alternatives of sequences of items; an item is [atom, "" | "?" | "*" | "+"], an atom a name,
    a literal, or ("group", alternatives)."""
    pieces, at = [], 0
    while at < len(body.rstrip()):
        match = PIECE.match(body, at)
        if not match:
            raise ValueError(f"grammar: cannot read {body[at:at + 20]!r}")
        pieces.append(match.group(1))
        at = match.end()
    pieces.append(None)

    def alternatives(k):
        alts = [[]]
        while pieces[k] not in (None, ")"):
            if pieces[k] == "|":
                alts.append([])
                k += 1
                continue
            if pieces[k] == "(":
                inner, k = alternatives(k + 1)
                atom, k = ("group", inner), k + 1  # past ")"
            else:
                atom, k = pieces[k], k + 1
            op = pieces[k] if pieces[k] in ("?", "*", "+") else ""
            k += bool(op)
            alts[-1].append([atom, op])
        return alts, k

    alts, _ = alternatives(0)
    return alts


class _Words:
    """Whether a symbol may be empty, begin with a word character, end with one: fixed points over the rules."""

    def __init__(self, rules: dict):
        self.known = {name: (False, False, False) for name in rules}
        changed = True
        while changed:
            changed = False
            for name, alts in rules.items():
                value = self.alts(alts)
                if value != self.known[name]:
                    self.known[name], changed = value, True
        empty = [name for name, (nullable, _, _) in self.known.items() if nullable]
        if empty:
            raise ValueError(f"grammar: a rule that may be empty cannot take whitespace around it: {empty}")

    def atom(self, atom):
        if isinstance(atom, tuple):
            return self.alts(atom[1])
        if atom.startswith('"'):
            text = atom.rstrip("i")[1:-1]
            return not text, bool(WORD.match(text[:1])), bool(WORD.match(text[-1:]))
        if atom in self.known:
            return self.known[atom]
        if atom in NOT_WORDS:
            return False, False, False
        return False, True, not DOT_ENDED.match(atom)

    def item(self, item):
        nullable, first, last = self.atom(item[0])
        return nullable or item[1] in ("?", "*"), first, last

    def sequence(self, items):
        nullable, first, last = True, False, False
        for item in items:
            n, f, _ = self.item(item)
            first |= nullable and f
            nullable &= n
        for item in reversed(items):
            n, _, lst = self.item(item)
            last |= lst
            if not n:
                break
        return nullable, first, last

    def alts(self, alts):
        values = [self.sequence(items) for items in alts]
        return any(v[0] for v in values), any(v[1] for v in values), any(v[2] for v in values)


def _emit_alts(words: _Words, alts, lead) -> str:
    return " | ".join(_emit_sequence(words, items, lead) for items in alts)


def _emit_sequence(words: _Words, items, lead) -> str:
    """`items` written with separators; `lead` is None where nothing comes before them in the rule, else whether what
    comes before may end with a word character. Where an optional item, or a choice whose branches end differently,
    decides whether the next separator must be whitespace, what follows is written once for each case."""
    out = []
    for k, (atom, op) in enumerate(items):
        nullable, _, last = words.item([atom, op])
        rest = items[k + 1:]
        if rest and nullable and lead != last:
            present = _emit_sequence(words, [[atom, "+" if op == "*" else ""]] + rest, lead)
            out.append(f"({present} | {_emit_sequence(words, rest, lead)})")
            return " ".join(out)
        if rest and op == "" and isinstance(atom, tuple) and len({words.sequence(a)[2] for a in atom[1]}) > 1:
            out.append("(" + " | ".join(_emit_sequence(words, a + rest, lead) for a in atom[1]) + ")")
            return " ".join(out)
        present = _present(words, atom, op, lead)
        out.append(f"({present})?" if op in ("?", "*") else present)
        if not nullable:
            lead = last
    return " ".join(out)


def _present(words: _Words, atom, op, lead) -> str:
    """One item, present at least once, with the separator before it (none where `lead` is None) and, when it
    repeats, between its repetitions."""
    once = _prefixed(words, atom, lead)
    if op in ("*", "+"):
        once += f" ({_prefixed(words, atom, words.atom(atom)[2])})*"
    return once


def _prefixed(words: _Words, atom, lead) -> str:
    if isinstance(atom, tuple):
        return "(" + _emit_alts(words, atom[1], lead) + ")"
    if lead is None:
        return atom
    return ("WS " if lead and words.atom(atom)[1] else "WS? ") + atom


def with_whitespace(grammar: str) -> str:
    """`grammar` with the whitespace between its lexemes written into its rules (lowercase names; the terminals are
    left as they are)."""
    statements, order = {}, []
    for line in grammar.splitlines():
        head = re.match(r"([a-z_][a-z0-9_]*)\s*:(.*)", line)
        if head:
            order.append(head.group(1))
            statements[head.group(1)] = head.group(2)
        elif line[:1].isspace() and line.strip() and order and order[-1] in statements:
            statements[order[-1]] += " " + line.strip()
        else:
            order.append(line)
    rules = {name: _parse(body) for name, body in statements.items()}
    words = _Words(rules)
    return "\n".join(f"{entry}: {_emit_alts(words, rules[entry], None)}" if entry in rules else entry
                     for entry in order) + "\n"
