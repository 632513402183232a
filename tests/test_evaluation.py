"""Unit tests of the IR metrics and loaders in alliance_search.evaluation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from alliance_search.evaluation import (
    average_precision,
    evaluate,
    evaluate_per_query,
    load_qrels,
    load_queries,
    ndcg_at_k,
    recall_at_k,
)

# Graded judgments shared by several tests: three relevant documents, one judged irrelevant.
QRELS = {"a": 3, "b": 2, "c": 1, "d": 0}
# a and b and c are relevant at ranks 1, 3 and 5; x is unjudged, d is judged irrelevant.
RANKING = ["a", "x", "b", "d", "c"]


# --- nDCG ---------------------------------------------------------------------------------


def test_ndcg_hand_computed() -> None:
    # DCG  = 3/log2(2) + 2/log2(4) + 1/log2(6) = 3 + 1 + 0.386853 = 4.386853
    # IDCG = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.261860 + 0.5 = 4.761860
    # nDCG = 4.386853 / 4.761860 = 0.921248
    dcg = 3 / math.log2(2) + 2 / math.log2(4) + 1 / math.log2(6)
    idcg = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(RANKING, QRELS, k=10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(RANKING, QRELS, k=10) == pytest.approx(0.921248, abs=1e-6)


def test_ndcg_cutoff_truncates_ranking_and_ideal() -> None:
    # DCG@2  = 3/log2(2) = 3           (x at rank 2 is unjudged: gain 0)
    # IDCG@2 = 3/log2(2) + 2/log2(3) = 4.261860
    # nDCG@2 = 3 / 4.261860 = 0.703919
    assert ndcg_at_k(RANKING, QRELS, k=2) == pytest.approx(3 / (3 + 2 / math.log2(3)))
    assert ndcg_at_k(RANKING, QRELS, k=2) == pytest.approx(0.703919, abs=1e-6)


def test_ndcg_perfect_and_worst() -> None:
    assert ndcg_at_k(["a", "b", "c"], QRELS) == pytest.approx(1.0)
    assert ndcg_at_k(["d", "x", "y"], QRELS) == 0.0


def test_ndcg_ideal_uses_all_relevant_judgments_not_only_retrieved() -> None:
    # Only b (grade 1) is retrieved, but a (grade 2) is judged too.
    # DCG = 1/log2(2) = 1 ; IDCG = 2/log2(2) + 1/log2(3) = 2.630930 ; nDCG = 0.380094
    assert ndcg_at_k(["b"], {"a": 2, "b": 1}) == pytest.approx(1 / (2 + 1 / math.log2(3)))


def test_ndcg_k_larger_than_ranking() -> None:
    # Same as above with k = 100: a short ranking is simply not padded.
    assert ndcg_at_k(["b"], {"a": 2, "b": 1}, k=100) == pytest.approx(0.380094, abs=1e-6)


# --- average precision ----------------------------------------------------------------------


def test_average_precision_hand_computed() -> None:
    # relevant at ranks 1, 3, 5 -> precisions 1/1, 2/3, 3/5 ; R = 3
    # AP = (1 + 0.666667 + 0.6) / 3 = 0.755556
    assert average_precision(RANKING, QRELS) == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)


def test_average_precision_counts_unretrieved_relevant_docs() -> None:
    # only a is retrieved (rank 2) out of R = 3 relevant: AP = (1/2) / 3 = 0.166667
    assert average_precision(["x", "a"], QRELS) == pytest.approx(1 / 6)


def test_average_precision_uses_the_full_ranking() -> None:
    # c at rank 12 still counts: relevant at ranks 1 and 12 out of R = 2
    # AP = (1/1 + 2/12) / 2 = 0.583333
    ranking = ["a"] + [f"n{i}" for i in range(10)] + ["c"]
    assert average_precision(ranking, {"a": 1, "c": 1}) == pytest.approx((1 + 2 / 12) / 2)


# --- recall ---------------------------------------------------------------------------------


def test_recall_hand_computed() -> None:
    # top 2 = a, x -> 1 of 3 relevant ; top 10 -> a, b, c = 3 of 3
    assert recall_at_k(RANKING, QRELS, k=2) == pytest.approx(1 / 3)
    assert recall_at_k(RANKING, QRELS, k=10) == pytest.approx(1.0)


def test_recall_k_larger_than_ranking() -> None:
    assert recall_at_k(["b"], {"a": 2, "b": 1}, k=100) == pytest.approx(0.5)


# --- edge cases -----------------------------------------------------------------------------


@pytest.mark.parametrize("qrels", [{}, {"a": 0, "b": 0}])
def test_no_relevant_document_gives_zero(qrels: dict[str, int]) -> None:
    assert ndcg_at_k(["a", "b"], qrels) == 0.0
    assert average_precision(["a", "b"], qrels) == 0.0
    assert recall_at_k(["a", "b"], qrels) == 0.0


def test_empty_ranking_gives_zero() -> None:
    assert ndcg_at_k([], QRELS) == 0.0
    assert average_precision([], QRELS) == 0.0
    assert recall_at_k([], QRELS) == 0.0


def test_duplicates_are_counted_once() -> None:
    qrels = {"a": 1, "b": 1}
    # ["a", "a"] is read as ["a"]: a second copy of a relevant doc earns nothing.
    # nDCG = 1 / (1 + 1/log2(3)) = 0.613147 ; AP = (1/1) / 2 = 0.5 ; recall = 1/2
    assert ndcg_at_k(["a", "a"], qrels) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert average_precision(["a", "a"], qrels) == pytest.approx(0.5)
    assert recall_at_k(["a", "a"], qrels) == pytest.approx(0.5)
    # The duplicate is dropped before the cutoff: ["a", "a", "b"] ranks b second.
    assert ndcg_at_k(["a", "a", "b"], qrels, k=2) == pytest.approx(1.0)
    assert average_precision(["a", "a", "b"], qrels) == pytest.approx(1.0)
    assert recall_at_k(["a", "a", "b"], qrels, k=2) == pytest.approx(1.0)


@pytest.mark.parametrize("metric", [ndcg_at_k, recall_at_k])
def test_invalid_k(metric) -> None:
    with pytest.raises(ValueError):
        metric(["a"], {"a": 1}, k=0)


# --- evaluate -------------------------------------------------------------------------------


def test_evaluate_means_over_judged_queries() -> None:
    qrels = {
        "q1": {"a": 1},
        "q2": {"b": 2},  # missing from the run: counts as 0
        "q3": {"c": 0},  # no relevant document: not scored
    }
    run = {"q1": ["a"], "q9": ["z"]}  # q9 has no judgments: ignored
    # q1: nDCG 1, AP 1, recall 1 ; q2: all 0 -> means 0.5
    assert evaluate(run, qrels) == pytest.approx({"ndcg@10": 0.5, "map": 0.5, "recall@10": 0.5})
    assert set(evaluate_per_query(run, qrels)) == {"q1", "q2"}


def test_evaluate_hand_computed_two_queries() -> None:
    qrels = {"q1": QRELS, "q2": {"p": 1, "r": 1}}
    run = {"q1": RANKING, "q2": ["r", "s"]}
    # q1: nDCG 0.921248, AP 0.755556, recall 1.0
    # q2: nDCG = 1 / (1 + 1/log2(3)) = 0.613147, AP = 1/2, recall = 1/2
    result = evaluate(run, qrels)
    assert result["ndcg@10"] == pytest.approx((0.921248 + 0.613147) / 2, abs=1e-6)
    assert result["map"] == pytest.approx((0.755556 + 0.5) / 2, abs=1e-6)
    assert result["recall@10"] == pytest.approx(0.75)


def test_evaluate_cutoff_names_the_keys() -> None:
    result = evaluate({"q1": RANKING}, {"q1": QRELS}, k=2)
    assert set(result) == {"ndcg@2", "map", "recall@2"}
    assert result["recall@2"] == pytest.approx(1 / 3)


def test_evaluate_without_judged_queries() -> None:
    assert evaluate({"q1": ["a"]}, {}) == {"ndcg@10": 0.0, "map": 0.0, "recall@10": 0.0}


# --- loaders --------------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_load_qrels(tmp_path: Path) -> None:
    path = _write(tmp_path / "qrels.txt", "q1 0 d1 2\n\nq1 0 d2 0\nq2\t0\td3\t1\n   \n")
    assert load_qrels(path) == {"q1": {"d1": 2, "d2": 0}, "q2": {"d3": 1}}


@pytest.mark.parametrize(
    "bad_line",
    ["q1 0 d2", "q1 0 d2 1 extra", "q1 0 d2 high", "q1 0 d1 1"],  # last one: duplicate
)
def test_load_qrels_malformed_line_names_file_and_line(tmp_path: Path, bad_line: str) -> None:
    path = _write(tmp_path / "qrels.txt", f"q1 0 d1 2\n\n{bad_line}\n")
    with pytest.raises(ValueError, match=r"qrels\.txt:3"):
        load_qrels(path)


def test_load_queries(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "queries.jsonl",
        '{"qid": "q2", "query": "démence"}\n\n{"qid": "q1", "query": "patients borderline"}\n',
    )
    assert load_queries(path) == [("q2", "démence"), ("q1", "patients borderline")]


def test_load_queries_and_qrels_read_numbers_and_a_byte_order_mark(tmp_path: Path) -> None:
    queries = tmp_path / "queries.jsonl"
    queries.write_bytes(b"\xef\xbb\xbf" + '{"qid": 3, "query": "démence"}\r\n'.encode())
    qrels = tmp_path / "qrels.txt"
    qrels.write_bytes(b"\xef\xbb\xbf3 0 d1 2\r\n")
    assert load_queries(queries) == [("3", "démence")]
    assert load_qrels(qrels) == {"3": {"d1": 2}}


@pytest.mark.parametrize(
    "bad_line",
    [
        '{"qid": "q2", "query": ',  # invalid JSON
        '["q2", "anorexie"]',  # not an object
        '{"qid": "q2"}',  # no query
        '{"qid": 2.5, "query": "anorexie"}',  # qid neither a string nor a whole number
        '{"qid": true, "query": "anorexie"}',
        '{"qid": " ", "query": "anorexie"}',
        '{"qid": "q1", "query": "anorexie"}',  # duplicate qid
    ],
)
def test_load_queries_errors_name_file_and_line(tmp_path: Path, bad_line: str) -> None:
    path = _write(tmp_path / "queries.jsonl", f'{{"qid": "q1", "query": "démence"}}\n{bad_line}\n')
    with pytest.raises(ValueError, match=r"queries\.jsonl:2"):
        load_queries(path)
