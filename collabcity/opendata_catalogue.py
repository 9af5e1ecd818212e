"""The catalogue of the portal's open data: /dati/ for people, DCAT-AP_IT for machines.

The national catalogue (dati.gov.it) harvests the open data of public administrations described
with DCAT-AP_IT, the Italian profile of DCAT-AP. This module builds that description, in RDF,
from the datasets the programmes register (collabcity.registry.Dataset): a dcatapit:Catalog
published by the Comune, identified by its IPA code, with every dataset and its distributions
under CC BY 4.0. The classes and properties are those the profile marks mandatory, plus the
recommended ones the portal knows (home page, language, themes, keywords, contact point).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, SKOS, XSD

from . import registry
from .registry import Dataset

DCATAPIT = Namespace("http://dati.gov.it/onto/dcatapit#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"
DATA_THEME = Namespace(EU_AUTHORITY + "data-theme/")
FREQUENCY = Namespace(EU_AUTHORITY + "frequency/")
FILE_TYPE = Namespace(EU_AUTHORITY + "file-type/")
LANGUAGE = Namespace(EU_AUTHORITY + "language/")
# CC BY 4.0 in the Italian licences vocabulary, an attribution licence in ADMS terms.
LICENCE = URIRef("https://w3id.org/italia/controlled-vocabulary/licences/A21_CCBY40")
LICENCE_TYPE = URIRef("http://purl.org/adms/licencetype/Attribution")
LICENCE_NAME = "Creative Commons Attribuzione 4.0 Internazionale (CC BY 4.0)"
LICENCE_DEED = "https://creativecommons.org/licenses/by/4.0/deed.it"

THEMES = {
    "GOVE": _("Governo e settore pubblico"),
    "SOCI": _("Popolazione e società"),
    "REGI": _("Regioni e città"),
    "EDUC": _("Istruzione, cultura e sport"),
}
FREQUENCIES = {
    "UPDATE_CONT": _("aggiornato di continuo"),
    "DAILY": _("ogni giorno"),
    "WEEKLY": _("ogni settimana"),
    "MONTHLY": _("ogni mese"),
    "ANNUAL": _("ogni anno"),
    "IRREG": _("a intervalli irregolari"),
    "NEVER": _("non più aggiornato"),
}


@dataclass(frozen=True)
class Publisher:
    """The Comune: it publishes the catalogue and holds the rights on every dataset."""

    name: str
    ipa_code: str
    email: str


def publisher() -> Publisher:
    return Publisher(
        name=settings.OPEN_DATA_PUBLISHER_NAME,
        ipa_code=settings.OPEN_DATA_PUBLISHER_IPA_CODE,
        email=settings.CONTACT_EMAIL,
    )


def datasets() -> list[Dataset]:
    return registry.datasets()


def last_modified(dataset: Dataset) -> date:
    # A dataset whose last change is not known is described as it is now, today.
    return dataset.modified or timezone.localdate()


def build_catalogue(
    found: list[Dataset], *, absolute_url: Callable[[str], str], owner: Publisher
) -> Graph:
    """The catalogue in RDF; `absolute_url` turns a path of the portal into a full address."""
    graph = Graph()
    for prefix, namespace in [
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("dcatapit", DCATAPIT),
        ("foaf", FOAF),
        ("owl", OWL),
        ("skos", SKOS),
        ("vcard", VCARD),
        ("xsd", XSD),
    ]:
        graph.bind(prefix, namespace)
    home = absolute_url(reverse("opendata"))
    catalogue = URIRef(home + "#catalogo")
    agent = _agent(graph, URIRef(home + "#titolare"), owner)
    contact = _contact_point(graph, URIRef(home + "#contatti"), owner)
    licence = _licence(graph)

    graph.add((catalogue, RDF.type, DCATAPIT.Catalog))
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    title = _("Dati aperti del portale della città collaborativa")
    description = _(
        "I dati che il portale pubblica: accordi di cittadinanza, elezioni delle consulte, "
        "centri sociali e case di quartiere con il loro calendario, ore di volontariato civico."
    )
    graph.add((catalogue, DCTERMS.title, _it(title)))
    graph.add((catalogue, DCTERMS.description, _it(description)))
    graph.add((catalogue, DCTERMS.publisher, agent))
    graph.add((catalogue, FOAF.homepage, URIRef(home)))
    graph.add((catalogue, DCTERMS.language, LANGUAGE.ITA))
    graph.add((catalogue, DCAT.themeTaxonomy, URIRef(EU_AUTHORITY + "data-theme")))
    modified = max((last_modified(dataset) for dataset in found), default=timezone.localdate())
    graph.add((catalogue, DCTERMS.modified, Literal(modified, datatype=XSD.date)))

    for dataset in found:
        node = URIRef(f"{home}#{dataset.identifier}")
        graph.add((catalogue, DCAT.dataset, node))
        _dataset(graph, node, dataset, absolute_url, agent, contact, licence, owner)
    return graph


def _dataset(graph, node, dataset, absolute_url, agent, contact, licence, owner) -> None:
    graph.add((node, RDF.type, DCATAPIT.Dataset))
    graph.add((node, RDF.type, DCAT.Dataset))
    graph.add((node, DCTERMS.identifier, Literal(f"{owner.ipa_code}:{dataset.identifier}")))
    graph.add((node, DCTERMS.title, _it(dataset.title)))
    graph.add((node, DCTERMS.description, _it(dataset.description)))
    graph.add((node, DCTERMS.modified, Literal(last_modified(dataset), datatype=XSD.date)))
    graph.add((node, DCAT.theme, DATA_THEME[dataset.theme]))
    graph.add((node, DCTERMS.rightsHolder, agent))
    graph.add((node, DCTERMS.publisher, agent))
    graph.add((node, DCTERMS.accrualPeriodicity, FREQUENCY[dataset.frequency]))
    graph.add((node, DCTERMS.language, LANGUAGE.ITA))
    if contact is not None:
        graph.add((node, DCAT.contactPoint, contact))
    if dataset.landing_page:
        graph.add((node, DCAT.landingPage, URIRef(absolute_url(dataset.landing_page))))
    for keyword in dataset.keywords:
        graph.add((node, DCAT.keyword, _it(keyword)))
    for index, distribution in enumerate(dataset.distributions, start=1):
        file = URIRef(f"{node}-{index}")
        url = URIRef(absolute_url(distribution.url))
        graph.add((node, DCAT.distribution, file))
        graph.add((file, RDF.type, DCATAPIT.Distribution))
        graph.add((file, RDF.type, DCAT.Distribution))
        graph.add((file, DCTERMS.title, _it(distribution.title)))
        if distribution.description:
            graph.add((file, DCTERMS.description, _it(distribution.description)))
        graph.add((file, DCTERMS.format, FILE_TYPE[distribution.format]))
        graph.add((file, DCAT.accessURL, url))
        graph.add((file, DCAT.downloadURL, url))
        graph.add((file, DCAT.mediaType, Literal(distribution.media_type)))
        graph.add((file, DCTERMS.license, licence))


def _agent(graph: Graph, node: URIRef, owner: Publisher) -> URIRef:
    graph.add((node, RDF.type, DCATAPIT.Agent))
    graph.add((node, RDF.type, FOAF.Agent))
    graph.add((node, DCTERMS.identifier, Literal(owner.ipa_code)))
    graph.add((node, FOAF.name, _it(owner.name)))
    return node


def _contact_point(graph: Graph, node: URIRef, owner: Publisher) -> URIRef | None:
    # Recommended, and only true when the Comune has given the portal an address to write to.
    if not owner.email:
        return None
    graph.add((node, RDF.type, DCATAPIT.Organization))
    graph.add((node, RDF.type, VCARD.Organization))
    graph.add((node, VCARD.fn, _it(owner.name)))
    graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{owner.email}")))
    return node


def _licence(graph: Graph) -> URIRef:
    graph.add((LICENCE, RDF.type, DCATAPIT.LicenseDocument))
    graph.add((LICENCE, RDF.type, DCTERMS.LicenseDocument))
    graph.add((LICENCE, DCTERMS.type, LICENCE_TYPE))
    graph.add((LICENCE, FOAF.name, _it(LICENCE_NAME)))
    graph.add((LICENCE, OWL.versionInfo, Literal("4.0")))
    return LICENCE


def _it(text) -> Literal:
    return Literal(str(text), lang="it")
