import hashlib
import json
import os
import subprocess
import sys

import pytest

from sftflow.data.curate.dedup import dedup_file, find_duplicates
from sftflow.data.curate.near import jaccard, shingles
from sftflow.data.curate.rows import normalize
from sftflow.data.templates import PromptTemplates
from sftflow.demo.sql_data import generate_rows
from sftflow.errors import UserError

FIELDS = ["sql_prompt", "sql_context", "sql"]
# 40 words; the near copy changes one in the middle, which touches 5 of the 36 word 5-grams.
TEXT40 = ("the patient arrived at the clinic on monday morning with a persistent dry cough mild fever "
          "and severe fatigue that had lasted nearly two weeks despite rest fluids over the counter medication "
          "and a short course of antibiotics prescribed earlier")
NEAR40 = TEXT40.replace(" fluids ", " water ")


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture(scope="module")
def rows():
    return generate_rows(60, seed=11)


def test_planted_exact_duplicates_are_removed_and_the_first_kept(jsonl, tmp_path, rows):
    shouted = {**rows[3], "sql_prompt": "  " + rows[3]["sql_prompt"].upper().replace(" ", "   ")}
    data = jsonl(tmp_path / "in.jsonl", rows + [shouted, dict(rows[10])])
    report = dedup_file(data, tmp_path / "out.jsonl", fields=FIELDS)
    clusters = [(c["kind"], c["kept"], c["removed"]) for c in report["clusters"]]
    assert sorted(clusters) == [("exact", 3, [60]), ("exact", 10, [61])]
    assert (report["rows_in"], report["rows_out"], report["near_duplicates_removed"]) == (62, 60, 0)
    assert read_jsonl(tmp_path / "out.jsonl") == rows  # generated rows are distinct: none of them flagged
    assert len(report["clusters"][0]["examples"]) == 2


def test_one_word_changed_in_40_words_is_a_near_duplicate(rows):
    assert len(TEXT40.split()) == 40
    similarity = jaccard(shingles(normalize(TEXT40)), shingles(normalize(NEAR40)))
    assert similarity == pytest.approx(31 / 41)  # 5 of 36 shingles replaced
    others = [r["sql_prompt"] + "\n" + r["sql_context"] for r in rows[:30]]
    found = find_duplicates([TEXT40] + others + [NEAR40], threshold=0.7)
    assert [(c.kind, c.kept, c.removed) for c in found.clusters] == [("near", 0, [31])]
    assert found.clusters[0].jaccard == pytest.approx(31 / 41, abs=1e-4)
    # the threshold is exact: this pair is below 0.8, so it is not flagged there
    assert find_duplicates([TEXT40] + others + [NEAR40], threshold=0.8).clusters == []


def test_near_copy_of_a_generated_row_is_found(jsonl, tmp_path, rows):
    words = rows[7]["sql_prompt"].split()
    words[1] = "zebra"
    data = jsonl(tmp_path / "in.jsonl", rows + [{**rows[7], "sql_prompt": " ".join(words)}])
    report = dedup_file(data, tmp_path / "out.jsonl", fields=FIELDS, threshold=0.8)
    assert [(c["kind"], c["kept"], c["removed"]) for c in report["clusters"]] == [("near", 7, [60])]
    assert report["clusters"][0]["lowest_jaccard"] >= 0.8
    assert read_jsonl(tmp_path / "out.jsonl") == rows


def test_near_pairs_are_joined_into_one_cluster():
    a = TEXT40
    b = a.replace("earlier", "before")  # last word: touches one shingle
    c = b.replace("the patient", "a patient", 1)  # first word: touches another
    found = find_duplicates([a, "something else entirely, not similar at all", b, c], threshold=0.9)
    assert [(x.kind, x.kept, x.removed) for x in found.clusters] == [("near", 0, [2, 3])]
    assert found.keep == [0, 1]


