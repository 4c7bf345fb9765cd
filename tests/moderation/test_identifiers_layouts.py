"""Identifier layouts people write that the first rules missed, and the look-alikes beside them:
each class is written as its own general rule (moderation/screening/identifiers/)."""

from __future__ import annotations

import pytest

from tests.moderation.test_identifiers import found, identifiers

# ---- phones: whose number it is -------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "el número de la clínica de dolor del Hospital Ángeles es 55 5246 5000, pregunten ahí",
    "La farmacia de la esquina tiene el teléfono 222 246 1187 pegado en la puerta",
    "call the pharmacy at Walgreens on 5th, (555) 201-3300, they had it in stock",
    "My neurologist's office: (303) 555-0157. They're great about returning calls.",
    "El consultorio del Dr. Salas (55 5574 3421) da consulta por 500 pesos",
    "I called 212-241-6500 (Mount Sinai main) nine times yesterday",
    "Llamé al 55 5080 2000 del IMSS para la cita y nadie contesta",
    "some guy called from 802-555-0114 claiming to be Medicare, it's a scam",
    "Me marcó alguien del 55 8899 1122 diciendo que era del banco, es fraude",
    "el número de guía de DHL es 4587 2219 80, ya viene el concentrador",
    "Hospital Civil: 33 3942 4400 ext 49306",
    "Mayo Clinic Jacksonville 904-953-2000",
    "UCLA Health scheduling (310) 825-2631",
    "the number on the bottle is 0078-0357-15, is that the NDC?",
    "Our hospital's nurse advice line is 555-300-6000, staffed 24 hours",
])
def test_a_place_s_line_a_scam_caller_and_a_parcel_are_not_a_member_s_phone(text):
    assert "phone" not in identifiers(text)


@pytest.mark.parametrize(("text", "number"), [
    ("I'm at the hospital all week, call me 312-555-0123", "312-555-0123"),
    ("call the clinic and ask for Dr. Ruiz, or my cell 312 555 0199", "312 555 0199"),
    ("Mi hermana trabaja en la farmacia, su cel es 55 1234 5678", "55 1234 5678"),
    ("Llama al hospital o a mí al 55 2222 3333", "55 2222 3333"),
    ("my nurse friend at the clinic, Ana: 312 555 0101", "312 555 0101"),
    ("I got 14 spam calls this week on 555-0163 since I filled out a form", "555-0163"),
    ("Agrégame al +52 1 81 2093 4471 y armamos algo", "+52 1 81 2093 4471"),
    ("I'm free Mondays. 555.0128, text first please", "555.0128"),
    ("call me at 646.555.O186 tonight", "646.555.O186"),
    ("number is 2 1 5 - 5 5 5 - 0 1 8 9 (spaced so the bot doesnt eat it)",
     "2 1 5 - 5 5 5 - 0 1 8 9"),
])
def test_a_member_s_own_number_is_still_found_beside_a_place_or_in_odd_layouts(text, number):
    assert found(text, "phone") == [number]


# ---- SSNs and record numbers ----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "claim number 552-19-8830 for my disability appeal",
    "invoice 334-55-1209 from the ambulance company",
    "the serial number on my CPAP is 220-81-4455",
    "mi factura es la 118-22-4456, la de la farmacia",
    "confirmation number 220-44-9981 for the transport booking",
])
def test_ssn_shaped_numbers_named_as_something_else_are_not_ssns(text):
    assert "ssn" not in identifiers(text)


def test_an_ssn_typed_one_digit_at_a_time_is_an_ssn():
    text = "3 2 8 - 4 1 - 6 6 2 0 is my social security number"
    assert found(text, "ssn") == ["3 2 8 - 4 1 - 6 6 2 0"]
    assert identifiers("num de seguro social 6 0 2 4 4 1 9 8 7 me lo pidieron") == {"ssn"}


@pytest.mark.parametrize(("text", "number"), [
    ("Mi mamá es la paciente 2209-4418 en oncología", "2209-4418"),
    ("Folio de paciente 7781203 en el Instituto de Cardiología", "7781203"),
    ("Número de beneficiario del ISSSTE 5502-1968-03, la clínica dice", "5502-1968-03"),
    ("Mi número de Medicare es 1EG4-TE5-MK73, está bien?", "1EG4-TE5-MK73"),
    # a record number that libphonenumber reads as a British premium-rate line is still a record
    ("Estoy en el Hospital de Oncología, cama 412, expediente 91-0032-4417, por si alguien",
     "91-0032-4417"),
    ("they mixed me up, so I gave my transplant ID which is TX-20881 and my name", "TX-20881"),
    ("the study ID on my bracelet for the trial: S-4471-09", "S-4471-09"),
])
def test_record_numbers_after_patient_folio_beneficiary_and_medicare(text, number):
    assert found(text, "mrn") == [number]


