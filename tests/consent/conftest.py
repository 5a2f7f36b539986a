import pytest

from wagtail_privacy.consent.models import ConsentPurpose


@pytest.fixture
def newsletter(locales):
    """A purpose by email and SMS, in English and Slovenian."""
    purpose = ConsentPurpose.objects.create(
        key="newsletter",
        name="Newsletter",
        description="New teas every month.",
        wording="Send me the Lipa & Co. newsletter.",
        email=True,
        sms=True,
        locale=locales["en"],
    )
    ConsentPurpose.objects.create(
        key="newsletter",
        name="E-novice",
        description="Novi čaji vsak mesec.",
        wording="Pošiljajte mi e-novice.",
        email=True,
        sms=True,
        locale=locales["sl"],
        translation_key=purpose.translation_key,
    )
    return purpose
