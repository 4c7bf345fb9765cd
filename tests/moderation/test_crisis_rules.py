"""The crisis rules alone (no model): general patterns in English and Spanish, and the history,
questions and figures of speech they must stay quiet on. Examples written for these tests, not
taken from data/screening/."""

from __future__ import annotations

import pytest

from moderation.screening import crisis
from moderation.screening.base import Text


def kinds(text: str) -> set[str]:
    return {finding.kind for finding in crisis.find(Text(text))}


@pytest.mark.parametrize(("text", "kind"), [
    # Spanish, first person, informal and without accents
    ("la neta estoy pensando en acabar con todo, ya no le veo salida", "suicidal_intent"),
    ("ya quiero descansar para siempre, estoy muy cansado de todo", "suicidal_intent"),
    ("me dan ganas de aventarme del puente de la avenida cuando paso", "suicidal_intent"),
    ("tengo pensamientos de matarme casi todas las noches", "suicidal_intent"),
    ("quisiera no existir, asi nadie tendria que cuidarme", "suicidal_intent"),
    ("ya escribi mi carta de despedida para mi mama", "suicidal_intent"),
    ("me volvi a cortar anoche despues de dos meses", "self_harm"),
    ("me quemo con el cigarro hasta que me sale sangre y no se por que", "self_harm"),
    ("cuantas pastillas de alprazolam serian mortales? pregunto por algo", "overdose_intent"),
    ("y si me tomo todo el frasco de pastillas para dormir?", "overdose_intent"),
    # Someone else at risk, in both languages
    ("mi hermano dice que se va a matar y no contesta el telefono", "suicidal_intent"),
    ("mi compañera de cuarto se quiere morir, la encontre llorando con una navaja",
     "suicidal_intent"),
    ("My cousin just texted me that she's going to kill herself tonight", "suicidal_intent"),
    ("my dad told me he wants to die and he has stopped eating", "suicidal_intent"),
    # Methods searched, self-harm on purpose
    ("been googling painless ways to die for a week now", "suicidal_intent"),
    ("I hit my thighs until they bruise when I can't calm down", "self_harm"),
    ("I burned my hand on the stove but honestly it was on purpose", "self_harm"),
    # Round 4: new wounds, "stop a heart", slang intent
    ("Cut again after work. Deeper than last time and I can't tell anyone", "self_harm"),
    ("fresh cuts on my thighs this week, more every night", "self_harm"),
    ("otra vez cortadas nuevas en las piernas, no puedo parar", "self_harm"),
    ("how many of my heart pills would it take to stop my heart", "overdose_intent"),
    ("cuantas pastillas del corazon hacen que se pare el corazon de una vez", "overdose_intent"),
    ("imma end it tonite fr. sry guys", "suicidal_intent"),
])
def test_general_patterns_find_crisis_language(text, kind):
    assert kind in kinds(text)


@pytest.mark.parametrize("text", [
    # History, told as history
    "Twelve years ago I tried to kill myself. Now I mentor newly diagnosed teens.",
    "hace 3 años intente suicidarme y hoy estoy mejor que nunca, si se puede",
    "Back in 2012 I overdosed on purpose. Sober and stable since.",
    "de adolescente me cortaba los brazos, ahora solo me quedan las cicatrices",
    # Questions other people asked, advice to a reader
    "The nurse asked whether I have thoughts of killing myself, which I don't.",
    "la doctora me pregunto si tengo pensamientos de suicidio, le dije que no",
    "If you're thinking about suicide, please text 988 or call someone you trust.",
    "si tienes pensamientos de quitarte la vida llama a la Linea de la Vida",
    # Figures of speech
    "me quiero morir de la risa con los memes de mi prima",
    "ya me quiero morir... de hambre, llevo 12 horas en ayunas para el laboratorio",
    "thinking about ending it all... with my cable company",
    "I want to die my hair blue before chemo starts",
    "voy a acabar con todo... el pastel de mi cumple jaja",
    "mi abuelo se quiere morir en su casa y no en el hospital, ya hablamos con hospicio",
    "if my mom told me to jump off a bridge I would ask which one",
    "I'm not thinking of hurting myself, just worn out by the pain",
    # Round 4's rules stay quiet on cuts that are not wounds and on plain medical questions
    "The power cut again last night and the insulin in the fridge got warm.",
    "Got fresh cuts of turkey from the deli for my low-sodium lunches",
    "My surgeon had to cut deeper than planned, the tumour was bigger.",
    "imma end this diet today lol, pizza time",
    "What dose of potassium is safe for my heart? My levels were low.",
    # Session 6: ages, years and memories told as a story; laughing at oneself
    "I was 15 when I first cut myself. Nine years clean and I run a peer group now.",
    "tenia 17 cuando me tome las pastillas de mi mama, hoy estudio enfermeria",
    "2016, after the diagnosis, I wanted to die. Treatment and my kids changed that.",
    "hace tiempo quise quitarme la vida, hoy agradezco cada dia con mis nietos",
    "I remember the night I planned to kill myself; my sister called just in time.",
    "recuerdo cuando me queria matar, ahora acompaño a otros en el grupo",
    "The counselor asked me straight out if I was thinking about ending my life.",
    "me quiero morir jajaja se me cayo el glucometro en el cafe",
    "ugh I'm going to kill myself lol the pump alarm went off in the middle of church",
])
def test_history_questions_and_figures_of_speech_are_not_rule_crisis(text):
    assert kinds(text) == set()


def test_history_that_comes_back_is_still_crisis():
    assert kinds("Ten years ago I tried to kill myself and I'm thinking about killing myself "
                 "again.")
    assert kinds("I was 15 when I first cut myself and I cut myself again last night.")
    # laughing elsewhere in the post does not hide a plain sentence
    assert kinds("Went to the clinic lol. I'm going to kill myself tonight.")


def test_a_history_told_far_away_in_a_long_run_does_not_hide_a_crisis_now():
    """A "sentence" reaches at most 300 characters either side of the match: "years ago" 400
    characters later, in a run without punctuation, is another story's."""
    filler = "and the pharmacy lost my refill again so I waited all afternoon " * 7
    assert kinds("I'm going to end things after the holidays " + filler
                 + "my dad had his stroke years ago") == {"suicidal_intent"}
    assert kinds("I'm going to end things after the holidays, that was years ago") == set()


def test_many_repeats_of_a_crisis_phrase_are_all_found_once_each():
    """Each sentence's history is checked once (a post repeating a phrase 150 times costs
    little); every match is still a finding, and a history in its sentence still hides it."""
    assert len(crisis.find(Text("I want to kill myself. " * 150))) == 150
    assert crisis.find(Text("Ten years ago I wanted to kill myself. " * 150)) == []
    assert len(crisis.find(Text("kill myself " * 166))) == 166
