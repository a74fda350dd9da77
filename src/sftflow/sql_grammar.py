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
  the database was allowed, 40 of 60 answers named a column of a table the query did not bring in.
- Columns behind an alias in a join (`FROM a AS x JOIN b AS y ... x.col`) stay any column of the database: the alias
  is chosen after the columns are written.
- Aliases are free identifiers: `FROM trips AS t` then `t.distance_km`, and `ORDER BY total` for a result alias.
  A qualified column (t.x) must still name a real column, so an alias cannot smuggle in an unknown one; an
  unqualified name in ORDER BY may be a result alias, the one place a name outside the schema is allowed.
- The qualifier and its dot are one lexeme (`t.`, no space between). Measured on the development set: a model
  that began a column the database lacks (`SELECT id`) was held inside "id" as a would-be qualifier, and since
  whitespace may stand between any two lexemes it wrote tabs until max_new_tokens (5 of 60 answers).
- A free qualifier (an alias, as the grammar cannot know which aliases FROM will bring in) has at most 5
  characters; a table's own name, of any length, is a qualifier too, and a free qualifier is never a table's name,
  so a table-qualified column is checked against that table. Given longer free qualifiers, the quick fine-tune
  wrote a column it wanted behind an invented one (`id_issue_type11111111111.repair_cost_usd`, 34 of 60 answers
  when they could be 24 characters long); the development set's gold queries use aliases of 1-3 characters.
- An alias is never an SQL keyword: `FROM members GROUP LEFT JOIN ...` took GROUP as the table's alias (11 of 60
  answers), which SQLite refuses.
- Not prevented: two lexemes written without a space (`FROM artists_followers` is the table `artists` and the
  alias `_followers`; `LEFTJOIN`), which SQLite reads as one word: llguidance's lexer ends a lexeme where the
  next byte cannot extend it, and a lexeme that had to begin with whitespace would clash with the whitespace the
  grammar ignores between lexemes (4 of 60 answers).
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
join_cond: ON expr | USING "(" column ("," column)* ")"
source: table (AS? alias)? | "(" query ")" (AS? alias)?
alias: ALIAS

CMP: "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
ADDOP: "+" | "-" | "||"
MULOP: "*" | "/" | "%"
NUMBER: /[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/ | /\.[0-9]+/
STRING: /'([^'\n]|'')*'/
ALIAS: (/[A-Za-z_][A-Za-z0-9_]{0,23}/ & ~KEYWORD) | /"[A-Za-z_][A-Za-z0-9_ ]{0,23}"/
FREE_QUALIFIER: /[A-Za-z_][A-Za-z0-9_]{0,4}\./ | /"[^"\n]{1,5}"\./ | /`[^`\n]{1,5}`\./ | /\[[^\]\n]{1,5}\]\./
%ignore /[ \t\r\n]+/
"""

# One SELECT and the expressions in it. `{t}` is "" for the general form (joins, a subquery in FROM) and "_<i>"
# for the form whose FROM is table i alone, where an unqualified or alias-qualified column is one of table i's.
CORE = r"""
core{t}: SELECT (DISTINCT | ALL)? result_col{t} ("," result_col{t})* FROM from{t} where{t}? group_by{t}? having{t}?
result_col{t}: "*" | (QUALIFIER | table_dot) "*" | expr{t} (AS? alias)?
where{t}: WHERE expr{t}
group_by{t}: GROUP BY (expr{t} | alias) ("," (expr{t} | alias))*
having{t}: HAVING expr{t}
order_by{t}: ORDER BY ordering{t} ("," ordering{t})*
ordering{t}: (expr{t} | alias) (ASC | DESC)? (NULLS (FIRST | LAST))?
expr{t}: conj{t} (OR conj{t})*
conj{t}: neg{t} (AND neg{t})*
neg{t}: NOT* predicate{t}
predicate{t}: sum{t} comparison{t}?
comparison{t}: CMP sum{t}
    | IS NOT? (NULL | sum{t})
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
"""
RULES = TOP + CORE


def keyword_rules() -> str:
    used = sorted(set(re.findall(r"\b([A-Z][A-Z_]+)\b", RULES)) - {"CMP", "ADDOP", "MULOP", "NUMBER", "STRING",
                                                                   "ALIAS", "QUALIFIER", "FREE_QUALIFIER", "TYPE",
                                                                   "FUNCTION", "KEYWORD"})
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
    lines = [TOP, CORE.replace("{t}", ""), keyword_rules(),
             "query: " + "\n    | ".join([f"core_{i} order_by_{i}? limit?" for i in tied]
                                         + ["core order_by? limit?",
                                            "any_core (compound any_core)+ order_by? limit?"]),
             "any_core: " + " | ".join(["core"] + [f"core_{i}" for i in tied]),
             # with the single-table forms below, the general FROM must join (or select from a subquery): a query
             # on one table uses that table's columns
             "from: source (join source join_cond?)" + ("+" if tied else "*") + ' | "(" query ")" (AS? alias)?',
             "table: " + " | ".join(f"T{i}" for i in range(len(tables))),
             "table_dot: " + " | ".join(f"TD{i}" for i in range(len(tables))),
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
        lines += [CORE.replace("{t}", f"_{i}"), f"from_{i}: T{i} (AS? alias)?",
                  f"column_{i}: " + " | ".join(f"C{number[c]}" for c in by_table[tables[i]])]
    return "\n".join(lines) + "\n"
