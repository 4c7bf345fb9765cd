"""The lexical head at run time (numpy and the standard library) scores exactly as the
scikit-learn pipeline the trainer fitted: character n-grams within words, and word unigrams
and bigrams beside them (each part normalised on its own)."""

from __future__ import annotations

import math

import pytest

from moderation.management.commands import screening_train
from moderation.screening import model as crisis_model

TEXTS = [
    "I used to think about ending it all, years ago. Not anymore.",
    "i cant do this anymore, i have the pills right here",
    "My mom is in hospice and I am so tired, tired, tired.",
    "Ya no quiero seguir aquí, ya lo decidí.",
    "Me muero de risa con mi suegra, está loquísima",
    "No voy a hacerme daño, solo estoy cansada del tratamiento.",
    "the pump alarm went off at 3am again lol",
    "Todos estarían mejor sin mí",
]
LABELS = [1, 1, 0, 1, 0, 0, 0, 1]


def _fit(words: bool):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion

    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=screening_train.NGRAMS,
                                 sublinear_tf=True, preprocessor=crisis_model.fold_accents)
    if words:
        vectorizer = FeatureUnion([("chars", vectorizer), ("words", TfidfVectorizer(
            analyzer="word", ngram_range=screening_train.WORD_NGRAMS, sublinear_tf=True,
            preprocessor=crisis_model.fold_accents,
            token_pattern=screening_train.WORD_PATTERN))])
    clf = LogisticRegression(C=10.0, max_iter=2000).fit(vectorizer.fit_transform(TEXTS), LABELS)
    return vectorizer, clf


@pytest.mark.parametrize("words", [False, True], ids=["characters", "characters and words"])
def test_the_run_time_lexical_head_scores_as_the_fitted_pipeline(words):
    vectorizer, clf = _fit(words)
    data = screening_train.lexical_head_data(vectorizer, clf)
    assert ("word_terms" in data) is words
    head = crisis_model.LexicalHead(data)
    probes = [*TEXTS, "no quiero seguir, gracias por todo", "tired tired tired of it all",
              "unknown words only: zzz qqq", ""]
    for text in probes:
        expected = float(clf.predict_proba(vectorizer.transform([text]))[0, 1])
        # the file keeps weights to five decimals
        assert head.score(text) == pytest.approx(expected, abs=2e-4), text


def test_word_ngrams_are_read_from_the_folded_text():
    vectorizer, clf = _fit(True)
    head = crisis_model.LexicalHead(screening_train.lexical_head_data(vectorizer, clf))
    grams = head.word_ngrams("YA LO DECIDÍ, ya lo decidí")
    assert grams["ya lo"] == 2
    assert grams["decidi"] == 2
    # a word the head has no weight for adds nothing, and leaves no gram behind
    assert "zzz" not in head.word_ngrams("zzz ya")


def test_the_committed_lexical_head_reads_words_too():
    head = crisis_model.LexicalHead.read()
    assert head.word_terms
    assert 0.0 < head.score("I used to want to die, years ago") < 1.0
    assert not math.isnan(head.score("   "))