def test_a_toll_free_number_after_a_record_word_is_still_not_a_record():
    assert "mrn" not in identifiers("Medicare number to call is 1-800-633-4227, ask for appeals")


def test_a_labelled_date_after_a_bracelet_is_a_birth_date_not_a_record():
    text = "from my mom's hospital bracelet: Name: Irene K / DOB 02/28/1937 / MRN 88301945"
    assert found(text, "dob") == ["02/28/1937"]
    assert found(text, "mrn") == ["88301945"]


def test_the_last_four_of_a_social_security_number_are_not_a_record():
    text = "El número de mi seguro social termina en 0155, el completo es 539 55 0155"
    assert identifiers(text) == {"ssn"}


# ---- emails and dates of birth --------------------------------------------------------------


@pytest.mark.parametrize(("text", "email"), [
    ("my email is kimberly dot ross at sign gmail dot com, thanks",
     "kimberly dot ross at sign gmail dot com"),
    ("reach me on my gmail, dmitri.v.kovalenko", "dmitri.v.kovalenko"),
    # a provider written as two words, and a sentence ending right after the provider
    ("I'm at rob.ellery at proton mail dot com. Not a therapist",
     "rob.ellery at proton mail dot com"),
    ("so she hears it from a person: lena.vasquez.rn at gmail. Tell her the cat's food",
     "lena.vasquez.rn at gmail"),
])
def test_at_sign_spelled_out_and_a_gmail_name_after_a_comma(text, email):
    assert found(text, "email") == [email]


@pytest.mark.parametrize("text", [
    "I'm getting my treatment at proton therapy next month",
    "we did 28 sessions at proton. Worth it",
    "I looked at gmail. Nothing from the clinic yet",
])
def test_proton_therapy_and_a_look_at_one_s_mail_are_not_addresses(text):
    assert "email" not in identifiers(text)


@pytest.mark.parametrize(("text", "date"), [
    ("Date of birth 19750611, how the German form wanted it", "19750611"),
    ("I was born on Christmas Day 1966, worst birthday", "Christmas Day 1966"),
    ("el 18 de mayo cumplo 40 y me acaban de dar el diagnóstico", "18 de mayo"),
    ("on June 12 I turn 45 and I'm spending it at the clinic", "June 12"),
])
def test_dates_of_birth_as_digits_holidays_and_birthdays_with_an_age(text, date):
    assert found(text, "dob") == [date]


@pytest.mark.parametrize("text", [
    "el 5 de mayo cumple 2 años mi trasplante",
    "Christmas Day 2023 was the first one after chemo",
])
def test_an_anniversary_and_a_holiday_are_not_birth_dates(text):
    assert "dob" not in identifiers(text)


# ---- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("cards can go to the house, 702 S Main, Lakeview OR. she's home now", "address"),
    ("Donations go to PO Bx 302, Harlan KY 40831", "address"),
    ("im at 1200 n lake shore dr apt 1504 if anyone has a walker", "address"),
    ("vivo en la 24 calle 9-31 zona 11 de Mixco, a la par de la farmacia", "address"),
    ("vivo del colegio Teresiano 2 cuadras al lago, media al sur, casa verde", "address"),
    ("de la pulpería La Esperanza 100 varas al este, portón negro. Ahí vivo", "address"),
    ("vivo en el barrio, Carr. 2 km 45.6, Barceloneta", "address"),
    ("The hospital sent the bill to my address, which is 12 Oak St", "address"),
])
def test_addresses_with_directions_abbreviations_and_central_american_forms(text, kind):
    assert kind in identifiers(text)


@pytest.mark.parametrize("text", [
    "La Fundación Tamaulipas está en Calle Hidalgo 1120, hacen estudios gratis",
    "the main entrance is at 111 Michigan Ave NW. Park in the garage",
    "vivo en el código postal 06700 y no hay centros de diálisis cerca",
    "del hospital 2 cuadras al sur está la farmacia",
    "Our group meets at 200 Church St (First Baptist)",
    "the ER at 1500 Medical Center Dr was packed",
    "I worked at 30 Rockefeller Plaza for years",
    "the 5k race on Carretera 5 km 12 was fun",
    "La clínica del IMSS que me toca está en Calle Durango 289 en la Roma",
])
def test_foundations_entrances_postal_codes_and_directions_to_a_shop_are_not_home_addresses(
        text):
    assert "address" not in identifiers(text)