def test_rendered_conversation_ignores_columns_the_templates_do_not_use(jsonl, tmp_path, rows):
    templates = PromptTemplates({"user": "{{ sql_prompt }}\n{{ sql_context }}", "assistant": "{{ sql }}"}, "inline")
    data = jsonl(tmp_path / "in.jsonl", rows[:20] + [{**rows[4], "id": 999, "domain": "other"}])
    by_conversation = dedup_file(data, tmp_path / "a.jsonl", templates=templates)
    by_all_fields = dedup_file(data, tmp_path / "b.jsonl")
    assert by_conversation["exact_duplicates_removed"] == 1
    assert by_all_fields["exact_duplicates_removed"] == 0


def test_same_input_gives_identical_bytes(jsonl, tmp_path, rows):
    data = jsonl(tmp_path / "in.jsonl", rows + [rows[0], rows[1]])
    out, report = tmp_path / "out.jsonl", tmp_path / "out.report.json"
    dedup_file(data, out, fields=FIELDS)
    first = out.read_bytes(), report.read_bytes()
    dedup_file(data, out, fields=FIELDS)
    assert (out.read_bytes(), report.read_bytes()) == first
    dedup_file(data, tmp_path / "other.jsonl", fields=FIELDS)
    assert (tmp_path / "other.jsonl").read_bytes() == first[0]


def test_same_bytes_from_another_process_with_another_hash_seed(jsonl, tmp_path, rows):
    """Python salts str hashes per process: set order must never reach the output."""
    near = {**rows[5], "sql_prompt": rows[5]["sql_prompt"] + " today"}
    data = jsonl(tmp_path / "in.jsonl", rows + [rows[0], near])
    dedup_file(data, tmp_path / "a.jsonl", fields=FIELDS)
    script = ("import sys; from sftflow.data.curate.dedup import dedup_file; "
              "dedup_file(sys.argv[1], sys.argv[2], fields=sys.argv[3].split(','))")
    for seed in ("1", "2"):
        subprocess.run([sys.executable, "-c", script, str(data), str(tmp_path / f"b{seed}.jsonl"), ",".join(FIELDS)],
                       check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert (tmp_path / f"b{seed}.jsonl").read_bytes() == (tmp_path / "a.jsonl").read_bytes()
        report = json.loads((tmp_path / f"b{seed}.report.json").read_text())
        assert (report["exact_duplicates_removed"], report["near_duplicates_removed"]) == (1, 1)


def test_threshold_must_be_a_similarity():
    with pytest.raises(UserError, match="threshold must be in"):
        find_duplicates(["a b c", "a b d"], threshold=0)


def test_refuses_to_overwrite_its_input(jsonl, tmp_path, rows):
    data = jsonl(tmp_path / "in.jsonl", rows + [rows[0]])
    before = data.read_bytes()
    (tmp_path / "link.jsonl").symlink_to(data)
    for output, report in ((data, None), (tmp_path / "link.jsonl", None), (tmp_path / "out.jsonl", data)):
        with pytest.raises(UserError, match="same file as the input"):
            dedup_file(data, output, report_path=report)
    assert data.read_bytes() == before
    assert not (tmp_path / "out.jsonl").exists()


def test_a_missing_field_is_named(jsonl, tmp_path, rows):
    data = jsonl(tmp_path / "in.jsonl", [rows[0], {"sql": "SELECT 1"}])
    with pytest.raises(UserError, match="row 1 has no field 'sql_prompt'"):
        dedup_file(data, tmp_path / "out.jsonl", fields=FIELDS)


def test_medqa_test_questions_have_no_duplicates_at_0_8(tmp_path, medqa_path):
    digest = hashlib.sha256(medqa_path.read_bytes()).hexdigest()
    strict = dedup_file(medqa_path, tmp_path / "medqa.jsonl", fields=["question"], threshold=0.8)
    assert (strict["rows_in"], strict["exact_duplicates_removed"], strict["near_duplicates_removed"]) == (1273, 0, 0)
    # the closest pair: two different questions on the same trial abstract (Jaccard 0.772)
    loose = dedup_file(medqa_path, tmp_path / "medqa-0.7.jsonl", fields=["question"], threshold=0.7)
    assert [(c["kept"], c["removed"], c["lowest_jaccard"]) for c in loose["clusters"]] == [(535, [1129], 0.7722)]
    assert hashlib.sha256(medqa_path.read_bytes()).hexdigest() == digest  # read in place, never changed
