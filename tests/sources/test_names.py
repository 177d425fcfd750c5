"""Instructor names: co-taught cells split, spellings read into comparable parts."""

import pytest

from sources.names import PersonName, has_separator, split_names


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Abhay Parekh; Jean Walrand", ["Abhay Parekh", "Jean Walrand"]),
        (
            "Maura Daly; John Arnold; Shamaya Pellum; Maritsi Perez",
            ["Maura Daly", "John Arnold", "Shamaya Pellum", "Maritsi Perez"],
        ),
        ("  John   DeNero ", ["John DeNero"]),
        ("A Lee;;A Lee; B Chen;", ["A Lee", "B Chen"]),
        ("-", []),
        ("#N/A", []),
        ("Staff; Ann Lee", ["Ann Lee"]),
        ("VOID VOID", []),
        ("", []),
    ],
)
def test_a_cell_is_split_into_people(cell, names):
    assert split_names(cell) == names
    assert not any(has_separator(name) for name in split_names(cell))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("John DeNero", "Denero, J S"),
        ("John DeNero", "John Denero"),
        ("John DeNero", "DENERO, J"),
        ("M. Scott", "Scott, M K"),
        ("Michael K Scott", "Scott, M K"),
        ("Nancy Scheper-Hughes", "Scheper-Hughes, N"),
        ("Rosa Villamil Acera", "Villamil Acera, R"),
        ("José Nuñez", "Nunez, J"),
        ("Paolo D'Odorico", "Dodorico, P"),
    ],
)
def test_spellings_of_one_person_are_compatible(a, b):
    assert PersonName.parse(a).compatible(PersonName.parse(b))
    assert PersonName.parse(b).compatible(PersonName.parse(a))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("John DeNero", "Jane DeNero"),
        ("Scott, M K", "Scott, M J"),
        ("Mary Scott", "Scott, K E"),
        ("John DeNero", "John Smith"),
    ],
)
def test_different_people_are_not_compatible(a, b):
    assert not PersonName.parse(a).compatible(PersonName.parse(b))


def test_full_names_and_initials_are_told_apart():
    assert PersonName.parse("John DeNero").is_full
    assert not PersonName.parse("Denero, J S").is_full
    assert not PersonName.parse("M. Scott").is_full
    assert PersonName.parse("Denero, John").is_full


def test_case_accents_and_punctuation_do_not_make_another_spelling():
    assert PersonName.parse("John DeNero").key == PersonName.parse("JOHN DENERO").key
    assert PersonName.parse("Paolo D'Odorico").key == PersonName.parse("Paolo D'odorico").key
    assert PersonName.parse("José Nuñez").key == PersonName.parse("Jose Nunez").key
