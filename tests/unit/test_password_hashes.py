"""Console passwords are checked against their scrypt hashes, and nothing else passes."""

from rolecall.iam.login_profiles import hash_password, password_matches


def test_the_password_a_hash_was_made_from_verifies():
    stored = hash_password("Corr3ct-horse!")
    assert password_matches("Corr3ct-horse!", stored)


def test_another_password_or_a_damaged_hash_does_not():
    stored = hash_password("Corr3ct-horse!")
    assert not password_matches("corr3ct-horse!", stored)
    assert not password_matches("", stored)
    assert not password_matches("Corr3ct-horse!", "scrypt$16384$8$1$bad")
    assert not password_matches("Corr3ct-horse!", "")


def test_two_hashes_of_one_password_differ_by_their_salt():
    assert hash_password("same-Pa55") != hash_password("same-Pa55")
