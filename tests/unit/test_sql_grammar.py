"""Schema-constrained SQL: the grammar takes the answers the templates teach and refuses names the database lacks;
generation under it writes only such answers; eval constrains each row to its own database."""

import json

import pytest

from sftflow.data.templates import fence, format_sql
from sftflow.metrics.sql import row_grammars
from sftflow.sql_grammar import MAX_SCHEMA_CHARS, schema_grammar
from sftflow.sql_sandbox.worker import bounded_database

SHOP = ("CREATE TABLE customers (id INTEGER, name TEXT, city TEXT); "
        "CREATE TABLE orders (id INTEGER, customer_id INTEGER, total REAL, \"order date\" TEXT);")


@pytest.fixture(scope="module")
def ll(tiny_model_dir):
    from transformers import AutoTokenizer

    from sftflow.models.constrained import ll_tokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_model_dir)
    return tokenizer, ll_tokenizer(tokenizer)


def accepts(ll, grammar: str, text: str) -> bool:
    import llguidance

    tokenizer, lltok = ll
    matcher = llguidance.LLMatcher(lltok, llguidance.LLMatcher.grammar_from_lark(grammar), log_level=0)
    ids = tokenizer(text, add_special_tokens=False)["input_ids"]
    return all(matcher.consume_token(i) for i in ids) and not matcher.is_error() and matcher.is_accepting()


def shop_grammar() -> str:
    with bounded_database(SHOP) as database:
        return schema_grammar(database.schema(2.0))


@pytest.mark.parametrize("sql", [
    "SELECT name FROM customers WHERE city = 'Oslo'",
    "SELECT c.name, SUM(o.total) AS spent FROM customers AS c JOIN orders AS o ON o.customer_id = c.id "
    "GROUP BY c.id ORDER BY spent DESC LIMIT 3",
    "SELECT COUNT(DISTINCT city) FROM customers",
    'SELECT "order date" FROM orders WHERE total BETWEEN 1 AND 2.5',
    "SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE total > 100)",
    "SELECT CASE WHEN total > 10 THEN 'big' ELSE 'small' END FROM orders",
    "select name from CUSTOMERS where NAME like 'A%' union select city from customers",
    "SELECT name, RANK() OVER (ORDER BY id) FROM customers",
    "SELECT orders.total FROM customers JOIN orders ON orders.customer_id = customers.id",
    "SELECT name FROM customers WHERE EXISTS (SELECT 1 FROM orders WHERE orders.customer_id = customers.id)",
    "SELECT COUNT(DISTINCT city),MAX(id) FROM customers WHERE id>1 AND name<>'x'",  # no space where none is needed
    "SELECT o.total FROM orders o WHERE o.id IN(1,2) LIMIT 2,3",
])
def test_answers_in_the_taught_format_are_accepted(ll, sql):
    grammar = shop_grammar()
    assert accepts(ll, grammar, fence(format_sql(sql), "sql"))
    assert accepts(ll, grammar, f"```sql\n{sql};\n```")


@pytest.mark.parametrize("sql", [
    "SELECT name FROM clients",                   # no such table
    "SELECT surname FROM customers",              # no such column
    "SELECT c.surname FROM customers AS c",       # an alias cannot bring in a column either
    "SELECT total FROM customers",                # a column of another table, on a query of one table
    "SELECT name FROM customers WHERE total > 3",
    "SELECT customers.total FROM customers JOIN orders ON orders.customer_id = customers.id",  # table-qualified
    "SELECT name FROM customers GROUP LEFT JOIN orders ON 1",  # a keyword is no alias (SQLite: syntax error)
    "SELECT name FROM customers WHERE JOIN orders ON 1",
    "SELECT abcdef.name FROM customers AS abcdef",  # a free qualifier has at most 5 characters
    "SELECT name FROM customers WHERE city =",    # does not parse
    "DELETE FROM customers",                      # not a query
    # two lexemes glued into one word, which SQLite reads as a name the database lacks
    "SELECT name FROM customersc",
    "SELECT nameFROM customers",
    "SELECT c.name FROM customers AS c LEFTJOIN orders AS o ON o.customer_id = c.id",
    "SELECT city FROM customers GROUP BYcity",
    "SELECT name FROM customers WHERE NOTid = 1",
    "SELECT name FROM customers GROUPBY",         # a clause's keyword run into an alias
    "SELECT name FROM customers WHEREcity",
    "SELECT name FROM customers WHERE_city",
    "SELECT x.* FROM customers",                  # x is no table (nor alias)
    "SELECT orders.* FROM customers",
    "SELECT a.total FROM customers AS a JOIN customers AS b ON a.id = b.id",  # a table joined to itself is one table
])
def test_unknown_names_and_broken_sql_are_refused(ll, sql):
    assert not accepts(ll, shop_grammar(), f"```sql\n{sql}\n```")


