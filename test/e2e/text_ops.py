#!/usr/bin/python3
"""TfIdfVectorizer beyond the ONNX backend node tests.

The node tests use mode TF only, 12 tokens and a pool of unigrams and
bigrams. This driver adds IDF and TFIDF with weights, trigrams with skips,
an n-gram length range that excludes some pool entries, ngram_indexes that
permute and leave gaps in the output, int32 tokens and a longer batch. The
reference is a plain Python transcription of the specification (every
window of every length and skip, looked up in the pool), confirmed with
ONNX Runtime when it is installed; each model is compiled at -O3 and -O0
and checked with xfc-run.

  text_ops.py BIN_DIR WORK_DIR
"""
import sys

import numpy as np

import e2e_cases
from e2e_cases import Case

RNG = np.random.default_rng(9)


def tfidf_reference(x, min_len, max_len, max_skip, counts, indexes, pool, mode, weights):
    rows = x if x.ndim == 2 else x[None]
    grams = {}
    position = 0
    for n in range(1, len(counts) + 1):
        end = counts[n] if n < len(counts) else len(pool)
        for start in range(counts[n - 1], end, n):
            grams[tuple(pool[start:start + n])] = position
            position += 1
    found = np.zeros((rows.shape[0], position), np.float32)
    for r, row in enumerate(rows):
        for n in range(min_len, max_len + 1):
            for k in ([0] if n == 1 else range(max_skip + 1)):
                for p in range(len(row) - (n - 1) * (k + 1)):
                    window = tuple(row[p + j * (k + 1)] for j in range(n))
                    if window in grams:
                        found[r, grams[window]] += 1
    if mode == "IDF":
        found = (found > 0).astype(np.float32)
    if mode != "TF" and weights is not None:
        found = found * np.asarray(weights, np.float32)
    out = np.zeros((rows.shape[0], max(indexes) + 1), np.float32)
    for g, i in enumerate(indexes):
        out[:, i] = found[:, g]
    return out if x.ndim == 2 else out[0]


def tfidf_case(name, x, mode, min_len, max_len, max_skip, counts, pool, indexes, weights=None):
    c = Case(name, 9)
    attrs = dict(mode=mode, min_gram_length=min_len, max_gram_length=max_len,
                 max_skip_count=max_skip, ngram_counts=counts, ngram_indexes=indexes,
                 pool_int64s=pool)
    if weights is not None:
        attrs["weights"] = weights
    c.node("TfIdfVectorizer", [c.input("x", x)], ["y"], **attrs)
    c.output("y", tfidf_reference(x, min_len, max_len, max_skip, counts, indexes, pool, mode,
                                  weights))
    return c


TOKENS = RNG.integers(0, 6, size=(3, 160)).astype(np.int64)
# Unigrams 1, 4; bigrams (2, 3), (0, 5); trigrams (1, 1, 2), (3, 0, 4).
COUNTS, POOL = [0, 2, 6], [1, 4, 2, 3, 0, 5, 1, 1, 2, 3, 0, 4]
CASES = [
    tfidf_case("tfidf_weights_trigrams", TOKENS, "TFIDF", 1, 3, 2, COUNTS, POOL,
               [5, 0, 2, 7, 3, 1], [0.5, 2.0, 1.5, 0.25, 3.0, 1.0]),
    tfidf_case("idf_bigrams_only", TOKENS.reshape(-1).astype(np.int32), "IDF", 2, 2, 3, COUNTS, POOL,
               [0, 1, 2, 3, 4, 5], [1.0, 1.0, 4.0, 0.5, 9.0, 9.0]),
    tfidf_case("tf_trigrams_skip1", TOKENS, "TF", 3, 3, 1, COUNTS, POOL, [1, 0, 3, 2, 5, 4]),
]


if __name__ == "__main__":
    sys.exit(e2e_cases.main(__doc__, CASES, confirm_with_ort=True))
