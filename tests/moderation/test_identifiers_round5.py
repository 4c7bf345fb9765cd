"""Identifier rules added after the round-5 blind probe (data/screening/
identifiers_probe_round5.jsonl), each tested on its own layouts in English and Spanish and on
the look-alikes it must leave alone. A year alone is not a date of birth; a month and a year
are. The last four digits of an SSN are not an SSN."""

from __future__ import annotations

import pytest

from tests.moderation.test_identifiers import found, identifiers

# ---- phones: digits and words mixed; numbers that are not the member's ----------------------


@pytest.mark.parametrize(("text", "number"), [
    ("text me 312-five five five-0144 after work", "312-five five five-0144"),
    ("mi cel 55-cinco cinco dos uno-8890 por si algo", "55-cinco cinco dos uno-8890"),
])
def test_a_phone_written_half_in_digits_half_in_words(text, number):
    assert found(text, "phone") == [number]


@pytest.mark.parametrize("text", [
    "got a call from 415-555-0172 pretending to be my pharmacy, don't answer it",
    "me llamaron del 55 4433 2211 haciéndose pasar por el IMSS, no contesten",
    "el CRIT de Occidente tiene el número 33 3669 4050, ahí dan terapia",
    "NAMI's number is 212 555 0143, they run family classes",
])
def test_a_caller_warned_about_and_an_organisation_s_number_are_not_personal(text):
    assert "phone" not in identifiers(text)


@pytest.mark.parametrize("text", [
    "got a call from my sister, her cell is 415-555-0172",
    "mi número es 55 5573 2955 y el IMSS tiene el número 55 5080 2000",
])
def test_the_member_s_own_number_beside_those_is_still_found(text):
    assert "phone" in identifiers(text)


# ---- SSNs and record numbers ----------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "SSN: 268 - 41 - 7702 for the disability form",
    "mi seguro social es 587 - 22 - 1934",
])
def test_an_ssn_with_spaces_around_its_dashes(text):
    assert "ssn" in identifiers(text)


@pytest.mark.parametrize("text", [
    "the last 4 of my SSN are 7702 and they still couldn't find me",
    "me pidieron los últimos cuatro del seguro social (1934) para verificar",
    "the letter showed SSN: xxx-xx-5521, at least it was masked",
])
def test_the_last_four_or_a_masked_ssn_is_not_an_ssn(text):
    assert "ssn" not in identifiers(text)


@pytest.mark.parametrize(("text", "number"), [
    ("en el ISSSTE mi expediente es el 8812-11-04", "8812-11-04"),
    ("my chart number is 5531-10-22 at the clinic", "5531-10-22"),
])
def test_a_record_number_whose_first_group_is_not_a_year_is_not_a_date(text, number):
    assert found(text, "mrn") == [number]


@pytest.mark.parametrize("text", [
    "the ADA's number is 1-800-DIABETES, they helped with insurance",
    "Planned Parenthood's number is 1-800-230-PLAN",
])
def test_a_toll_free_number_in_letters_is_not_a_record_number(text):
    assert identifiers(text) == set()


# ---- dates of birth: a month and a year are one; a year alone is not ------------------------


@pytest.mark.parametrize(("text", "date"), [
    ("yo soy de agosto del 92 y ya con artritis", "agosto del 92"),
    ("yo soy del 85 pero de octubre", "85 pero de octubre"),
    ("nací en marzo de 1971, en Puebla", "marzo de 1971"),
    ("cumplo años el 30 de enero, soy del 79", "30 de enero, soy del 79"),
    ("I was born in March of '67", "March of '67"),
    ("born Aug 1990, diagnosed at 30", "Aug 1990"),
])
def test_a_month_and_a_year_of_birth(text, date):
    assert found(text, "dob") == [date]


