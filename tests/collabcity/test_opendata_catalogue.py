"""/dati/ lists every dataset the programmes register, and its DCAT-AP_IT description parses
back with the classes and properties the profile requires."""

import pytest
from django.test import override_settings
from django.urls import reverse
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from collabcity import registry
from collabcity.opendata_catalogue import DCATAPIT, VCARD
from consulte.models import Election

EXPECTED_DATASETS = {
    "accordi-di-cittadinanza",
    "proposte-delle-comunita",
    "centri-sociali-e-case-di-quartiere",
    "calendario-centri-sociali",
    "ore-di-volontariato-civico",
}


def catalogue(client, name: str = "opendata_turtle", fmt: str = "turtle") -> Graph:
    response = client.get(reverse(name))
    assert response.status_code == 200
    return Graph().parse(data=response.content, format=fmt)


def closed_elections() -> set[str]:
    closed = Election.objects.closed().filter(result__isnull=False)
    return {f"elezione-{pk}" for pk in closed.values_list("pk", flat=True)}


def test_the_programmes_register_their_datasets(demo_city):
    identifiers = {dataset.identifier for dataset in registry.datasets()}
    assert closed_elections(), "the demo city has a closed election with its result"
    assert identifiers == EXPECTED_DATASETS | closed_elections()


def test_the_page_lists_each_dataset_with_licence_updates_formats_and_files(client, demo_city):
    response = client.get(reverse("opendata"))
    page = response.content.decode()
    assert response.status_code == 200
    for dataset in registry.datasets():
        assert f'id="{dataset.identifier}"' in page
        assert dataset.title.replace("'", "&#x27;") in page
        for distribution in dataset.distributions:
            assert f'href="{distribution.url}"' in page
    assert page.count("Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)") >= len(
        EXPECTED_DATASETS
    )
    assert "Aggiornato di continuo" in page
    assert reverse("opendata_turtle") in page and reverse("opendata_rdfxml") in page


def test_every_listed_file_downloads(client, demo_city):
    for dataset in registry.datasets():
        for distribution in dataset.distributions:
            response = client.get(distribution.url)
            assert response.status_code == 200, distribution.url
            assert response["Content-Type"].startswith(distribution.media_type), distribution.url


def test_volunteering_totals_are_published_only_where_they_name_nobody(client, demo_city):
    assert client.get("/volontariato/dati/ore-per-quartiere.csv").status_code == 200
    assert client.get("/volontariato/dati/ore-per-volontario.csv").status_code == 404


def one(graph: Graph, subject, predicate):
    values = list(graph.objects(subject, predicate))
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


def test_the_catalogue_has_what_dcat_ap_it_requires(client, demo_city):
    graph = catalogue(client)
    catalogues = set(graph.subjects(RDF.type, DCATAPIT.Catalog))
    assert len(catalogues) == 1
    node = catalogues.pop()
    assert (node, RDF.type, DCAT.Catalog) in graph
    assert one(graph, node, DCTERMS.title).language == "it"
    assert one(graph, node, DCTERMS.description).language == "it"
    assert one(graph, node, DCTERMS.modified).datatype == XSD.date
    publisher = one(graph, node, DCTERMS.publisher)
    assert (publisher, RDF.type, DCATAPIT.Agent) in graph
    assert (publisher, RDF.type, FOAF.Agent) in graph
    assert one(graph, publisher, DCTERMS.identifier) == Literal("c_h223")
    assert str(one(graph, publisher, FOAF.name)) == "Comune di Reggio Emilia"
    datasets = set(graph.objects(node, DCAT.dataset))
    assert {str(d).rsplit("#", 1)[1] for d in datasets} == EXPECTED_DATASETS | closed_elections()


def test_each_dataset_has_what_dcat_ap_it_requires(client, demo_city):
    graph = catalogue(client)
    datasets = set(graph.subjects(RDF.type, DCATAPIT.Dataset))
    assert len(datasets) == len(EXPECTED_DATASETS | closed_elections())
    for node in datasets:
        assert (node, RDF.type, DCAT.Dataset) in graph
        assert str(one(graph, node, DCTERMS.identifier)).startswith("c_h223:")
        assert one(graph, node, DCTERMS.title).language == "it"
        assert one(graph, node, DCTERMS.description).language == "it"
        assert one(graph, node, DCTERMS.modified).datatype == XSD.date
        assert str(one(graph, node, DCAT.theme)).startswith(
            "http://publications.europa.eu/resource/authority/data-theme/"
        )
        assert str(one(graph, node, DCTERMS.accrualPeriodicity)).startswith(
            "http://publications.europa.eu/resource/authority/frequency/"
        )
        holder = one(graph, node, DCTERMS.rightsHolder)
        assert (holder, RDF.type, DCATAPIT.Agent) in graph
        assert one(graph, holder, DCTERMS.identifier) == Literal("c_h223")
        assert list(graph.objects(node, DCAT.distribution)), node


def test_each_distribution_has_what_dcat_ap_it_requires(client, demo_city):
    graph = catalogue(client)
    distributions = set(graph.subjects(RDF.type, DCATAPIT.Distribution))
    assert distributions == set(graph.objects(None, DCAT.distribution))
    for node in distributions:
        assert (node, RDF.type, DCAT.Distribution) in graph
        assert str(one(graph, node, DCTERMS.format)).startswith(
            "http://publications.europa.eu/resource/authority/file-type/"
        )
        access = one(graph, node, DCAT.accessURL)
        assert isinstance(access, URIRef) and str(access).startswith("http://testserver/")
        licence = one(graph, node, DCTERMS.license)
        assert (licence, RDF.type, DCATAPIT.LicenseDocument) in graph
        assert str(licence).endswith("/licences/A21_CCBY40")
        assert one(graph, licence, DCTERMS.type) == URIRef(
            "http://purl.org/adms/licencetype/Attribution"
        )


def test_turtle_and_rdf_xml_describe_the_same_catalogue(client, demo_city):
    assert isomorphic(catalogue(client), catalogue(client, "opendata_rdfxml", "xml"))


@override_settings(
    OPEN_DATA_PUBLISHER_IPA_CODE="c_a944", OPEN_DATA_PUBLISHER_NAME="Comune di Bologna"
)
def test_the_publisher_is_the_comune_the_settings_name(client, db):
    graph = catalogue(client)
    publisher = one(graph, next(graph.subjects(RDF.type, DCATAPIT.Catalog)), DCTERMS.publisher)
    assert one(graph, publisher, DCTERMS.identifier) == Literal("c_a944")
    assert str(one(graph, publisher, FOAF.name)) == "Comune di Bologna"
    for identifier in graph.objects(None, DCTERMS.identifier):
        assert str(identifier) == "c_a944" or str(identifier).startswith("c_a944:")


@pytest.mark.parametrize("email", ["", "partecipazione@comune.example.it"])
def test_a_contact_point_is_given_only_with_an_address(client, db, settings, email):
    settings.CONTACT_EMAIL = email
    graph = catalogue(client)
    contacts = set(graph.objects(None, DCAT.contactPoint))
    if not email:
        assert contacts == set()
        return
    for contact in contacts:
        assert (contact, RDF.type, DCATAPIT.Organization) in graph
        assert one(graph, contact, VCARD.hasEmail) == URIRef(f"mailto:{email}")


def test_the_metadata_stay_in_italian_whatever_the_language_chosen(client, db):
    client.cookies["django_language"] = "en"
    graph = catalogue(client)
    title = one(graph, next(graph.subjects(RDF.type, DCATAPIT.Catalog)), DCTERMS.title)
    assert str(title) == "Dati aperti del portale della città collaborativa"
