"""Passwords on common lists, or only the registry's name or a place with digits, are refused in Chinese."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from tests.factories import PASSWORD
from xueji.accounts.services import create_account
from xueji.core.errors import RuleViolation
from xueji.demo.loader import DEMO_PASSWORD


@pytest.mark.parametrize("password", ["password123", "1qaz2wsx3edc", "Xueji@2026!!", "shanxi-2026-01"])
def test_common_and_registry_words_are_refused(password):
    with pytest.raises(ValidationError) as caught:
        validate_password(password)
    assert any("过于常见" in m for m in caught.value.messages)


def test_demo_and_test_passwords_still_pass():
    validate_password(DEMO_PASSWORD)
    validate_password(PASSWORD)
    validate_password("Shanxi-registry-2026")


def test_account_creation_names_the_password_field(world):
    with pytest.raises(RuleViolation) as caught:
        create_account(world.county_xd, username="new_reg", password="taiyuan123456", role="registrar",
                       school=world.school_a)
    assert caught.value.violations[0].field == "password" and "过于常见" in caught.value.violations[0].message