def test_every_generated_demo_answer_is_accepted(ll, sql_rows):
    grammars, skipped = row_grammars(sql_rows[:40])
    assert skipped == {}
    refused = [r["sql"] for r, g in zip(sql_rows[:40], grammars)
               if not accepts(ll, g, fence(format_sql(r["sql"]), "sql"))]
    assert refused == []


def test_schemas_that_cannot_be_constrained_are_reasons_not_errors(tmp_path):
    import sqlite3

    empty = tmp_path / "empty.sqlite"
    sqlite3.connect(empty).close()
    huge = " ".join(f"CREATE TABLE t{i} ({', '.join(f'c{i}_{j} INT' for j in range(40))});" for i in range(400))
    rows = [{"sql_context": SHOP}, {"database": str(empty)}, {"sql_context": huge}, {"sql_context": "CREATE nonsense"},
            {"sql_context": SHOP}, {}]
    grammars, skipped = row_grammars(rows)
    assert grammars[0] is not None and grammars[4] is grammars[0]  # read once per database
    assert grammars[1] is grammars[2] is grammars[3] is grammars[5] is None
    reasons = {index: reason for reason, indices in skipped.items() for index in indices}
    assert "no table with columns" in reasons[1] and "too large" in reasons[2] and str(MAX_SCHEMA_CHARS // 1000) in \
        reasons[2].replace(",", "")
    assert "context script failed" in reasons[3] and "no database" in reasons[5]


def test_constrained_generation_writes_only_what_the_grammar_takes(tiny_model_dir, ll):
    """The tiny random model writes noise unconstrained; constrained, every answer is a prefix of a valid one
    (max_new_tokens may cut it) and names only the schema's tables and columns."""
    import llguidance
    from transformers import AutoModelForCausalLM

    from sftflow.models.generate import generate

    tokenizer, lltok = ll
    model = AutoModelForCausalLM.from_pretrained(tiny_model_dir)
    prompts = [tokenizer(f"Question {i}: names?")["input_ids"] for i in range(4)]
    grammar = shop_grammar()
    stats = {}
    answers = generate(model, tokenizer, prompts, 40, 2, samples=2, seed=1, grammars=[grammar] * 3 + [None],
                       stats=stats)
    compiled = llguidance.LLMatcher.grammar_from_lark(grammar)
    for candidates in answers[:3]:
        for text in candidates:
            matcher = llguidance.LLMatcher(lltok, compiled, log_level=0)
            assert text.startswith("```sql")
            assert all(matcher.consume_token(i) for i in tokenizer(text, add_special_tokens=False)["input_ids"])
    assert not answers[3][0].startswith("```sql")  # the unconstrained row is left alone
    assert stats["grammars"] == 1 and stats["masked_steps"] > 0 and stats["rows_left_unconstrained"] == 0


def test_eval_constrains_each_row_and_counts_the_rows_it_could_not(make_config, tiny_model_dir, tmp_path, capsys):
    from sftflow.cli import main

    data = tmp_path / "data"
    data.mkdir()
    rows = [{"sql_prompt": "How many customers?", "sql_context": SHOP, "sql": "SELECT COUNT(*) FROM customers"},
            {"sql_prompt": "Anything?", "sql_context": "CREATE TABLE t (x INT); DROP TABLE t;", "sql": "SELECT 1"}]
    (data / "test.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    config = make_config("eval.yaml", dataset_name=str(data), output_dir=str(tmp_path / "run"),
                         eval={"metric": "sql_execution", "max_new_tokens": 24, "constrain": "schema"})
    assert main(["eval", str(config), "--model", str(tiny_model_dir)]) == 0
    printed = capsys.readouterr().out
    assert "1 of 2 rows answered without the schema constraint (first: row 1)" in printed
    assert "answers constrained to each row's schema: 1 of 2 rows" in printed and "token masks" in printed
    predictions = [json.loads(line) for line in next(tmp_path.rglob("predictions.jsonl")).read_text().splitlines()]
    assert predictions[0]["prediction"].startswith("```sql")
    assert json.loads(next(tmp_path.rglob("constraint.json")).read_text())["grammars"] == 1


def test_a_name_the_database_lacks_cannot_be_padded_with_whitespace(ll):
    """`SELECT idx` (no such column) could only go on as a qualifier `idx.`; with whitespace allowed before the dot,
    a model wrote tabs after it until max_new_tokens. The qualifier and its dot are one lexeme now."""
    import llguidance

    tokenizer, lltok = ll
    matcher = llguidance.LLMatcher(lltok, llguidance.LLMatcher.grammar_from_lark(shop_grammar()), log_level=0)
    for token in tokenizer("```sql\nSELECT\n  idx", add_special_tokens=False)["input_ids"]:
        assert matcher.consume_token(token)
    assert not matcher.is_error()
    for text in ("\t", " ", "\n"):
        assert not matcher.validate_tokens(tokenizer(text, add_special_tokens=False)["input_ids"][:1]), repr(text)
    assert accepts(ll, shop_grammar(), "```sql\nSELECT c.name, o.total FROM customers AS c JOIN orders o ON "
                                       "o.customer_id = c.id\n```")


def test_past_the_tied_table_limit_a_column_may_be_any_of_the_database(ll):
    """Each table costs the grammar a copy of SELECT; past MAX_TIED_TABLES tables, columns are the database's."""
    from sftflow.sql_grammar import MAX_TIED_TABLES

    schema = [(f"t{i}", [f"c{i}"]) for i in range(MAX_TIED_TABLES + 1)]
    assert accepts(ll, schema_grammar(schema), "```sql\nSELECT c1 FROM t0\n```")
    assert not accepts(ll, schema_grammar(schema[:2]), "```sql\nSELECT c1 FROM t0\n```")
    assert accepts(ll, schema_grammar(schema[:2]), "```sql\nSELECT c0 FROM t0\n```")


def test_a_word_cannot_follow_a_word_without_whitespace(ll):
    """Found on vLLM with the transfer fine-tune: `FROM streamScores` was the table `streamS` and the alias `cores`.
    After a complete name, a token that begins with a letter is masked; one that begins with a space is not."""
    import llguidance

    tokenizer, lltok = ll
    matcher = llguidance.LLMatcher(lltok, llguidance.LLMatcher.grammar_from_lark(shop_grammar()), log_level=0)
    for token in tokenizer("```sql\nSELECT name FROM customers", add_special_tokens=False)["input_ids"]:
        assert matcher.consume_token(token)
    assert not matcher.validate_tokens(tokenizer("c", add_special_tokens=False)["input_ids"][:1])
    assert matcher.validate_tokens(tokenizer(" c", add_special_tokens=False)["input_ids"][:1])


def test_a_table_joined_to_itself_uses_its_columns(ll):
    grammar = shop_grammar()
    assert accepts(ll, grammar, "```sql\nSELECT a.name FROM customers AS a JOIN customers AS b ON a.city = b.city\n```")
    assert not accepts(ll, grammar, "```sql\nSELECT total FROM customers AS a CROSS JOIN customers AS b\n```")
    assert accepts(ll, grammar, "```sql\nSELECT c.city, COUNT(*) AS group_size FROM customers AS c JOIN orders AS o "
                                "ON o.customer_id = c.id GROUP BY c.city\n```")


def test_whitespace_is_required_between_two_words_and_optional_beside_punctuation(ll):
    """with_whitespace on a small grammar (its WS terminal is the grammar's own): an optional first item, a repeated
    last one, punctuation between."""
    from sftflow.sql_grammar import with_whitespace

    grammar = with_whitespace('start: A? B "(" B ")" C*\nA: "a"\nB: "b"\nC: "c"\nWS: /[ \\t]+/\n')
    for text in ("a b(b)", "b ( b ) c", "a\tb(b)c c", "b(b)c"):
        assert accepts(ll, grammar, text), text
    for text in ("ab(b)", "b(b)cc", " b(b)", "b(b) "):
        assert not accepts(ll, grammar, text), text
