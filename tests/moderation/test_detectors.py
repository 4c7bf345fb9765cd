"""Screening rules: accuracy over the first wave's labelled set, and the rules behind it.

No database: they run with the rest of the suite under pytest-django, and also without
Django set up at all, e.g. while the project is broken:
``pytest -p no:django --noconftest -o addopts="" tests/moderation/test_detectors.py``.
Run with ``-s`` to see the precision and recall tables. Speed is measured by
``bench/bench_screening.py``, not here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from moderation.screening.base import (
    _FOLD,
    _NORMALISE,
    _REACH_AFTER,
    _REACH_BEFORE,
    CATEGORIES,
    KINDS,
    REDACTED,
    Finding,
    ScreeningResult,
)
from moderation.screening.engine import Context, redact, screen_rules

LABELLED = Path(__file__).resolve().parents[2] / "data" / "screening" / "legacy_en.jsonl"
NAUGHTY = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "naughty" / "blns.json"
# The crisis model's kind: these tests are about the rules.
RULE_KINDS = {kind for kind in KINDS if kind != "crisis_risk"}


def screen_text(text: str, **context) -> ScreeningResult:
    return screen_rules(text, context=Context(**context))


def kinds(text: str, **options) -> set[str]:
    return set(screen_text(text, **options).kinds)


def found(text: str, kind: str) -> list[str]:
    return [text[f.span[0]:f.span[1]] for f in screen_text(text).findings if f.kind == kind]


def category_scores(examples) -> dict[str, dict[str, float]]:
    """Per-category precision, recall and false-positive rate of the rules alone."""
    counts = {c: {"tp": 0, "fp": 0, "fn": 0, "negatives": 0, "fp_on_negatives": 0}
              for c in CATEGORIES}
    for example in examples:
        expected = {KINDS[kind][0] for kind in example["kinds"]}
        got = screen_text(example["text"],
                          links_allowed=example.get("links_allowed", True)).categories
        for category, c in counts.items():
            if category in expected:
                c["tp" if category in got else "fn"] += 1
            elif category in got:
                c["fp"] += 1
            if not example["kinds"]:
                c["negatives"] += 1
                c["fp_on_negatives"] += category in got
    scores = {}
    for category, c in counts.items():
        found_, relevant = c["tp"] + c["fp"], c["tp"] + c["fn"]
        scores[category] = {**c, "precision": c["tp"] / found_ if found_ else 1.0,
                            "recall": c["tp"] / relevant if relevant else 1.0,
                            "fpr": c["fp_on_negatives"] / c["negatives"] if c["negatives"]
                            else 0.0}
    return scores


@pytest.fixture(scope="module")
def labelled() -> list[dict]:
    """The first wave's hand-written set (the rules were tuned on it): a regression guard."""
    rows = [json.loads(line) for line in LABELLED.read_text(encoding="utf-8").splitlines()]
    return [{"text": r["text"], "kinds": r["rule_kinds"],
             **({"links_allowed": False} if r.get("links_allowed") is False else {})}
            for r in rows]


@pytest.fixture(scope="module")
def scores(labelled) -> dict[str, dict[str, float]]:
    result = category_scores(labelled)
    print("\n" + "\n".join(f"{c:16} P {s['precision']:.3f} R {s['recall']:.3f} "
                            f"FPR {s['fpr']:.3f}" for c, s in result.items()))
    return result


# ---- the labelled set ---------------------------------------------------------------------


def test_labelled_set_has_enough_positives_and_negatives_of_every_kind(labelled):
    positives = [e for e in labelled if e["kinds"]]
    negatives = [e for e in labelled if not e["kinds"]]
    assert len(positives) >= 130
    assert len(negatives) >= 130
    seen = {kind for e in positives for kind in e["kinds"]}
    assert seen == RULE_KINDS
    assert len({e["text"] for e in labelled}) == len(labelled)


def test_identifiers_are_found_with_high_recall_and_precision(scores):
    assert scores["identifier"]["recall"] >= 0.95
    assert scores["identifier"]["precision"] >= 0.9


def test_crisis_language_is_found_with_few_false_alarms(scores):
    assert scores["crisis"]["recall"] >= 0.95
    assert scores["crisis"]["fpr"] <= 0.10


def test_spam_is_found_with_high_recall_and_precision(scores):
    assert scores["spam"]["recall"] >= 0.9
    assert scores["spam"]["precision"] >= 0.9