@pytest.mark.parametrize("text", [
    "I'm 46, born in '79, and this is my first colonoscopy",
    "born in 1967, diagnosed in March 2019",
    "nací en 1985 y desde niña tengo asma",
    "yo soy del 85 y apenas me diagnosticaron",
    "soy de agosto y me encanta el verano",
    "my birthday is in May, 12 days away",
    "Born in the summer of '72, type 1 since '81",
])
def test_a_year_alone_a_month_alone_or_a_season_is_not_a_date_of_birth(text):
    assert "dob" not in identifiers(text)


# ---- emails: role mailboxes and websites ----------------------------------------------------


@pytest.mark.parametrize("text", [
    "for appointments email the clinic: appointments@clevelandclinic.org",
    "escriban a contacto@amdiabetes.org.mx, dan talleres gratis",
    "check out the forum at tudiabetes dot org",
    "revisen la página en diabetes punto org",
])
def test_an_organisation_s_role_mailbox_and_a_website_are_not_personal_emails(text):
    assert "email" not in identifiers(text)


@pytest.mark.parametrize("text", [
    "my old address info@gmail.com still works lol",
    "email maria at healthmail.org",
    "escríbanme a chela_88@yahoo.com.mx",
    "reach me at j_ortiz (at) icloud (dot) com",
])
def test_a_person_s_mailbox_is_still_an_email(text):
    assert "email" in identifiers(text)


# ---- addresses: places named by their proper name; streets named for dates ------------------


@pytest.mark.parametrize("text", [
    "MD Anderson is at 1515 Holcombe Blvd in Houston, parking is a nightmare",
    "The Ronald McDonald House on 26 W Erie St was a lifesaver for us",
    "el INCan está en Av. San Fernando 22, Tlalpan, lleguen temprano",
    "Johns Hopkins is located at 1800 Orleans St",
    "cerraron la calle 16 de Septiembre por el desfile",
])
def test_an_institution_named_by_its_name_and_a_street_without_a_house_are_not_homes(text):
    assert "address" not in identifiers(text)


@pytest.mark.parametrize(("text", "address"), [
    ("Dave is at 12 Elm St if you need him", "12 Elm St"),
    ("my mom Rosa Perez is at 12 Elm St", "12 Elm St"),
    ("the house on 12 elm st is ours", "12 elm st"),
    ("vivo en Calle 5 de Mayo 492, Puebla", "Calle 5 de Mayo 492"),
    # Found from the street to its first crossing (what redaction removes; the rest is a crossing).
    ("estoy en Calle 60 x 45 y 47 #512, Mérida", "Calle 60 x 45"),
])
def test_a_person_s_address_is_still_found(text, address):
    assert address in found(text, "address")


# ---- after the round-5b blind probe ----------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("text 8 one 7 - 555 - 01 eight 4 if u want the supplies", "phone"),
    ("mi cel cinco 5 - 1234 - 56 siete 8", "phone"),
    ("escríbeme: toño.ramirez@prodigy.net.mx", "email"),
    ("I'm a June '71 baby", "dob"),
    ("marzo del 66 es mi cumpleaños", "dob"),
])
def test_two_number_words_in_an_offered_phone_accented_mailboxes_and_a_month_year_baby(text, kind):
    assert kind in identifiers(text)


@pytest.mark.parametrize("text", [
    "take one 500 mg then two 250 mg pills",
    "in May 2019 my birthday party was the best",
    "email the patient advocate office at patientadvocate@uchealth.org",
    "the foundation's P.O. Box 1000 in Memphis takes donations",
])
def test_doses_in_words_a_recent_birthday_a_patient_office_and_a_foundation_s_box(text):
    assert identifiers(text) == set()


def test_a_box_for_donations_that_names_no_owner_is_still_an_address():
    assert "address" in identifiers("Donations for the quilt go to PO Box 302, Harlan KY 40831")


