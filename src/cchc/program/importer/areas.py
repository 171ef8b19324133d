"""Which reform area an appendix task belongs to, inferred from the document's own words.

The appendix table does not say it. Each area is described by its name (weighted), objectives and
tasks in the same document; a task (title and outputs) goes to the area whose description is most
similar by TF-IDF cosine over accent-folded words and word pairs. The result is a suggestion
(``area_inferred``), editable in the admin.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

from cchc.common.text import fold_words

_STOP = set(
    """va cua cac cho voi trong tren theo de duoc co la nhung mot so tu den tai ve nham dam bao bao dam
    thuc hien trien khai xay dung tiep tuc tang cuong nang cao hieu qua tinh giai doan nam cap ke hoach
    bao cao van ban chi dao de an so nganh dia phuong quyet dinh ubnd uy ban nhan dan""".split()
)


def _tokens(text: str) -> list[str]:
    words = [w for w in fold_words(text).split() if len(w) > 1 and not w.isdigit()]
    grams = [w for w in words if w not in _STOP]
    grams += [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False) if a not in _STOP or b not in _STOP]
    return grams


def _vector(tokens: Iterable[str], idf: dict[str, float]) -> dict[str, float]:
    counts = Counter(tokens)
    vec = {t: (1 + math.log(c)) * idf.get(t, 0.0) for t, c in counts.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {t: v / norm for t, v in vec.items()}


def infer_areas(
    areas: dict[int, str], tasks: dict[int, str], *, name_weight: dict[int, str] | None = None
) -> dict[int, int | None]:
    """Map task number -> area number (None when nothing is shared).

    ``areas`` maps area number -> description text; ``name_weight`` (optional) maps area number ->
    its name, counted three times so that a task naming the area ("thủ tục hành chính") wins.
    """
    documents = {}
    for number, text in areas.items():
        tokens = _tokens(text)
        if name_weight and number in name_weight:
            tokens += _tokens(name_weight[number]) * 3
        documents[number] = tokens
    df: Counter[str] = Counter()
    for tokens in documents.values():
        df.update(set(tokens))
    count = len(documents)
    idf = {t: math.log((1 + count) / (1 + d)) + 1 for t, d in df.items()}
    vectors = {number: _vector(tokens, idf) for number, tokens in documents.items()}
    result: dict[int, int | None] = {}
    for task_number, text in tasks.items():
        task_vec = _vector(_tokens(text), idf)
        best, best_score = None, 0.0
        for number, vec in vectors.items():
            score = sum(v * vec.get(t, 0.0) for t, v in task_vec.items())
            if score > best_score + 1e-12:
                best, best_score = number, score
        result[task_number] = best
    return result


def clean_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
