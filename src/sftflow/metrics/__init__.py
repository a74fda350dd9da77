"""Task metrics, picked by name with `eval.metric`: used by `sftflow eval` and during training.

A metric is a registry entry (Metric) carrying its own facts: whether its accuracy is a share of correct
answers (then it gets a binomial confidence interval) and which column holds the reference by default.
Its score function is `(rows, predictions, options) -> dict` returning at least
  accuracy     share of correct answers, or for rouge/chrf the mean score, in [0, 1]
  n            number of scored examples
  per_example  one {"score", "extracted", "reference", "error"} dict per row
plus its own extras (error_rate, no_answer_rate, corpus_chrf, ...).

Answers are pulled out of the raw generation before scoring: `eval.extract_regex` (first
match) and, when it finds nothing, `eval.fallback_regex` (last match).  A regex with groups
yields its first group that took part in the match, otherwise the whole match.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from sftflow.errors import UserError
from sftflow.metrics.sql import execution_accuracy, extract_sql
from sftflow.options import EvalOptions
from sftflow.registry import Registry

NO_ANSWER = "no answer found"


@dataclass(frozen=True)
class Metric:
    """A named metric and the facts that belong to it."""

    name: str
    score: Callable[[list[dict], list[str], EvalOptions], dict]
    proportion: bool  # accuracy is a share of correct answers (binomial CI), not a mean score
    answer_column: str | None = None  # the reference column when eval.answer_column is not set
    check_rows: Callable | None = None  # (rows, options, where) -> None: fails before any generation

    def __call__(self, rows: list[dict], predictions: list[str], options: EvalOptions) -> dict:
        return self.score(rows, predictions, self.resolved(options))

    def check(self, rows: list[dict], options: EvalOptions, where: str | None = None) -> None:
        """Fail before generation, not after it: regexes that compile, references present."""
        options = self.resolved(options)
        compile_regex(options.extract_regex, "extract_regex", where)
        compile_regex(options.fallback_regex, "fallback_regex", where)
        if self.check_rows is not None:
            self.check_rows(rows, options, where)
        elif self.answer_column is not None:
            _references(rows, options, where)

    def resolved(self, options: EvalOptions) -> EvalOptions:
        """The options with this metric's reference column filled in where eval.answer_column is unset."""
        return options if options.answer_column else replace(options, answer_column=self.answer_column)


METRICS: Registry[Metric] = Registry("metric")


def metric(name: str, *, proportion: bool, answer_column: str | None = None, check_rows: Callable | None = None):
    """Register the decorated score function as the metric `name`."""
    def register(score):
        METRICS.register(name)(Metric(name, score, proportion, answer_column, check_rows))
        return score

    return register

# The teaching workflow's medical use case ends every reply with "the answer is (X)".
MC_EXTRACT_REGEX = r"(?i)the answer is\s*\(([A-Z])\)"
# Fallbacks, in order: a letter opening the reply ("B", "B.", "(B) ...", "B: ..."), but not the
# article in "A 45-year-old ..."; then the last standalone letter, as models state their choice last.
MC_FALLBACK_REGEXES = (r"^\s*\(?([A-E])(?:\)|[.:]|\s*$)", r"\b([A-E])\b")

Score = Callable[[str, str], float]


# ---------------------------------------------------------------- extraction


def extract_answer(text: str, first: re.Pattern | None, fallbacks: Sequence[re.Pattern] = ()) -> str | None:
    """The answer in `text`: first match of `first`, else the last match of each fallback in turn.

    With no pattern at all the whole text is the answer; None means no pattern matched.
    """
    if first is None and not fallbacks:
        return text
    if first is not None and (match := first.search(text)) is not None:
        return _matched(match)
    for pattern in fallbacks:
        matches = list(pattern.finditer(text))
        if matches:
            return _matched(matches[-1])
    return None


def _matched(match: re.Match) -> str:
    """The first group that took part in the match (alternations leave others None), else the match."""
    groups = [group for group in match.groups() if group is not None]
    return groups[0] if groups else match.group(0)