# ---- after the round-5c blind probe ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "PIN for the support group zoom: 418 229 3371, passcode hope2024",
    "el zoom de la reunión: 845 2231 9920, código de acceso apoyo",
    "The hotel near Hopkins (The Inn at the Colonnade, 4 W University Pkwy) gives a discount",
    "hay albergue (La Casa de la Amistad, Calle Niños Héroes 41) para los papás",
])
def test_a_video_call_s_meeting_id_and_a_listed_place_s_address_are_not_personal(text):
    assert identifiers(text) == set()


@pytest.mark.parametrize(("text", "kind"), [
    ("The Oakwood Apartments, 860 Henley Rd, Bldg C #204 is where I live now", "address"),
    ("Contact: Mary Smith, 12 Elm St, Apt 4", "address"),
    ("zoom me at 418 229 3371 after 6", "phone"),
])
def test_an_apartment_complex_a_person_s_name_and_a_number_offered_are_still_found(text, kind):
    assert kind in identifiers(text)


# ---- after the round-5d blind probe ----------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("con el trámite del ISSSTE llámeme al 55 1928 3746, yo ya pasé por eso", "phone"),
    ("mándenme un correo a susy.treviño arroba gmail.com", "email"),
    ("he's 70 yo, 3/14/1955, and still drives", "dob"),
])
def test_a_formal_request_to_call_an_accented_spelled_email_and_an_age_in_yo(text, kind):
    assert kind in identifiers(text)


@pytest.mark.parametrize("text", [
    "El Hospital Clínic de Barcelona: 932 27 54 00, centralita",
    "mi esposo y yo nos casamos el 12 de diciembre de 1998",
    "la UMF 20 está en Calzada Vallejo 675, Magdalena de las Salinas",
    "got a weird text from 1-555-0123 with a link, just deleted it",
    "me llegó un mensaje raro del 55 1234 5678 con un link, no lo abran",
])
def test_a_switchboard_a_wedding_date_a_numbered_clinic_and_an_unknown_sender(text):
    assert identifiers(text) == set()


def test_an_address_named_after_a_bracelet_is_an_address_not_a_record_number():
    text = ("Her cell 303-555-0182 is on her bracelet, along with our address "
            "4417 Wadsworth Blvd")
    assert identifiers(text) == {"phone", "address"}


# ---- after the round-5e blind probe ----------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("número de registro 778812 en el Hospital Juárez, para buscar mis estudios", "mrn"),
    ("vivo en 5 de Febrero 412, Querétaro", "address"),
    ("Jenny's address is 12 Elm St", "address"),
    ("la dirección de mi mamá es Calle Pino 45", "address"),
])
def test_a_hospital_s_registry_number_a_street_named_for_a_date_and_a_person_s_address(text, kind):
    assert kind in identifiers(text)


@pytest.mark.parametrize("text", [
    "St. Jude's address for cards is 262 Danny Thomas Pl, Memphis TN 38105",
    "la dirección del Teletón es Av. Gustavo Baz 219, Tlalnepantla",
    "el número de registro sanitario 1234M2005 SSA viene en la caja",
    "vivo en 2 de las casas de mi tío, la 45",
])
def test_an_institution_s_address_a_product_registration_and_a_count_are_not_identifiers(text):
    assert identifiers(text) == set()


# ---- after the round-5f blind probe ----------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("my number's 5 5 5 - 0 1 4 2, I'm in town", "phone"),
    ("I'm a Leap Day baby, Feb 29 1984", "dob"),
    ("It says 'Pt: Morris, Helen Acct# 00921875 Adm 11/02/2026'", "mrn"),
])
def test_a_local_number_digit_by_digit_a_date_after_baby_and_a_patient_account(text, kind):
    assert kind in identifiers(text)


@pytest.mark.parametrize("text", [
    "the code is 5 5 5 - 0 1 4 2",
    "my baby, 3/4/2024 was her first checkup",
    "my bank account # 00921875 got frozen",
    "email your questions to askthedoc@diabetesforum.org, they answer in the newsletter",
])
def test_a_spaced_code_a_recent_baby_a_bank_account_and_an_ask_mailbox_are_not(text):
    assert identifiers(text) == set()


