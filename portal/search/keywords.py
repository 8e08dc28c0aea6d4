"""The words of a search: the Whoosh query for them (stemming, synonyms, phrases),
"did you mean" suggestions and highlights of the matched terms."""

import re
from dataclasses import dataclass

from markupsafe import Markup
from whoosh import highlight, spelling
from whoosh.analysis import STOP_WORDS, Token
from whoosh.analysis.tokenizers import default_pattern
from whoosh.qparser import AndGroup, QueryParser
from whoosh.query import And, NullQuery, Term

from portal.search import synonyms
from portal.search.analysis import analyzer, sector_stem
from portal.search.documents import vocabulary
from portal.search.schema import make_schema
from portal.search.searcher import View

QUERY_NOISE = re.compile(
    r"(?<![\w-])(jobs?|positions?|vacanc(?:y|ies)|openings?|near|in)(?![\w-])", re.IGNORECASE
)
_SCHEMA = make_schema()
_ANALYZER = analyzer()


@dataclass
class TextQuery:
    query: object  # a Whoosh query
    highlight_terms: frozenset
    key: str  # cache key for the matched documents


def clean_text(text: str) -> str:
    cleaned = " ".join(QUERY_NOISE.sub(" ", text).split())
    return cleaned or text


def text_query(text: str) -> TextQuery | None:
    """Words must all match (in any part of the job's text); sector synonyms match
    through their group token; "quoted phrases" match as phrases."""
    remaining, tokens, phrases = synonyms.rewrite(clean_text(text))
    parts = []
    if remaining.strip():
        parsed = QueryParser("text", _SCHEMA, group=AndGroup).parse(remaining)
        if parsed is not NullQuery:
            parts.append(parsed)
    parts.extend(Term("synonyms", token) for token in tokens)
    if not parts:
        return None
    query = parts[0] if len(parts) == 1 else And(parts)
    terms = {
        t.decode() if isinstance(t, bytes) else t
        for field_name, t in query.iter_all_terms(phrases=True)
        if field_name == "text"
    }
    for phrase in phrases:
        terms.update(token.text for token in _ANALYZER(phrase))
    return TextQuery(query, frozenset(terms), repr(query))


WORD = re.compile(r"[a-z][a-z'-]+")


def _known(reader, word: str) -> bool:
    """The index has the word (as its stem), or it is a stop word."""
    return all(("text", token.text) in reader for token in _ANALYZER(word))


def suggest(view: View, text: str) -> str | None:
    """The query with each word the index has never seen replaced by the closest known
    word (or a known synonym, e.g. "childcare" -> "child care"); None if all are known."""
    reader = view.searcher.reader()
    synonym_words = {w for phrase in synonyms.load().token_of for w in phrase.split()}
    corrector = None
    lowered = clean_text(text).lower()
    changed = False
    out = lowered
    for word in dict.fromkeys(WORD.findall(lowered)):
        if len(word) < 3 or word in synonym_words or _known(reader, word):
            continue
        replacement = None
        for group in synonyms.groups():
            if word.replace(" ", "") in (p.replace(" ", "") for p in group):
                replacement = next(
                    (
                        alt
                        for alt in group
                        if alt.replace(" ", "") != word
                        and all(_known(reader, w) for w in alt.split())
                    ),
                    None,
                )
                if replacement:
                    break
        if replacement is None:
            if corrector is None:
                corrector = _corrector()
            found = [w for w in corrector.suggest(word, limit=3, maxdist=2) if _known(reader, w)]
            replacement = found[0] if found else None
        if replacement:
            out = re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", replacement, out, count=1)
            changed = True
    return out if changed else None


_correctors: list = [None, None]  # the vocabulary and its corrector


def _corrector() -> spelling.ListCorrector:
    """A corrector over the "did you mean" vocabulary (rebuilt when it is reloaded)."""
    words = vocabulary()
    if _correctors[0] is not words:
        _correctors[1] = spelling.ListCorrector(sorted(words))
        _correctors[0] = words
    return _correctors[1]


def _tokens(text: str, matches: frozenset):
    """The tokens ``analyzer()`` gives for highlighting (``chars=True``,
    ``removestops=False``: stop words kept but marked), each marked when its lowercased
    word is in ``matches``: the same tokenizer, lowercasing, stop words and stemmer, without
    a generator per filter (several times faster on long descriptions)."""
    token = Token(positions=False, chars=True, removestops=False, mode="query")
    stops = STOP_WORDS
    stem = sector_stem
    for match in default_pattern.finditer(text):
        word = match.group(0).lower()
        if len(word) >= 2 and word not in stops:
            token.stopped = False
            token.text = stem(word)
        else:
            token.stopped = True
            token.text = word
        token.startchar = match.start()
        token.endchar = match.end()
        token.matched = word in matches
        yield token


def _matching_words(text: str, termset: frozenset) -> frozenset:
    """The lowercased words of ``text`` whose token (stemmed unless a stop word) is a
    query term."""
    stops = STOP_WORDS
    stem = sector_stem
    found = set()
    for word in {match.group(0).lower() for match in default_pattern.finditer(text)}:
        if len(word) >= 2 and word not in stops:
            if stem(word) in termset:
                found.add(word)
        elif word in termset:
            found.add(word)
    return frozenset(found)


def highlighted(text: str, terms: frozenset, chars: int | None) -> Markup | None:
    """``text`` with query terms in <mark> (escaped): the whole text when ``chars`` is None,
    else its best fragment of about that length (what ``whoosh.highlight.highlight`` gives
    with ``analyzer()``, top=1)."""
    if not terms:
        return None
    fragmenter = (
        highlight.WholeFragmenter()
        if chars is None
        else highlight.ContextFragmenter(maxchars=chars, surround=60)
    )
    matches = _matching_words(text, frozenset(terms))
    if not matches:  # no fragment: Whoosh's formatter gives ""
        return None
    fragments = fragmenter.fragment_tokens(text, _tokens(text, matches))
    best = highlight.top_fragments(
        fragments, 1, highlight.BasicFragmentScorer(), highlight.FIRST, minscore=1
    )
    fragment = highlight.HtmlFormatter(tagname="mark", between=" … ")(text, best)
    # HtmlFormatter escapes the text (whoosh htmlescape); only its own <mark> tags are markup
    return Markup(fragment) if fragment else None  # nosec B704
