"""The Article Extraction Benchmark's metric: shingle precision, recall and F1.

Shared by ``benchmarks/extraction.py`` and the extraction quality test, so both score the
same way. As the benchmark's authors define it: tokens are ``\\w+`` runs, shingles are 4
consecutive tokens with counts; per page, true positives, false positives and false
negatives are divided by their sum; precision and recall are the means over pages (a page
where both texts are empty counts 1) and F1 is their harmonic mean.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")
SHINGLE = 4


def shingles(text: str, size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    """Every run of ``size`` consecutive tokens of ``text``, with counts."""
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))


@dataclass(frozen=True, slots=True)
class PageScore:
    """One page's precision and recall (from its normalised tp, fp and fn)."""

    precision: float
    recall: float


def score_page(extracted: str, truth: str) -> PageScore:
    """Precision and recall of ``extracted`` against ``truth`` for one page."""
    got, want = shingles(extracted), shingles(truth)
    tp = sum((got & want).values())
    fp = sum(got.values()) - tp
    fn = sum(want.values()) - tp
    total = tp + fp + fn
    if total == 0:  # both texts empty (or shorter than a shingle): a perfect answer
        return PageScore(1.0, 1.0)
    tp, fp, fn = tp / total, fp / total, fn / total
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return PageScore(precision, recall)


@dataclass(frozen=True, slots=True)
class Score:
    """Mean precision and recall over pages, and their F1."""

    precision: float
    recall: float
    pages: int

    @property
    def f1(self) -> float:
        """The harmonic mean of the mean precision and the mean recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def score(pages: Iterable[PageScore]) -> Score:
    """The benchmark's overall score of some pages."""
    pages = list(pages)
    if not pages:
        return Score(0.0, 0.0, 0)
    precision = sum(p.precision for p in pages) / len(pages)
    recall = sum(p.recall for p in pages) / len(pages)
    return Score(precision, recall, len(pages))