# ---- after the round-5g blind probe ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Shriners Children's (2900 N Rocky Point Dr, Tampa) did my son's surgery for free",
    "our church (St. Luke's, 800 Main St) hosts the caregivers group on Tuesdays",
    "the Mayo Clinic app lists the Jacksonville number as 904-953-2000",
    "Dr. Kim's office email is drkimoffice@nwhealth.org if you want to book",
    "the PO box for the hospital's billing department is PO Box 740123, Atlanta",
])
def test_an_institution_s_bracketed_address_listed_number_office_mailbox_and_box(text):
    assert identifiers(text) == set()


@pytest.mark.parametrize(("text", "kind"), [
    ("my friend Dave (12 Elm St) has the spare chair", "address"),
    ("the clinic lists my cell as 904-953-2011 and it's wrong", "phone"),
    ("my mail is drkimoffice@gmail.com", "email"),
    ("Donations for the quilt go to PO Box 302, Harlan KY 40831", "address"),
])
def test_the_same_layouts_for_a_person_are_still_found(text, kind):
    assert kind in identifiers(text)


# ---- after the round-5h blind probe ----------------------------------------------------------


@pytest.mark.parametrize(("text", "kind"), [
    ("the clerk made me say my social out loud: 3-8-1, 0-6, 2-2-7-4. Everyone heard.", "ssn"),
    ("my VA claim file number is 28 441 907 and they keep losing it", "mrn"),
    ("email my team lead at rosa.k@acme-foods.com, she's my sister", "email"),
    ("there's a spare bed at my place, 12 Elm St, if you need it", "address"),
])
def test_an_ssn_read_in_groups_a_va_claim_file_and_a_person_s_mailbox_and_place(text, kind):
    assert kind in identifiers(text)


@pytest.mark.parametrize("text", [
    "the ER's direct line is 555-0100 per the discharge papers",
    "there's a food bank at 1200 W Lake St every Saturday",
    "hay una farmacia en Av. Juárez 45 que tiene insulina",
    "email the ethics committee: ethics@stlukeshealth.org",
    "the support line inbox is helpline@crohnscolitisfoundation.org",
])
def test_a_unit_s_line_a_place_there_is_and_an_organisation_s_inbox_are_not_personal(text):
    assert identifiers(text) == set()


# ---- after the round-5i blind probe ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Cleveland Clinic's Crohn's center: 216-444-7000, ask for the nurse navigator",
    "American Cancer Society Hope Lodge, 132 W 32nd St - free housing during treatment",
    "my old ID badge number at the hospital was 4471, I worked there 20 years",
])
def test_a_clinic_s_centre_line_a_lodge_listed_and_a_staff_badge_are_not_personal(text):
    assert identifiers(text) == set()


@pytest.mark.parametrize(("text", "kind"), [
    ("Contact: Mary Smith, 12 Elm St, Apt 4", "address"),
    ("my patient number at the hospital was 44718, they lost it", "mrn"),
])
def test_a_person_s_listing_and_a_patient_number_are_still_found(text, kind):
    assert kind in identifiers(text)


# ---- after the round-5j blind probe ----------------------------------------------------------


@pytest.mark.parametrize("text", [
    "Northwestern Memorial: 312-926-2000, ask for patient financial services",
    "el Hospital Ángeles Pedregal: 55 5449 5500, pregunten por oncología",
])
def test_a_switchboard_followed_by_the_department_to_ask_for_is_not_personal(text):
    assert "phone" not in identifiers(text)


@pytest.mark.parametrize("text", [
    "my cell 312 555 0199, ask for the billing office if I don't answer",
    "Marquen al 787-555-0143 y pregunten por mí (Carmen)",
])
def test_a_member_s_number_followed_by_ask_for_is_still_a_phone(text):
    assert "phone" in identifiers(text)
