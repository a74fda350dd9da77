"""The metrics registry and its built-ins: extraction, normalisation, scores, and clear user errors."""

import json

import pytest

from sftflow.errors import UserError
from sftflow.metrics import METRICS, check_options, extract_answer
from sftflow.options import EvalOptions
from sftflow.registry import Registry


def score(metric: str, rows: list[dict], predictions: list[str], **options) -> dict:
    return METRICS.get(metric)(rows, predictions, EvalOptions(metric=metric, **options))


def letters(*gold: str) -> list[dict]:
    return [{"answer_idx": g} for g in gold]


def answers(*gold: str) -> list[dict]:
    return [{"answer": g} for g in gold]


# ---------------------------------------------------------------- the registry


def test_registry_lists_the_builtins():
    assert METRICS.names() == ["chrf", "exact_match", "multiple_choice", "rouge", "sql_execution"]
    assert {name for name in METRICS.names() if METRICS.get(name).proportion} == {
        "sql_execution", "exact_match", "multiple_choice"}  # rouge and chrf are mean scores: no binomial CI
    assert METRICS.get("multiple_choice").answer_column == "answer_idx"


def test_unknown_metric_names_the_known_ones_and_a_close_one():
    with pytest.raises(UserError) as error:
        METRICS.get("multiple_choise", where="cfg.yaml")
    message = str(error.value)
    assert message.startswith("cfg.yaml: unknown metric 'multiple_choise'")
    assert "(known: chrf, exact_match, multiple_choice, rouge, sql_execution)" in message
    assert "did you mean 'multiple_choice'?" in message


def test_unknown_metric_without_a_close_name_has_no_hint():
    with pytest.raises(UserError, match="unknown metric 'bleurt'") as error:
        METRICS.get("bleurt")
    assert "did you mean" not in str(error.value)


def test_missing_metric_is_a_user_error():
    with pytest.raises(UserError, match="no metric given"):
        METRICS.get(None)


def test_a_registry_refuses_a_second_entry_with_the_same_name():
    registry = Registry("tracker")
    registry.register("wandb")(object)
    assert registry.get("wandb") is object and "wandb" in registry
    with pytest.raises(ValueError, match="already registered"):
        registry.register("wandb")(dict)


# ---------------------------------------------------------------- multiple_choice


def test_multiple_choice_reads_the_teaching_workflow_phrase_in_any_case():
    result = score("multiple_choice", letters("C", "B", "A"),
                   ["Because of X... The answer is (C).", "THE ANSWER IS (b)", "so the answer is (D)"])
    assert [e["score"] for e in result["per_example"]] == [1.0, 1.0, 0.0]
    assert [e["extracted"] for e in result["per_example"]] == ["C", "b", "D"]
    assert result["accuracy"] == pytest.approx(2 / 3) and result["no_answer_rate"] == 0.0


def test_multiple_choice_phrase_wins_over_letters_elsewhere():
    result = score("multiple_choice", letters("B"), ["A. is tempting, but the answer is (B); not D"])
    assert result["per_example"][0]["extracted"] == "B"


@pytest.mark.parametrize("prediction, letter", [
    ("B", "B"),
    ("B. Because the nerve is compressed", "B"),
    ("(D) is the best option", "D"),
    ("C: metformin", "C"),
    ("Between A and C, I pick C over A, so D", "D"),  # the last standalone letter
    ("A 45-year-old man most likely needs E", "E"),  # the opening article is not an answer
])
def test_multiple_choice_falls_back_to_a_bare_letter(prediction, letter):
    assert score("multiple_choice", letters(letter), [prediction])["per_example"][0]["extracted"] == letter


def test_multiple_choice_without_a_letter_scores_zero_and_says_so():
    result = score("multiple_choice", letters("A", "B"), ["I am not sure.", "the answer is (B)"])
    first = result["per_example"][0]
    assert (first["score"], first["extracted"], first["error"]) == (0.0, None, "no answer found")
    assert first["reference"] == "A"
    assert result["no_answer_rate"] == 0.5 and result["accuracy"] == 0.5


