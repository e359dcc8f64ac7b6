"""Synthetic signal corpora with planted groups, for tests, benchmarks and demonstrations.

Each planted group is one subject (cyber attacks, flooding, disinformation, ...) written in one
language (Dutch or English, alternating) or, with ``mixed=True``, in both. A signal mixes the
subject's words with generic words shared by every subject ("report", "experts", "nieuwe") and
the language's function words, so that a method has to see past language and filler to find
the groups. Near-duplicates are copies with small edits (case, a dropped or added word, a
different source). Everything follows from the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from weerbaar.domain.signal import Signal

# subject -> (theme key, Dutch words, English words); a few shared loanwords in both
SUBJECTS: dict[str, tuple[str, str, str]] = {
    "cyber": ("cyber",
              "gijzelsoftware ziekenhuis hackers datalek netwerk versleuteld losgeld systemen "
              "storing aanval beveiliging kwetsbaarheid patientgegevens cybercriminelen",
              "ransomware hospital hackers breach network encrypted ransom systems outage attack "
              "security vulnerability patient records cybercriminals"),
    "flooding": ("natural-disasters",
                 "overstroming dijken zeespiegel rivieren hoogwater neerslag evacuatie "
                 "waterschap stormvloed polder dijkdoorbraak kustlijn regenval waterkering",
                 "flooding dikes sea level rivers rainfall evacuation storm surge coastline "
                 "barriers downpour levee inundation floodplain"),
    "pandemic": ("health",
                 "pandemie virus besmettingen vaccin ziekenhuisopnames uitbraak griep "
                 "quarantaine zorgcapaciteit mutatie vaccinatie infectie epidemie gezondheid",
                 "pandemic virus infections vaccine admissions outbreak influenza quarantine "
                 "mutation vaccination infection epidemic health contagion"),
    "energy": ("economic-security",
               "gasvoorraad energieprijzen leveringszekerheid stroomnet netcongestie elektriciteit "
               "stroomstoring kerncentrale windparken gasopslag pijpleiding waterstof lng",
               "gas prices supply grid congestion electricity blackout nuclear wind storage "
               "pipeline hydrogen lng turbines"),
    "disinformation": ("polarisation",
                       "desinformatie nepnieuws sociale media verkiezingen beinvloeding trollen "
                       "deepfakes propaganda polarisatie platformen algoritmes campagnes democratie",
                       "disinformation fake news social media elections influence trolls "
                       "deepfakes propaganda polarisation platforms campaigns democracy"),
    "trade": ("economic-security",
              "handelsoorlog importheffingen exportbeperkingen grondstoffen chips halfgeleiders "
              "toeleveringsketen afhankelijkheid overnames aardmetalen sancties handel",
              "trade tariffs export controls raw materials chips semiconductors chain "
              "dependency takeovers earths sanctions commerce"),
    "terrorism": ("terrorism",
                  "terrorisme extremisme aanslag jihadisten radicalisering rechtsextremisme "
                  "dreigingsniveau jongeren geweld aanslagplannen veiligheidsdiensten wapens",
                  "terrorism extremism jihadists radicalisation far right plots youth violence "
                  "intelligence weapons bombing militants"),
    "military": ("international-order",
                 "drones militaire defensie raketten luchtverdediging navo oorlog oekraine "
                 "rusland wapenindustrie munitie troepen oostflank afschrikking",
                 "drones military defence missiles nato war ukraine russia arms industry "
                 "ammunition troops flank deterrence"),
    "ai": ("technology",
           "kunstmatige intelligentie algoritmen taalmodellen automatisering chatbots regulering "
           "rekenkracht datacenters generatieve modellen innovatie banen toezichthouder",
           "artificial intelligence language models automation chatbots regulation compute "
           "datacentres generative innovation jobs frontier regulator"),
    "drought": ("natural-disasters",
                "droogte oogst voedselprijzen landbouw irrigatie grondwater watertekort "
                "hittegolf gewassen boeren voedselzekerheid verdroging bodem veeteelt",
                "drought harvest food prices agriculture irrigation groundwater scarcity "
                "heatwave crops farmers soil livestock famine"),
    "space": ("technology",
              "satellieten ruimte gps navigatie ruimtepuin zonnestorm communicatie baan "
              "lanceringen ruimtevaart jamming grondstations tijdsignaal ruimteweer",
              "satellites space gps navigation debris solar flare communications orbit "
              "launches spaceflight jamming ground stations"),
    "crime": ("undermining",
              "ondermijning drugshandel cocaine haven criminelen witwassen liquidaties "
              "corruptie douane smokkel bendes burgemeesters bedreiging drugslab",
              "organised crime drug trafficking cocaine port criminals laundering killings "
              "corruption customs smuggling gangs mayors"),
}

FILLER = {
    "nl": ("nieuwe ontwikkeling rapport volgens deskundigen jaar nederland overheid kabinet "
           "onderzoek verwacht risico gevolgen komende jaren toename analyse minister europese "
           "wereldwijd"),
    "en": ("new development report according experts year netherlands government cabinet "
           "research expected risk consequences coming years increase analysis minister "
           "european global"),
}
FUNCTION = {
    "nl": "de het een van in op met voor door dat die en is zijn wordt naar bij te om",
    "en": "the a of in on with for by that and is are to from at as it be",
}
SOURCES = ("NCTV", "AIVD", "Clingendael", "HCSS", "RIVM", "KNMI", "Reuters", "NOS", "FT", "CPB")


@dataclass(frozen=True)
class PlantedCorpus:
    """Signals, the planted group of each (same order) and the planted near-duplicate pairs."""

    signals: tuple[Signal, ...]
    groups: tuple[int, ...]
    duplicates: tuple[tuple[int, int], ...]  # (original index, copy index)


def _sentence(rng: random.Random, words: list[str], language: str, length: int,
              subject_share: float) -> str:
    out = []
    for _ in range(length):
        roll = rng.random()
        if roll < subject_share:
            out.append(rng.choice(words))
        elif roll < subject_share + (1 - subject_share) / 2:
            out.append(rng.choice(FILLER[language].split()))
        else:
            out.append(rng.choice(FUNCTION[language].split()))
    return " ".join(out)


def _edit(rng: random.Random, text: str) -> str:
    """A near copy: one word dropped, one doubled, and different capitalisation."""
    words = text.split()
    if len(words) > 4:
        del words[rng.randrange(len(words))]
        i = rng.randrange(len(words))
        words.insert(i, words[i])
    out = " ".join(words)
    return out.upper() if rng.random() < 0.3 else out.capitalize() + "."


def planted_corpus(*, groups: int = 8, per_group: int = 25, seed: int = 0,
                   mixed: bool = False, duplicates: int = 0,
                   start: dt.date = dt.date(2024, 1, 1), days: int = 720,
                   subject_share: float = 0.45) -> PlantedCorpus:
    """A corpus of ``groups`` x ``per_group`` signals plus ``duplicates`` near-copies.

    Group ``g`` is subject ``g`` (cycling through :data:`SUBJECTS`) in Dutch for even ``g`` and
    English for odd ``g``; with ``mixed`` every group has both languages. Signals get the
    subject's theme, a date in ``days`` after ``start`` and a source; titles have 4-8 words and
    summaries 18-35. Copies are appended at the end, each naming its original.
    """
    if groups > len(SUBJECTS):
        raise ValueError(f"at most {len(SUBJECTS)} planted groups")
    rng = random.Random(seed)
    names = list(SUBJECTS)
    signals: list[Signal] = []
    labels: list[int] = []
    for g in range(groups):
        theme, nl, en = SUBJECTS[names[g]]
        for i in range(per_group):
            language = ("nl", "en")[(i if mixed else g) % 2]
            words = (nl if language == "nl" else en).split()
            title = _sentence(rng, words, language, rng.randint(4, 8), 0.7)
            summary = _sentence(rng, words, language, rng.randint(18, 35), subject_share)
            signals.append(Signal(
                id=f"s{g:02d}-{i:04d}", title=title.capitalize(), summary=summary + ".",
                source=rng.choice(SOURCES), language=language, themes=(theme,),
                date=start + dt.timedelta(days=rng.randrange(days))))
            labels.append(g)
    pairs = []
    for d in range(duplicates):
        original = rng.randrange(groups * per_group)  # copies of planted signals only
        base = signals[original]
        copy = base.model_copy(update={
            "id": f"dup-{d:04d}", "title": _edit(rng, base.title),
            "summary": _edit(rng, base.summary), "source": rng.choice(SOURCES),
            "date": base.date + dt.timedelta(days=rng.randrange(3))})
        signals.append(copy)
        labels.append(labels[original])
        pairs.append((original, len(signals) - 1))
    return PlantedCorpus(tuple(signals), tuple(labels), tuple(pairs))
