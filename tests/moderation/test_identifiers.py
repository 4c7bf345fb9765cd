"""Personal identifiers in English and Spanish: every layout the detector promises, the public
numbers and health numbers it must leave alone, and a reply held or published through HTTP."""

from __future__ import annotations

import pytest

from community.models import Post
from moderation.screening.engine import screen_rules
from moderation.screening.identifiers import public_number
from tests.conftest import publish_thread

IDENTIFIER_KINDS = {"phone", "email", "ssn", "mrn", "dob", "address"}


def identifiers(text: str) -> set[str]:
    return set(screen_rules(text).kinds) & IDENTIFIER_KINDS


def found(text: str, kind: str) -> list[str]:
    return [text[f.span[0]:f.span[1]] for f in screen_rules(text).findings if f.kind == kind]


# ---- phones ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [
    ("call me at 646/555-0186 after 6 most nights", "646/555-0186"),
    ("mi cel es 33 1122 3344, mándenme mensaje", "33 1122 3344"),
    ("my cousin in Mexico City is +52 55 1234 5678", "+52 55 1234 5678"),
    ("en San Juan: (787) 555-0134", "(787) 555-0134"),
    ("reach me at work 312.555.0147 ext 3", "312.555.0147 ext 3"),
    ("her mobile is +1 917 555 0199 (her name is Priya)", "+1 917 555 0199"),
    ("my number is (520) 555 0123, leave a message", "(520) 555 0123"),
    ("mi móvil es 612 34 56 78", "612 34 56 78"),
    ("my cell is 555-0172 if you want to talk", "555-0172"),
    ("tel. casa 2 555 0163, Santiago", "2 555 0163"),
    ("555-0134 is my cell, text any time", "555-0134"),
])
def test_phones_are_found_in_slashed_spaced_dotted_and_international_layouts(text, number):
    assert found(text, "phone") == [number]


def test_digits_written_as_words_are_a_phone_and_after_social_an_ssn():
    assert identifiers("carpool? nine three seven, 555, 0158. silver Buick") == {"phone"}
    assert identifiers("read me your social: four two one, five five, three eight eight "
                       "oh") == {"ssn"}


@pytest.mark.parametrize("text", [
    "call poison control at 1-800-222-1222 right away",
    "The old Lifeline number 1-800-273-8255 still routes to 988",
    "call or text 988, or text HOME to 741741, or 911 in an emergency",
    "En México está la Línea de la Vida 800 911 2000, las 24 horas",
    "el IMSS tiene un 800 623 2323 para citas",
    "SAMHSA's national helpline is 1-800-662-4357",
    "the Cancer Support Helpline 1-888-793-9355 was kind",
    "Cleveland Clinic main number is 216-444-2200, say appointments twice",
    "In Spain the 902 202 202 line costs extra, and the 024 is free",
    "SAPTEL, la línea de crisis de la Cruz Roja: 55 5259 8121",
])
def test_toll_free_helplines_and_crisis_lines_are_not_personal(text):
    assert "phone" not in identifiers(text)


def test_number_types_come_from_the_library():
    assert public_number("1-800-222-1222")
    assert public_number("900 123 456")  # Spain's toll-free
    assert public_number("1-900-555-1234")  # premium rate
    assert not public_number("646/555-0186")


@pytest.mark.parametrize("text", [
    "Blood pressure 142/94 this morning, 135/85 last night",
    "A1c 7.2, LDL 130, glucose 180 mg/dL, TSH 2.45",
    "labs on 07/15/1955? no, 2023-01-05, and again on 3/14/2025",
    "metformin 500 mg twice a day, 1000-2000 mg max",
    "NDC 0002-8215-01 and ICD-10 E11.65 on the claim",
    "zip code 62704-1234 for the clinic, 02139 for the other",
    "lot number 230-114-7712 is on the recall list",
    "the lab slip has an accession number 24-118-00923",
    "readings this week: 112, 134, 98, 156, 121, 140, 119",
    "I walked 10,000 steps and paid $1,234.56",
    "INR 2.1 2.4 2.8 3.1 2.6 on 5mg, readings 5.6 6.1 7.2 8.4 6.6 mmol/L",
    "the clinic is open 830-1700 weekdays",
    "BP log: 120/80 130/85 125/82 140/90 135/88",
])
def test_health_numbers_dates_and_codes_are_not_phones(text):
    assert "phone" not in identifiers(text)


def test_phone_regions_come_from_the_setting(settings):
    text = "hola a las mamás, 33 1122 3344"
    settings.HEARTH_PHONE_REGIONS = ["US"]
    assert "phone" not in identifiers(text)
    settings.HEARTH_PHONE_REGIONS = ["US", "MX"]
    assert found(text, "phone") == ["33 1122 3344"]