def test_misinformation_is_found_with_high_recall_and_precision(scores):
    assert scores["misinformation"]["recall"] >= 0.9
    assert scores["misinformation"]["precision"] >= 0.9


def test_every_kind_is_found_in_most_of_its_examples(labelled):
    missed: dict[str, list[str]] = {}
    totals: dict[str, int] = {}
    for example in labelled:
        got = kinds(example["text"], links_allowed=example.get("links_allowed", True))
        for kind in example["kinds"]:
            totals[kind] = totals.get(kind, 0) + 1
            if kind not in got:
                missed.setdefault(kind, []).append(example["text"])
    print("\n" + "\n".join(
        f"{kind:22} recall {1 - len(missed.get(kind, [])) / total:.2f}  ({total} examples)"
        for kind, total in sorted(totals.items())
    ))
    for kind, total in totals.items():
        assert len(missed.get(kind, [])) / total <= 0.15, (kind, missed[kind])


def test_every_match_lies_near_a_trigger_of_its_rule(labelled):
    # screen_text runs a rule only around its triggers: a match that contains none of them,
    # or reaches further from one than the windows do, would be missed in a long post.
    from moderation.screening import crisis, identifiers, misinformation, spam

    rules = [r for module in (identifiers, crisis, spam, misinformation)
             for r in module.RULES.rules]
    for example in labelled:
        text = example["text"].translate(_NORMALISE)
        folded = text.translate(_FOLD)
        for rule in rules:
            for match in rule.pattern.finditer(folded if rule.folded else text):
                if not rule.triggers:
                    continue
                matched = folded[match.start():match.end()]
                at = [matched.find(t) for t in rule.triggers if t in matched]
                assert at, (rule.kind, rule.triggers, matched)
                assert min(at) <= _REACH_BEFORE, matched
                assert len(matched) - min(at) <= _REACH_AFTER // 2, matched


# ---- identifiers --------------------------------------------------------------------------


def test_blood_pressure_reading_is_not_a_phone_number():
    assert kinds("Blood pressure 120/80 this morning, 135/85 last night") == set()


@pytest.mark.parametrize("text", [
    "my A1C is 7.2",
    "my appointment is on 3/14",
    "woke up at 180 mg/dL",
    "I was diagnosed in 2019",
    "I walked 10,000 steps",
    "the lab draw is at 10:30",
    "it's on page 555 of the binder",
    "Type 2 since 2008, Type 1.5 says my new endo",
    "readings this week: 112, 134, 98, 156, 121",
    "I'm at 1,500 calories and 2,300 mg of sodium",
    "paid $1,234.56 for the sleep study",
    "lot number 230-114-7712 is on the recall list",
    "confirmation number 5551234567 for the telehealth visit",
    "Has anyone had the 2024-2025 booster?",
    "Weight +3.2 kg since insulin, -1.5 since last month",
])
def test_numbers_in_health_talk_are_not_identifiers(text):
    assert kinds(text) == set()


@pytest.mark.parametrize(("text", "number"), [
    ("text me at 520-555-0143 after lunch", "520-555-0143"),
    ("my cell is (312) 555-0187", "(312) 555-0187"),
    ("call 646/555-0186 and ask for Denise", "646/555-0186"),
    ("reach me at +1 (646) 555-0198.", "+1 (646) 555-0198"),
    ("ring me on 07700 900461 tonight", "07700 900461"),
    ("my sister's number is +34 612 345 678", "+34 612 345 678"),
    ("call me at 555-0199 after 6", "555-0199"),
    ("my husband's number is 4155550172", "4155550172"),
])
def test_us_and_international_phone_numbers_are_found(text, number):
    assert found(text, "phone") == [number]


def test_email_addresses_are_found_even_when_spelled_out():
    assert found("email me at jen.walker82@gmail.com", "email") == ["jen.walker82@gmail.com"]
    assert kinds("I'm rosa.delgado at yahoo dot com") == {"email"}
    assert kinds("@maria thanks for the tip!") == set()


def test_social_security_numbers_are_found_and_invalid_ones_are_not():
    assert found("they wanted my SSN, 078-05-1120, over the phone", "ssn") == ["078-05-1120"]
    assert found("my ssn is 123 45 6789", "ssn") == ["123 45 6789"]
    assert kinds("the form sample shows 000-12-3456") == set()