def normalize_answer(text: str, ignore_case: bool = True, normalize_whitespace: bool = True) -> str:
    """The form exact_match compares: optionally whitespace-collapsed and case-folded."""
    if normalize_whitespace:
        text = " ".join(text.split())
    return text.casefold() if ignore_case else text


def compile_regex(pattern: str | None, key: str, where: str | None = None) -> re.Pattern | None:
    """Compile a regex from the config; a bad one is the user's to fix, so name the key."""
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise UserError(f"eval.{key} is not a valid regular expression ({exc}): {pattern!r}", where) from None


def _patterns(options: EvalOptions, default_first: str | None = None,
              default_fallbacks: Sequence[str] = ()) -> tuple[re.Pattern | None, list[re.Pattern]]:
    """The configured extraction regexes, or the metric's defaults where none is configured."""
    first = compile_regex(options.extract_regex or default_first, "extract_regex")
    if options.fallback_regex is not None:
        return first, [compile_regex(options.fallback_regex, "fallback_regex")]
    return first, [re.compile(pattern) for pattern in default_fallbacks]


# ---------------------------------------------------------------- shared scoring


def _references(rows: list[dict], options: EvalOptions, where: str | None = None) -> list[str]:
    """The reference answer of every row (eval.answer_column, resolved by the Metric), failing on the first row
    that lacks one."""
    column = options.answer_column
    _require_columns(rows, [column], "set eval.answer_column to the column holding the reference answer", where)
    return [str(row[column]) for row in rows]


def _require_columns(rows: list[dict], columns: list[str], hint: str, where: str | None = None) -> None:
    """A missing reference would otherwise surface as a KeyError, or as a silent score of 0."""
    for i, row in enumerate(rows):
        for column in columns:
            if row.get(column) is None:
                raise UserError(f"row {i} has no value in column '{column}' ({hint})", where)


def _example(score: float, extracted: str | None, reference: str, error: str | None = None, **extra) -> dict:
    return {"score": float(score), "extracted": extracted, "reference": reference, "error": error, **extra}


def _text_examples(predictions: list[str], references: list[str], patterns: tuple, score: Score) -> list[dict]:
    """Extract each answer and score it against its reference; no answer scores 0."""
    if len(predictions) != len(references):
        raise ValueError(f"{len(references)} rows but {len(predictions)} predictions")
    examples = []
    for prediction, reference in zip(predictions, references):
        extracted = extract_answer(prediction, *patterns)
        if extracted is None:
            examples.append(_example(0.0, None, reference, NO_ANSWER))
        else:
            examples.append(_example(score(extracted, reference), extracted, reference))
    return examples


def _summary(per_example: list[dict], **extras) -> dict:
    """accuracy (mean score) and n, the extras, and the per-example records last."""
    n = len(per_example)
    accuracy = sum(e["score"] for e in per_example) / n if n else 0.0
    return {"accuracy": accuracy, "n": n, **extras, "per_example": per_example}


def _no_answer_rate(per_example: list[dict]) -> float:
    unanswered = sum(1 for e in per_example if e["extracted"] is None)
    return unanswered / len(per_example) if per_example else 0.0


# ---------------------------------------------------------------- the built-in metrics


def _sql_columns(rows: list[dict], options: EvalOptions, where: str | None = None) -> None:
    _require_columns(rows, ["sql"], "sql_execution runs the gold query", where)
    if not all(row.get("database") for row in rows):  # a database file per row (data.database) or a script
        _require_columns(rows, ["sql_context"], "sql_execution builds each row's database from it; or name a "
                         "SQLite file with data.database / data.database_column", where)


@metric("sql_execution", proportion=True, check_rows=_sql_columns)
def sql_execution(rows: list[dict], predictions: list[str], options: EvalOptions) -> dict:
    """Execution accuracy: the predicted SQL returns the same result as the gold `sql` column."""
    result = execution_accuracy(rows, predictions, timeout_s=options.sql_timeout_s)
    per_example = [
        _example(score.correct, extract_sql(prediction), row["sql"], score.error, exact_match=score.exact_match)
        for row, prediction, score in zip(rows, predictions, result["scores"])
    ]
    return {"accuracy": result["execution_accuracy"], "n": result["n"], "error_rate": result["error_rate"],
            "exact_match": result["exact_match"], "per_example": per_example}


