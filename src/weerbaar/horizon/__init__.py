"""The horizon-scan engine: text features, near-duplicates, clustering into trends, trend strength.

No web, database or report library: signals (``weerbaar.domain.Signal``) in, immutable results
with ``to_dict()`` out. See ``docs/horizon.md`` for the methods, thresholds and formulas.
"""

from weerbaar.horizon.analysis import (
    HorizonSettings,
    ThemeActivity,
    Trend,
    TrendReport,
    analyse,
    theme_activity,
)
from weerbaar.horizon.clustering import Clustering, ClusterSettings, cluster
from weerbaar.horizon.duplicates import THRESHOLD, NearDuplicate, near_duplicates
from weerbaar.horizon.features import TextFeatures, TextSettings, tfidf
from weerbaar.horizon.section import (
    Development,
    HorizonSection,
    SectionTrend,
    ThemeSection,
    developments,
    horizon_section,
)
from weerbaar.horizon.stopwords import guess_language, stop_words
from weerbaar.horizon.trends import Strength, TrendSettings, classify, peak, popularity

__all__ = [
    "THRESHOLD",
    "ClusterSettings",
    "Clustering",
    "Development",
    "HorizonSection",
    "HorizonSettings",
    "NearDuplicate",
    "SectionTrend",
    "Strength",
    "TextFeatures",
    "TextSettings",
    "ThemeActivity",
    "ThemeSection",
    "Trend",
    "TrendReport",
    "TrendSettings",
    "analyse",
    "classify",
    "cluster",
    "developments",
    "guess_language",
    "horizon_section",
    "near_duplicates",
    "peak",
    "popularity",
    "stop_words",
    "tfidf",
    "theme_activity",
]