def test_mrn_needs_context():
    assert kinds("the portal shows 7734521 next to my name") == set()
    assert found("my medical record number 7734521 doesn't match", "mrn") == ["7734521"]
    assert found("MRN: A2290184 on the discharge papers", "mrn") == ["A2290184"]
    assert kinds("I hit a record number of steps yesterday, 14,200!") == set()


def test_date_of_birth_needs_context():
    assert kinds("my appointment is on 3/14/2025") == set()
    assert found("my DOB is 03/14/1962", "dob") == ["03/14/1962"]
    assert found("I was born on July 4, 1958", "dob") == ["July 4, 1958"]
    assert kinds("my grandmother was born in 1931") == set()


def test_street_addresses_are_found():
    assert found("potluck at 1420 Willow Creek Drive, all welcome", "address") == [
        "1420 Willow Creek Drive"]
    assert found("i live at 42 maple st so ask for a ride", "address") == ["42 maple st"]
    assert found("mail them to 88 Beacon Hill Rd, Apt 3B please", "address") == [
        "88 Beacon Hill Rd, Apt 3B"]


def test_saints_doctors_and_rooms_are_not_street_addresses():
    assert kinds("Ward 5 North St. Luke's is where my dad had his bypass") == set()
    assert kinds("Saw Dr. Patel at 10 AM Dr. Kim at 2 PM") == set()
    assert kinds("They put me in room 12 on the cardiac floor") == set()
    assert kinds("We live 3 miles from the clinic") == set()


def test_overlapping_identifiers_keep_the_more_specific_kind():
    assert screen_text("MRN 5551234567, they said").kinds == ("mrn",)


def test_spans_fit_the_original_text_with_curly_quotes_and_dashes():
    text = "I\u2019m going to kill myself. Call 555\u2013123\u20134567."
    result = screen_text(text)
    assert result.kinds == ("suicidal_intent", "phone")
    phone = result.findings[1]
    assert text[phone.span[0]:phone.span[1]] == "555\u2013123\u20134567"


# ---- crisis -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "I want to end my life",
    "I'm going to kill myself tonight",
    "I don't want to be alive anymore",
    "honestly thinking about suicide a lot",
    "I've been cutting myself again",
    "I want to hurt myself",
    "I'm going to take all my pills",
    "saving up my pills to overdose",
    "everyone would be better off without me",
    "there's no reason to live",
    "kinda want to kms",
    "quiero morir",
    "he pensado en quitarme la vida",
    "ya no quiero vivir",
])
def test_first_person_intent_is_crisis_language(text):
    assert screen_text(text).is_crisis


@pytest.mark.parametrize("text", [
    "this headache is killing me",
    "I'm dying to try that recipe",
    "I could kill for a cookie",
    "I've been killing myself trying to get my numbers down",
    "I cut myself shaving, blood thinners are no joke",
    "the overdose warning on the label scared me",
    "my brother overdosed in 2018 and survived",
    "we're doing the suicide prevention walk in October",
    "the leaflet says it may cause suicidal thoughts in rare cases",
    "I take all my pills with breakfast",
    "I'd never hurt myself, but it's been a lot",
    "El dolor de espalda me está matando",
])
def test_idioms_and_other_peoples_history_are_not_crisis_language(text):
    assert not screen_text(text).is_crisis


# ---- spam ---------------------------------------------------------------------------------


def test_more_than_three_links_hold_the_post():
    three = "https://diabetes.org https://www.heart.org medlineplus.gov"
    assert kinds(three) == set()
    assert kinds(three + " www.cdc.gov/diabetes") == {"many_links"}
    assert kinds(three, max_links=2) == {"many_links"}


def test_any_link_from_a_new_member_holds_the_post():
    text = "Has anyone tried this meter? https://www.amazon.com/dp/B08XYZ1234"
    assert kinds(text) == set()
    assert kinds(text, links_allowed=False) == {"link_from_new_member"}
    assert kinds("no links here, just my A1C of 6.9", links_allowed=False) == set()


def test_spam_phrases_hold_the_post_but_everyday_words_do_not():
    assert kinds("This miracle cure lowered my sugar! Buy now!") == {"spam_phrase"}
    assert kinds("There's no miracle cure, just small changes.") == set()
    assert kinds("I work from home now, which helps with dialysis.") == set()
    assert kinds("Earn $500 a day working from home!") == {"spam_phrase"}


