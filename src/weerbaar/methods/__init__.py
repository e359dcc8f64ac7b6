"""Method engine: profiles, scales, scoring conversions, aggregation and rankings (numpy only)."""

from weerbaar.methods.assessment import assess, compare_methods, position_matrix
from weerbaar.methods.profile import MethodProfile
from weerbaar.methods.ranking import RankComparison, compare_rankings
from weerbaar.methods.registry import all_profiles, get_profile, load_profile_file, profile_names
from weerbaar.methods.results import Assessment, ScenarioResult, WeakValue

__all__ = [
    "Assessment",
    "MethodProfile",
    "RankComparison",
    "ScenarioResult",
    "WeakValue",
    "all_profiles",
    "assess",
    "compare_methods",
    "compare_rankings",
    "get_profile",
    "load_profile_file",
    "position_matrix",
    "profile_names",
]