def test_multiple_choice_with_configured_column_and_regexes():
    rows = [{"gold": "c"}, {"gold": "A"}]
    result = score("multiple_choice", rows, ["Final: C", "pick A... no, pick B"],
                   answer_column="gold", extract_regex=r"Final: ([A-Z])", fallback_regex=r"pick ([A-Z])")
    # extract_regex takes its first match, fallback_regex its last.
    assert [e["extracted"] for e in result["per_example"]] == ["C", "B"]
    assert [e["score"] for e in result["per_example"]] == [1.0, 0.0]


def test_multiple_choice_refuses_a_reference_that_is_not_a_letter():
    with pytest.raises(UserError, match=r"row 1: multiple_choice needs an option letter.*'2'"):
        score("multiple_choice", letters("A", "2"), ["A", "B"])


def test_multiple_choice_on_real_medqa_rows_scores_exactly_half(medqa_path):
    rows = [json.loads(line) for line in medqa_path.read_text(encoding="utf-8").splitlines()[:50]]
    predictions = []
    for i, row in enumerate(rows):
        wrong = next(letter for letter in sorted(row["options"]) if letter != row["answer_idx"])
        letter = row["answer_idx"] if i % 2 == 0 else wrong
        option = row["options"][letter]
        predictions.append(f"Let's think step by step. {option} fits best. So the answer is ({letter}).")
    result = score("multiple_choice", rows, predictions)
    assert result["n"] == 50 and result["accuracy"] == 0.5 and result["no_answer_rate"] == 0.0
    assert [e["reference"] for e in result["per_example"]] == [row["answer_idx"] for row in rows]


# ---------------------------------------------------------------- exact_match


def test_exact_match_compares_the_whole_prediction_by_default():
    result = score("exact_match", answers("Paris", "Paris"), ["  paris\n", "Lyon"])
    assert [e["score"] for e in result["per_example"]] == [1.0, 0.0]
    assert result["per_example"][0]["extracted"] == "  paris\n"
    assert result["no_answer_rate"] == 0.0


def test_exact_match_extracts_group_one_then_falls_back():
    rows = answers("42", "17", "9")
    predictions = ["Work... Answer: 42", "so it is 16, no 17", "no number here"]
    result = score("exact_match", rows, predictions, extract_regex=r"Answer:\s*(\d+)", fallback_regex=r"\d+")
    assert [e["extracted"] for e in result["per_example"]] == ["42", "17", None]
    assert [e["score"] for e in result["per_example"]] == [1.0, 1.0, 0.0]
    assert result["per_example"][2]["error"] == "no answer found"
    assert result["no_answer_rate"] == pytest.approx(1 / 3)


def test_exact_match_without_groups_uses_the_whole_match():
    result = score("exact_match", answers("Answer: 42"), ["Work. Answer: 42."], extract_regex=r"Answer: \d+")
    assert result["per_example"][0]["extracted"] == "Answer: 42" and result["accuracy"] == 1.0


def test_exact_match_case_and_whitespace_options():
    rows, predictions = answers("New  York"), ["new york "]
    assert score("exact_match", rows, predictions)["accuracy"] == 1.0
    assert score("exact_match", rows, predictions, ignore_case=False)["accuracy"] == 0.0
    assert score("exact_match", rows, predictions, normalize_whitespace=False)["accuracy"] == 0.0
    assert score("exact_match", rows, ["New York"], ignore_case=False)["accuracy"] == 1.0


def test_exact_match_names_the_missing_reference_column():
    with pytest.raises(UserError, match=r"row 0 has no value in column 'answer'.*eval\.answer_column"):
        score("exact_match", [{"label": "x"}], ["x"])


# ---------------------------------------------------------------- rouge and chrf


def test_rouge_identical_is_one_and_disjoint_is_zero():
    rows = answers("the cat sat on the mat", "the cat sat on the mat")
    result = score("rouge", rows, ["The cat sat on the mat.", "dogs bark loudly"])
    assert [e["score"] for e in result["per_example"]] == [1.0, 0.0]
    assert result["accuracy"] == 0.5


def test_rouge_keeps_letters_outside_ascii():
    # rouge_score's own tokenizer would turn 'Prüfung' into 'pr fung' (F1 2/3 here) and Greek into nothing.
    assert score("rouge", answers("Prüfung der Klage"), ["Prüfung"])["accuracy"] == pytest.approx(0.5)
    assert score("rouge", answers("καλή μέρα"), ["καλή μέρα"])["accuracy"] == 1.0


