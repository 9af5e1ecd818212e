from django.test import Client

from accordi.models import (
    Action,
    Agreement,
    Attachment,
    Commitment,
    Indicator,
    Measurement,
    Party,
    Status,
    StatusChange,
)
from collabcity.models import User


def snapshot():
    models = [Agreement, Party, Action, Commitment, Indicator, Measurement, Attachment]
    counts = [model.objects.count() for model in [*models, StatusChange]]
    histories = [model.history.count() for model in models]
    return counts, histories


def test_demo_has_agreements_in_every_state_and_is_idempotent(seed_demo_again):
    first = snapshot()
    seed_demo_again()

    assert snapshot() == first  # not even a new version in the history
    statuses = set(Agreement.objects.values_list("status", flat=True))
    assert statuses >= {
        Status.DRAFT,
        Status.CODESIGN,
        Status.APPROVED,
        Status.SIGNED,
        Status.ACTIVE,
        Status.CONCLUDED,
    }
    assert Measurement.objects.filter(indicator__agreement__status=Status.ACTIVE).exists()


def test_demo_pages_render(demo_city):
    client = Client()
    assert client.get("/accordi/").status_code == 200
    for agreement in Agreement.objects.public():
        response = client.get(agreement.get_absolute_url())
        assert response.status_code == 200
        for document in agreement.attachments.all():
            assert client.get(document.get_absolute_url()).status_code == 200
    for agreement in Agreement.objects.exclude(pk__in=Agreement.objects.public()):
        assert client.get(agreement.get_absolute_url()).status_code == 404


def test_demo_citizen_represents_a_party_in_codesign(demo_city):
    citizen = User.objects.get(email="cittadina@demo.collabcity.it")
    agreement = Agreement.objects.get(parties__representative=citizen)
    assert agreement.status == Status.CODESIGN
    client = Client()
    client.force_login(citizen)
    assert client.get(agreement.get_draft_url()).status_code == 200
