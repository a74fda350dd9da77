"""Schema-constrained SQL: a grammar per database that only lets a model write SQLite queries which parse and name
the database's own tables and columns.

The grammar is Lark in llguidance's dialect (llguidance: the structured-generation library vLLM uses as its
"guidance" backend; the same grammar text goes to vLLM and to the transformers logits processor of
sftflow.models.constrained). It covers the answer format the demo's templates teach, a ```sql fence around one
SELECT: joins, subqueries, GROUP BY / HAVING, ORDER BY / LIMIT, UNION / INTERSECT / EXCEPT, CASE, CAST, window
functions, and SQLite's common functions. Not covered: WITH (common table expressions), which would need
names the grammar cannot know ahead.

Choices, and why:
- Table names come from the database; a column name is any column of any of its tables. Tying each column to the
  tables in FROM is not context-free (the FROM clause comes after the columns), so the grammar would have to
  enumerate every combination; any-column-of-this-database keeps the grammar linear in the schema's size and
  still rules out every name the database does not have.
- Aliases are free identifiers: `FROM trips AS t` then `t.distance_km`, and `ORDER BY total` for a result alias.
  A qualified column (t.x) must still name a real column, so an alias cannot smuggle in an unknown one; an
  unqualified name in ORDER BY may be a result alias, the one place a name outside the schema is allowed.
- The qualifier and its dot are one lexeme (`t.`, no space between). Measured on the development set: a model
  that began a column the database lacks (`SELECT id`) was held inside "id" as a would-be qualifier, and since
  whitespace may stand between any two lexemes it wrote tabs until max_new_tokens (5 of 60 answers). Aliases
  and qualifiers are at most 24 characters for the same reason: given a free identifier, the model lengthened
  it until max_new_tokens (`name_id_furners_id_furners_name_id_...`, 9 of 60). A table's own name, of any
  length, is a qualifier too (TABLE_DOT).
- Names are matched without regard to case, as SQLite does, bare where SQLite allows it and also in "double
  quotes", `backticks` or [brackets].
"""

import json
import re

MAX_SCHEMA_CHARS = 60_000  # the names of all tables and columns together; past it, the row is not constrained
MAX_NAMES = 4_000
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

RULES = r"""
start: "```sql" query ";"? "```"

query: select_core (compound select_core)* order_by? limit?
compound: UNION ALL? | INTERSECT | EXCEPT
select_core: SELECT (DISTINCT | ALL)? result_col ("," result_col)* from_clause? where? group_by? having?
result_col: "*" | (QUALIFIER | TABLE_DOT) "*" | expr (AS? alias)?
from_clause: FROM source (join source join_cond?)*
join: "," | NATURAL? (LEFT OUTER? | INNER | CROSS)? JOIN
join_cond: ON expr | USING "(" column ("," column)* ")"
source: table (AS? alias)? | "(" query ")" (AS? alias)?
where: WHERE expr
group_by: GROUP BY (expr | alias) ("," (expr | alias))*
having: HAVING expr
order_by: ORDER BY ordering ("," ordering)*
ordering: (expr | alias) (ASC | DESC)? (NULLS (FIRST | LAST))?
limit: LIMIT expr ((OFFSET | ",") expr)?

expr: conj (OR conj)*
conj: neg (AND neg)*
neg: NOT* predicate
predicate: sum comparison?
comparison: CMP sum
    | IS NOT? (NULL | sum)
    | ISNULL | NOTNULL | NOT NULL
    | NOT? IN "(" (query | expr ("," expr)*) ")"
    | NOT? BETWEEN sum AND sum
    | NOT? (LIKE | GLOB) sum (ESCAPE sum)?
sum: product (ADDOP product)*
product: unary (MULOP unary)*
unary: ("-" | "+")? atom
atom: NUMBER | STRING | NULL | column_ref | call | case | "(" expr ")" | "(" query ")" | EXISTS "(" query ")"
    | CAST "(" expr AS TYPE ")"
call: FUNCTION "(" (DISTINCT? expr ("," expr)* | "*")? ")" window?
window: OVER "(" (PARTITION BY expr ("," expr)*)? order_by? ")"
case: CASE expr? (WHEN expr THEN expr)+ (ELSE expr)? END
column_ref: column | (QUALIFIER | TABLE_DOT) column
alias: ALIAS

CMP: "=" | "==" | "!=" | "<>" | "<" | "<=" | ">" | ">="
ADDOP: "+" | "-" | "||"
MULOP: "*" | "/" | "%"
NUMBER: /[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?/ | /\.[0-9]+/
STRING: /'([^'\n]|'')*'/
ALIAS: /[A-Za-z_][A-Za-z0-9_]{0,23}/ | /"[A-Za-z_][A-Za-z0-9_ ]{0,23}"/
QUALIFIER: /[A-Za-z_][A-Za-z0-9_]{0,23}\./ | /"[^"\n]{1,24}"\./ | /`[^`\n]{1,24}`\./ | /\[[^\]\n]{1,24}\]\./
%ignore /[ \t\r\n]+/
"""


def keyword_rules() -> str:
    used = sorted(set(re.findall(r"\b([A-Z][A-Z_]+)\b", RULES)) - {"CMP", "ADDOP", "MULOP", "NUMBER", "STRING",
                                                                   "ALIAS", "QUALIFIER", "TABLE_DOT", "TYPE",
                                                                   "FUNCTION"})
    return "\n".join(f'{word}: "{word.lower()}"i' for word in used)


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
    tables = [name for name, _ in schema if name]
    columns = sorted({column for _, cols in schema for column in cols if column})
    if not tables or not columns:
        raise ValueError("the database has no table with columns")
    size = sum(len(n) for n in tables) + sum(len(c) for c in columns)
    if size > MAX_SCHEMA_CHARS or len(tables) + len(columns) > MAX_NAMES:
        raise ValueError(f"the schema is too large to constrain ({len(tables)} tables, {len(columns)} column names, "
                         f"{size:,} characters; at most {MAX_SCHEMA_CHARS:,})")
    if any("\n" in n or "\x00" in n for n in tables + columns):
        raise ValueError("a table or column name holds a line break or NUL")
    lines = [RULES, keyword_rules(),
             "table: TABLE_NAME", "column: COLUMN_NAME",
             "TABLE_NAME: " + " | ".join(f for name in sorted(set(tables)) for f in _name_forms(name)),
             "TABLE_DOT: " + " | ".join(f for name in sorted(set(tables)) for f in _name_forms(name, ".")),
             "COLUMN_NAME: " + " | ".join(f for name in columns for f in _name_forms(name)),
             "FUNCTION: " + " | ".join(f'"{f}"i' for f in FUNCTIONS),
             "TYPE: " + " | ".join(f'"{t}"i' for t in TYPES)]
    return "\n".join(lines) + "\n"