# ---- emails ---------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "just email joy_tran at outlook.com and I'll reply",
    "message me at carlosfixesbikes at yahoo com",
    "hmu at daviddaviesmusic at gmail",
    "email me: mikeD(at)aol for the notes",
    "contact: maria{dot}goldman{at}fastmail{dot}com",
    "contact me [at] rosa.delgado [at] yahoo [dot] com",
    "send to teresa.nguyen @ gmail.com",
    "jsmith at umich dot edu",
    "escríbanme a cuidadoresdelbajio arroba gmail.com",
    "mándame el pdf a r.sandoval @ gmail . com",
    "familia.rojas.quispe arroba yahoo punto com punto pe",
    "juan punto perez arroba gmail punto com",
    "correo: pedro(punto)maldonado(arroba)protonmail(punto)com",
    "mi correo es juan.perez en hotmail",
])
def test_emails_are_found_spelled_out_and_obfuscated_in_both_languages(text):
    assert identifiers(text) == {"email"}


@pytest.mark.parametrize("text", [
    "look at webmd.com for that", "my parents scream at me every time", "@maria thanks!",
    "My echo is on 11/14/2026 at 8am. Do I need to fast?",
])
def test_the_word_at_alone_is_not_an_email(text):
    assert "email" not in identifiers(text)


# ---- SSNs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "ssn"), [
    ("they wanted my SSN, 078-05-1120, over the phone", "078-05-1120"),
    ("the SSDI form rejects 412 58 3391, spaces or dashes?", "412 58 3391"),
    ("they wrote it as 219/44/8802 with slashes", "219/44/8802"),
    ("typed 219.44.8802 with dots", "219.44.8802"),
    ("my ssn is 219448802", "219448802"),
    ("mi numero de seguro social es 604 55 01 94", "604 55 01 94"),
])
def test_ssns_are_found_in_any_separator_layout(text, ssn):
    assert found(text, "ssn") == [ssn]


def test_invalid_ssns_and_nine_digits_without_context_are_not_ssns():
    assert "ssn" not in identifiers("the form sample shows 000-12-3456")
    assert "ssn" not in identifiers("order 219448802 shipped")


# ---- record numbers -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "number"), [
    ("MRN: A2290184 on the discharge papers", "A2290184"),
    ("his patient number at the VA is 88-23-011", "88-23-011"),
    ("clinic # 4402-A at the Westside pain clinic", "4402-A"),
    ("my chart number is CMH-20931", "CMH-20931"),
    ("Mayo # 54-226-578, posting it for my records", "54-226-578"),
    ("St. Luke's #7741902 is my record there", "7741902"),
    ("En el IMSS me pidieron el expediente 4471-22", "4471-22"),
    ("Mi número de paciente es 00982341 en el Hospital General", "00982341"),
    ("tengo el NSS 0987 65 4321 5 y otro número", "0987 65 4321 5"),
    ("Hospital Ángeles # 54-226-578, me negaron la cirugía", "54-226-578"),
    ("mi número de historia clínica es 7730418", "7730418"),
])
def test_record_numbers_are_found_with_context_in_both_languages(text, number):
    assert found(text, "mrn") == [number]


@pytest.mark.parametrize("text", [
    "the portal shows 7734521 next to my name",
    "I hit a record number of steps yesterday, 14,200!",
    "Room #4410 on the fourth floor",
    "estoy afiliado al IMSS desde 2015",
    "Av. Insurgentes Sur #970, Col. Roma Norte",
])
def test_numbers_without_record_context_are_not_record_numbers(text):
    assert "mrn" not in identifiers(text)


# ---- dates of birth -------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "date"), [
    ("soy del 15 de agosto de 1977 y con hipotiroidismo", "15 de agosto de 1977"),
    ("Nací el 8 de julio de 1967 y me diagnosticaron a los 40", "8 de julio de 1967"),
    ("fecha de nacimiento: 02-11-1959, así está bien?", "02-11-1959"),
    ("le dije a la doctora que nací el 25/12/1969", "25/12/1969"),
    ("I was born 3/14/62 in Ohio", "3/14/62"),
    ("my DOB is 03/14/1962", "03/14/1962"),
    ("Me: Daniel Ortiz, b. 1959-04-02, O negative", "1959-04-02"),
    ("my birthday is 7/8/67, cake is fine", "7/8/67"),
    ("DOB 07241968 without slashes", "07241968"),
    ("the pharmacy asked for my DOB, I said 11-02-1990", "11-02-1990"),
])
def test_dates_of_birth_are_found_in_both_languages(text, date):
    assert found(text, "dob") == [date]


@pytest.mark.parametrize("text", [
    "my appointment is on 3/14/2025",
    "my grandmother was born in 1931",
    "my son was born premature and had surgery on 3/14/2020",
    "la cita es el 15 de agosto de 2025",
])
def test_dates_without_birth_context_are_not_dates_of_birth(text):
    assert "dob" not in identifiers(text)