@metric("exact_match", proportion=True, answer_column="answer")
def exact_match(rows: list[dict], predictions: list[str], options: EvalOptions) -> dict:
    """The extracted answer equals the reference after the configured case/whitespace normalisation."""
    def same(extracted: str, reference: str) -> float:
        case, space = options.ignore_case, options.normalize_whitespace
        return float(normalize_answer(extracted, case, space) == normalize_answer(reference, case, space))

    references = _references(rows, options)
    per_example = _text_examples(predictions, references, _patterns(options), same)
    return _summary(per_example, no_answer_rate=_no_answer_rate(per_example))


# MedQA-style data keeps the gold letter in answer_idx
@metric("multiple_choice", proportion=True, answer_column="answer_idx",
        check_rows=lambda rows, options, where: _gold_letters(rows, options, where))
def multiple_choice(rows: list[dict], predictions: list[str], options: EvalOptions) -> dict:
    """The extracted option letter equals the gold letter (case does not matter)."""
    references = _gold_letters(rows, options)
    patterns = _patterns(options, MC_EXTRACT_REGEX, MC_FALLBACK_REGEXES)
    per_example = _text_examples(predictions, references, patterns,
                                 lambda extracted, reference: float(extracted.strip().upper() == reference))
    return _summary(per_example, no_answer_rate=_no_answer_rate(per_example))


def _gold_letters(rows: list[dict], options: EvalOptions, where: str | None = None) -> list[str]:
    """Upper-case gold letters; anything else (an index like '2', the option text) would score 0 silently."""
    letters = [value.strip().upper() for value in _references(rows, options, where)]
    for i, letter in enumerate(letters):
        if not re.fullmatch(r"[A-Z]", letter):
            raise UserError(f"row {i}: multiple_choice needs an option letter as reference, got {letter!r} "
                            f"(set eval.answer_column to the column holding the letter)", where)
    return letters


@metric("rouge", proportion=False, answer_column="answer")
def rouge(rows: list[dict], predictions: list[str], options: EvalOptions) -> dict:
    """Mean ROUGE-L F1 between the extracted answer and the reference."""
    from rouge_score import rouge_scorer  # imported here: it pulls in nltk, which slows every CLI start

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=False, tokenizer=_UnicodeTokenizer())
    references = _references(rows, options)
    per_example = _text_examples(predictions, references, _patterns(options),
                                 lambda extracted, reference: scorer.score(reference, extracted)["rougeL"].fmeasure)
    return _summary(per_example, no_answer_rate=_no_answer_rate(per_example))


class _UnicodeTokenizer:
    """rouge_score's tokenizer keeps only [a-z0-9], which splits 'Prüfung' into 'pr fung' and empties
    non-Latin text; this one keeps every letter and digit and is identical to it on ASCII text."""

    _WORD = re.compile(r"[^\W_]+")

    def tokenize(self, text: str) -> list[str]:
        return self._WORD.findall(text.lower())


@metric("chrf", proportion=False, answer_column="answer")
def chrf(rows: list[dict], predictions: list[str], options: EvalOptions) -> dict:
    """Mean sentence chrF / 100, with sacrebleu's corpus-level chrF as `corpus_chrf`."""
    from sacrebleu.metrics import CHRF

    metric = CHRF()
    references = _references(rows, options)
    per_example = _text_examples(predictions, references, _patterns(options),
                                 lambda extracted, reference: metric.sentence_score(extracted, [reference]).score / 100)
    # Unanswered examples count as empty hypotheses, so they lower the corpus score too.
    hypotheses = [e["extracted"] or "" for e in per_example]
    corpus = metric.corpus_score(hypotheses, [references]).score / 100 if per_example else 0.0
    return _summary(per_example, corpus_chrf=corpus, no_answer_rate=_no_answer_rate(per_example))


# ---------------------------------------------------------------- checks before any model loads


def check_options(options: EvalOptions, rows: list[dict], where: str | None = None) -> None:
    """Fail before generation, not after it: known metric, regexes that compile, references present."""
    METRICS.get(options.metric, where).check(rows, options, where)
