"""``GET /me/information/``: what the customer is told under Art. 15 GDPR besides their data.

The controller and how to reach them (and the data protection officer), where to complain, the
transfers outside the EEA, automated decisions, and per source of data the purposes, legal
basis, recipients, transfers, retention, origin and how many records of this customer it
holds; the legal basis of each consent purpose.
"""

from django.contrib.auth import get_user_model
from ninja import Field, Router, Schema

from .. import information
from ..consent import service as consent
from ..consent.models import LegalBasis
from ..recipients import service as recipients
from ..sources import registry
from .auth import customer_auth
from .errors import COMMON, ErrorOut
from .me import customer

router = Router(tags=["me"], auth=customer_auth())


class ControllerOut(Schema):
    name: str
    contact: str
    dpo_contact: str | None = Field(description="The data protection officer, if appointed.")


class AuthorityOut(Schema):
    name: str
    address: str
    email: str
    url: str


class SourceInformationOut(Schema):
    name: str
    label: str
    purposes: str
    legal_basis: str
    recipients: str
    transfers: str = Field(description="Outside the EEA, and the safeguards; empty: not stated.")
    retention: str
    origin: str
    fields: list[str]
    records: int | None = Field(description="How many records of yours it holds, if known.")


class PurposeBasisOut(Schema):
    key: str
    name: str
    legal_basis: str
    legal_basis_label: str


class RecipientOut(Schema):
    key: str
    name: str
    role: str = Field(description="`processor` (acts on the shop's behalf) or `controller`.")
    role_label: str
    description: str
    purposes: str
    data_categories: str
    countries: str
    safeguards: str
    sources: list[str] = Field(description="The data sources it receives.")
    contact: str


class InformationOut(Schema):
    controller: ControllerOut
    supervisory_authority: AuthorityOut | None
    automated_decisions: str
    transfers: str
    sources: list[SourceInformationOut]
    consent_purposes: list[PurposeBasisOut]
    recipients: list[RecipientOut]


def _records(user):
    """{source name: this customer's records there, or None}, one count per source."""
    users = get_user_model()._default_manager.filter(pk=user.pk)
    return {source.name: source.count_for(users) for source in registry.sources()}


@router.get(
    "me/information/",
    response={**COMMON, 200: InformationOut, 401: ErrorOut, 403: ErrorOut},
    url_name="me_information",
    summary="What is done with my data, on which basis, and where I may complain (Art. 15)",
)
def my_information(request):
    user = customer(request)
    found = information.information()
    counts = _records(user)
    for source in found["sources"]:
        source["records"] = counts.get(source["name"])
    labels = dict(LegalBasis.choices)
    found["consent_purposes"] = [
        {
            "key": purpose.key,
            "name": purpose.name,
            "legal_basis": purpose.legal_basis,
            "legal_basis_label": str(labels.get(purpose.legal_basis, purpose.legal_basis)),
        }
        for purpose in consent.purposes(request.privacy_language)
    ]
    found["recipients"] = [_recipient(r) for r in recipients.recipients(request.privacy_language)]
    return found


def _recipient(recipient):
    return {
        "key": recipient.key,
        "name": recipient.name,
        "role": recipient.role,
        "role_label": recipient.get_role_display(),
        "description": recipient.description,
        "purposes": recipient.purposes,
        "data_categories": recipient.data_categories,
        "countries": recipient.countries,
        "safeguards": recipient.safeguards,
        "sources": recipient.source_names,
        "contact": recipient.contact,
    }
