"""Text analysis for the job index: English stemming plus the sector's spelling variants."""

from functools import lru_cache

from whoosh.analysis import StemmingAnalyzer
from whoosh.lang.porter import stem

# Stems the Porter stemmer keeps apart but searchers expect to match each other
# (counsellor / counselling / counsellors; British and American spellings).
STEM_FIXES = {
    "counsellor": "counsel",
    "counselor": "counsel",
    "behaviour": "behavior",
    "centr": "center",
    "programm": "program",
}


@lru_cache(maxsize=50000)
def sector_stem(word: str) -> str:
    stemmed = stem(word)
    return STEM_FIXES.get(stemmed, stemmed)


def analyzer():
    return StemmingAnalyzer(stemfn=sector_stem, cachesize=-1)