# ---- addresses ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "address"), [
    ("mándenme las tiras: Calle 5 de Mayo 492, Zapopan", "Calle 5 de Mayo 492"),
    ("es en mi casa: Av. Insurgentes Sur #970, Col. Roma Norte, depto 302",
     "Av. Insurgentes Sur #970, Col. Roma Norte"),
    ("Os dejo mi dirección: C/ Mayor 12, 3º B, 28013 Madrid", "C/ Mayor 12, 3º B"),
    ("vivo en Urb. Los Pinos calle 3 #45, Carolina", "Urb. Los Pinos calle 3 #45"),
    ("new place is 1420 Elm St Apt 3B, come by", "1420 Elm St Apt 3B"),
    ("send cards to PO Box 1123", "PO Box 1123"),
    ("Pásate por la casa: Carrera 43A # 7-50, apto 1102", "Carrera 43A # 7-50, apto 1102"),
    ("me mudé! nueva dirección: 2210 Calle Loíza Apt 3B", "2210 Calle Loíza Apt 3B"),
    ("send the sympathy card to 480 oak knoll drive", "480 oak knoll drive"),
    ("colonia Kennedy, bloque F casa 1412, Tegucigalpa", "colonia Kennedy, bloque F casa 1412"),
])
def test_street_addresses_are_found_in_us_and_latin_american_forms(text, address):
    assert found(text, "address") == [address]


@pytest.mark.parametrize("text", [
    "It's a 20 minute drive and a 2 way street",
    "The new cancer center at 1515 Holcombe Blvd has valet for patients",
    "el hospital está en Av. Insurgentes Sur 3700",
    "en la calle hace 3 días me caí",
    "Ward 5 North St. Luke's is where my dad had his bypass",
])
def test_distances_and_institutions_are_not_home_addresses(text):
    assert "address" not in identifiers(text)


# ---- the less common ways people write them ----------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("my cell is 918-555-O142 (that's a zero)", "phone"),
    ("my number: 6 4 6 5 5 5 0 1 8 6", "phone"),
    ("mi cel es cincuenta y cinco, doce, treinta y cuatro, cincuenta y seis, setenta y ocho",
     "phone"),
    ("llámenme al 2555-0147, soy de Tegucigalpa", "phone"),
    ("my gmail is sarahbeth47 if you want the notes", "email"),
    ("my email is ben hyphen ortega at me dot com", "email"),
    ("ER nurse asked my birth date: April ninth, nineteen sixty-one", "dob"),
    ("3/14/1962 is my birthday, put it on the card", "dob"),
    ("nací el ocho de julio de mil novecientos sesenta y siete", "dob"),
    ("fecha de nacimiento del niño 12/05/2020, pesó 3 kilos", "dob"),
    ("Nro. de afiliado 123456789 de OSDE", "mrn"),
    ("Pt. ID: 4471993 at Mercy", "mrn"),
    ("mail to 77 Harbor View, Springfield, IL 62704", "address"),
    ("Morelos 123, Centro, C.P. 62000, Cuernavaca", "address"),
    ("la fiesta es en la calle morelos 123, traigan algo", "address"),
    ("we live at twelve-fifteen North Wabash, third floor", "address"),
])
def test_less_common_layouts_are_found(text, kind):
    assert kind in identifiers(text)


@pytest.mark.parametrize("text", [
    "el Consejo Ciudadano 55 5533 5533 atiende 24 horas",
    "tomo dos o tres pastillas, cinco veces al día",
    "el seguro social me cubrió 12000 pesos",
    "my son's birthday party was great, on 3/14/2024 we had cake",
    "the clinic is in Springfield, IL 62704",
    "I'll be home at 5 pm",
])
def test_public_lines_amounts_and_parties_are_not_identifiers(text):
    assert identifiers(text) == set()


# ---- through HTTP ---------------------------------------------------------------------------


def reply(client, thread, body, capture):
    with capture(execute=True):
        return client.post(f"/t/{thread.pk}/reply/", {"body": body})


@pytest.mark.django_db
def test_a_reply_with_a_slashed_phone_is_held_and_one_with_poison_control_is_published(
        as_james, maria, diabetes, django_capture_on_commit_callbacks):
    thread = publish_thread(maria, diabetes)

    held = reply(as_james, thread, "Call me at 646/555-0186 if you want to talk",
                 django_capture_on_commit_callbacks)
    public = reply(as_james, thread, "If in doubt, call poison control at 1-800-222-1222",
                   django_capture_on_commit_callbacks)

    assert held.status_code == public.status_code == 302
    first, second = thread.posts.get(position=2), thread.posts.get(position=3)
    assert (first.status, first.screening) == (Post.Status.HELD, Post.Screening.HELD)
    assert (second.status, second.screening) == (Post.Status.PUBLISHED, Post.Screening.CLEAN)
