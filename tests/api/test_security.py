"""Password hashing and tokens."""

from __future__ import annotations

from api.security import hash_password, new_token, token_digest, verify_password


def test_password_round_trip_and_salt() -> None:
    first, second = hash_password("密码 with spaces"), hash_password("密码 with spaces")
    assert first != second  # salted
    assert verify_password("密码 with spaces", first) and verify_password(
        "密码 with spaces", second
    )
    assert not verify_password("密码 with space", first)
    assert first.startswith("scrypt$16384$8$1$")


def test_malformed_hash_is_rejected() -> None:
    assert not verify_password("x", "")
    assert not verify_password("x", "md5$abc")
    assert not verify_password("x", "scrypt$a$b$c$d$e")


def test_tokens_are_random_and_stored_as_digests() -> None:
    a, b = new_token(), new_token()
    assert a != b and len(a) >= 40
    assert token_digest(a) != a and len(token_digest(a)) == 64