def test_chrf_identical_is_about_one_and_reports_the_corpus_score():
    rows = answers("Die Beschwerde wird abgewiesen.", "Die Beschwerde wird abgewiesen.")
    result = score("chrf", rows, ["Die Beschwerde wird abgewiesen.", "xyz"])
    first, second = (e["score"] for e in result["per_example"])
    assert first == pytest.approx(1.0) and second < 0.1
    assert 0.0 < result["corpus_chrf"] < 1.0 and result["accuracy"] == pytest.approx((first + second) / 2)


def test_text_metrics_apply_the_extract_regex():
    rows = answers("Die Beschwerde wird abgewiesen.")
    prediction = "<think>lange Überlegung</think>Die Beschwerde wird abgewiesen."
    for metric in ("rouge", "chrf"):
        result = score(metric, rows, [prediction], extract_regex=r"(?s)</think>(.*)")
        assert result["accuracy"] == pytest.approx(1.0), metric


@pytest.mark.parametrize("metric", ["exact_match", "multiple_choice", "rouge", "chrf"])
def test_every_text_metric_returns_the_common_shape(metric):
    rows = [{"answer": "B", "answer_idx": "B"}]
    result = score(metric, rows, ["the answer is (B)"])
    assert result["n"] == 1 and 0.0 <= result["accuracy"] <= 1.0
    assert set(result["per_example"][0]) >= {"score", "extracted", "reference", "error"}
    assert score(metric, [], [])["accuracy"] == 0.0


# ---------------------------------------------------------------- sql_execution


def test_sql_execution_reports_reference_and_extracted_sql():
    row = {"sql_context": "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1), (2);", "sql": "SELECT SUM(x) FROM t"}
    result = score("sql_execution", [row, row], ["```sql\nSELECT 3;\n```", "SELECT nope FROM t"])
    good, bad = result["per_example"]
    assert (good["score"], good["extracted"], good["reference"], good["error"]) == (1.0, "SELECT 3", row["sql"], None)
    assert bad["score"] == 0.0 and bad["error"].startswith("runtime error")
    assert result["accuracy"] == 0.5 and result["error_rate"] == 0.5 and result["exact_match"] == 0.0


# ---------------------------------------------------------------- checks before generation


@pytest.mark.parametrize("key", ["extract_regex", "fallback_regex"])
def test_an_invalid_regex_names_its_config_key(key):
    options = {key: "the answer is ([A-Z]"}
    with pytest.raises(UserError, match=rf"cfg\.yaml: eval\.{key} is not a valid regular expression"):
        check_options(EvalOptions(metric="exact_match", **options), answers("x"), "cfg.yaml")
    with pytest.raises(UserError, match=rf"eval\.{key}"):
        score("exact_match", answers("x"), ["x"], **options)


def test_check_options_finds_missing_columns_before_any_generation():
    with pytest.raises(UserError, match="row 1 has no value in column 'answer_idx'"):
        check_options(EvalOptions(metric="multiple_choice"), letters("A") + [{"answer": "B"}])
    with pytest.raises(UserError, match="column 'sql_context'"):
        check_options(EvalOptions(metric="sql_execution"), [{"sql": "SELECT 1"}])
    with pytest.raises(UserError, match="unknown metric 'rogue'.*did you mean 'rouge'"):
        check_options(EvalOptions(metric="rogue"), [])
    check_options(EvalOptions(metric="rouge", answer_column="headnote"), [{"headnote": "x"}])


def test_extract_answer_prefers_a_group_that_took_part():
    import re

    pattern = re.compile(r"\(([A-E])\)|answer: ([A-E])")
    assert extract_answer("answer: C", pattern) == "C"
    assert extract_answer("anything", None) == "anything"
    assert extract_answer("nothing", pattern) is None


def test_the_table_shows_no_interval_for_mean_scores():
    from sftflow.eval.run import format_table

    table = format_table([{"model": "m", "n": 4, "accuracy": 0.4567, "ci95": None}], "rouge")
    row = table.splitlines()[1].split()
    assert row[:4] == ["m", "4", "45.67%", "-"]
    proportion = format_table([{"model": "m", "n": 4, "accuracy": 0.5, "ci95": [0.15, 0.85]}], "exact_match")
    assert "50.00% (2/4)" in proportion and "15.0-85.0%" in proportion
