"""Console passwords are checked against their scrypt hashes, and nothing else passes."""

from rolecall.iam.login_profiles import hash_password, verify_password


def test_the_password_a_hash_was_made_from_verifies():
    stored = hash_password("Corr3ct-horse!")
    assert verify_password(stored, "Corr3ct-horse!")


def test_another_password_or_a_damaged_hash_does_not():
    stored = hash_password("Corr3ct-horse!")
    assert not verify_password(stored, "corr3ct-horse!")
    assert not verify_password(stored, "")
    assert not verify_password("scrypt$16384$8$1$bad", "Corr3ct-horse!")
    assert not verify_password("", "Corr3ct-horse!")


def test_two_hashes_of_one_password_differ_by_their_salt():
    assert hash_password("same-Pa55") != hash_password("same-Pa55")