# ---- misinformation -----------------------------------------------------------------------


def test_advice_to_stop_medication_is_flagged_but_warnings_are_not():
    assert kinds("Stop taking your metformin, berberine does the same.") == {"stop_medication"}
    assert kinds("Just throw away your meds and go keto.") == {"stop_medication"}
    assert kinds("Don't stop taking your insulin without your doctor.") == set()
    assert kinds("If you stop your insulin you'll end up in DKA.") == set()
    assert kinds("Toss your old insulin 28 days after opening it.") == set()


def test_cure_claims_are_flagged_but_real_treatment_is_not():
    assert kinds("Cinnamon cures type 2 diabetes.") == {"cure_claim"}
    assert kinds("This will reverse your diabetes in 7 days.") == {"cure_claim"}
    assert kinds("The surgeon hopes to cure the cancer with surgery and radiation.") == set()
    assert kinds("There is no cure for type 1 yet.") == set()


def test_vaccine_myths_are_flagged_but_questions_and_corrections_are_not():
    assert kinds("Vaccines cause autism.") == {"anti_vaccine"}
    assert kinds("Is it true that vaccines cause autism?") == set()
    assert kinds("My pharmacist says vaccines don't cause autism.") == set()
    assert kinds("Got my flu shot today, arm is sore.") == set()


# ---- the result and redaction -------------------------------------------------------------


def test_result_sorts_kinds_into_hold_escalate_and_flag():
    result = screen_text(
        "I want to end my life. Call me at 555-201-3344. Vaccines cause autism. "
        "Buy now at www.example.shop", links_allowed=False,
    )
    assert result.held_kinds == ("phone", "spam_phrase", "link_from_new_member")
    assert result.is_held
    assert result.is_crisis and result.crisis_kinds == ("suicidal_intent",)
    assert result.flag_kinds == ("anti_vaccine",)
    assert result.categories == set(CATEGORIES)


def test_clean_text_holds_flags_and_escalates_nothing():
    for text in ("", "Day 12 of no soda. Small wins."):
        result = screen_text(text)
        assert result.findings == ()
        assert not result.is_held and not result.is_crisis and result.flag_kinds == ()


def test_identifier_labels_name_each_kind_once_in_order():
    result = screen_text("call 555-201-3344 or 555-201-3355, or jen@example.com")
    assert result.identifier_labels == (KINDS["phone"][1], KINDS["email"][1])
    assert result.labels_for(["email", "email"]) == (KINDS["email"][1],)


@pytest.fixture
def translations():
    from django.conf import settings

    if not settings.configured and "DJANGO_SETTINGS_MODULE" not in os.environ:
        settings.configure(USE_I18N=False)


def test_labels_are_plain_words_a_patient_understands(translations):
    rendered = {kind: str(label) for kind, (_category, label) in KINDS.items()}
    assert rendered["mrn"] == "a medical record number"
    assert rendered["phone"] == "a phone number"
    for text in rendered.values():
        assert text[0].islower() and "_" not in text


def test_redact_removes_identifiers():
    text = "Call me at (312) 555-0187 or jen@example.com. I'm scared. MRN 00482913."
    assert redact(text, screen_text(text).findings) == (
        f"Call me at {REDACTED} or {REDACTED}. I'm scared. MRN {REDACTED}."
    )


def test_redact_keeps_everything_but_identifiers():
    text = "I want to end my life and nobody at 42 Maple Street knows."
    assert redact(text) == f"I want to end my life and nobody at {REDACTED} knows."
    assert redact("Day 12 of no soda.") == "Day 12 of no soda."


def test_redact_merges_overlapping_spans():
    def phone(start, end):
        return Finding(kind="phone", category="identifier", label=KINDS["phone"][1],
                       span=(start, end))

    assert redact("0123456789", [phone(2, 6), phone(4, 8)]) == f"01{REDACTED}89"


def test_naughty_strings_screen_and_redact_without_error():
    if not NAUGHTY.is_file():  # a plain clone has no ../shared: a skip here, a failure in CI
        from tests.conftest import service_missing

        service_missing(f"no naughty strings corpus at {NAUGHTY}")
    for text in json.loads(NAUGHTY.read_text(encoding="utf-8")):
        result = screen_text(text)
        assert all(0 <= f.span[0] < f.span[1] <= len(text) for f in result.findings)
        assert isinstance(redact(text, result), str)
