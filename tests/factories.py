import factory
from allauth.account.models import EmailAddress
from django.utils.text import slugify

from centri_sociali.models import Centre
from collabcity.models import Ambito, Notification, Organisation, Quartiere, User

DEFAULT_PASSWORD = "una-password-lunga-2026"


class AmbitoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ambito
        django_get_or_create = ["code"]

    code = factory.Iterator("ABCDEFGHI")
    name = ""
    slug = factory.LazyAttribute(lambda o: f"ambito-{o.code.lower()}")


class QuartiereFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quartiere

    name = factory.Sequence(lambda n: f"Quartiere {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    ambito = factory.SubFactory(AmbitoFactory)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Associazione {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = Organisation.Kind.APS


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Centro sociale {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    quartiere = factory.SubFactory(QuartiereFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"persona{n}@example.org")
    first_name = "Anna"
    last_name = factory.Sequence(lambda n: f"Rossi{n}")
    password = factory.django.Password(DEFAULT_PASSWORD)

    @factory.post_generation
    def verified_email(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    topic = Notification.ACCOUNT_TOPIC
    subject = factory.Sequence(lambda n: f"Avviso {n}")
    body = "Testo dell'avviso."
