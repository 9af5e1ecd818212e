"""The centri sociali and case di quartiere of Reggio Emilia, loaded by seed_demo.

Each fact is a `Fact(value, source)` as in collabcity/city_data.py, which holds the sources of
the ambiti and of the organisations named here. A fact no public page gives is None: the
centre is listed without it, and staff see it marked "da verificare". Quartieri are those of
collabcity.city_data.AMBITI; a place a source names that is none of them ("Villaggio Foscato",
"Canalina-Motti", "Gattaglio") gives no quartiere.

The network: the Comune counts 27 centres, 21 of them now Case di quartiere under an agreement
with a Third-Sector body, after the calls "Da centro sociale a Casa di quartiere" of 2021 and
2022 (comune.re.it, "Case di quartiere"). A centre is a Casa di quartiere here only where a
source names it one; the other centres of the calls are centri sociali as the calls name them,
for staff to update as the agreements are signed.
"""

from datetime import date

from collabcity.city import Fact, Source
from collabcity.city_data import (
    ANCESCAO_CENTRI,
    ARCI_PIEVE,
    ARCI_PIGAL,
    CARLINO_ORTI_SPALLANZANI,
    COMUNE_CASE_DI_QUARTIERE,
    COMUNE_PIEVE_2016,
    COMUNE_VILLAGGIO_STRANIERI,
    CSV_DA_CENTRO_SOCIALE,
    QUADERNO_CASE_DI_QUARTIERE,
)

READ_ON = date(2026, 11, 29)

ANCESCAO = "ANCeSCAO Reggio Emilia"
ARCI = "Arci Comitato Territoriale Reggio Emilia"
CENTRO_SOCIALE = "centro_sociale"
CASA_DI_QUARTIERE = "casa_di_quartiere"

# The second call of "Da centro sociale a Casa di quartiere" (2022), on the Comune's old site.
COMUNE_SECONDA_TAPPA = Source(
    "http://oldwww.comune.re.it/retecivica/urp/retecivi.nsf/PESDocumentID/"
    "2F8A143485699144C1258514003D9E9A?opendocument&FROM=Cllbrtrdqrtr",
    READ_ON,
)
GAZZETTA_CATOMES_TOT = Source(
    "https://gazzettadireggio.it/reggio/cronaca/2024/03/02/news/il-centro-sociale-catomes-tot-"
    "riparte-dopo-4-anni-di-stop-1.100483014",
    READ_ON,
)
REGGIOSERA_GATTAGLIO = Source(
    "https://www.reggiosera.it/2023/01/la-rinascita-del-gattaglio-bocce-concerti-jazz-cultura-"
    "e-cene-di-quartiere/297319/",
    READ_ON,
)
QUADERNO_PIEVE_MODOLENA = Source("https://quaderno.comune.re.it/tag/pieve-modolena/", READ_ON)
QUADERNO_MASONE = Source("http://quaderno.comune.re.it/tag/masone/", READ_ON)
QUADERNO_MASSENZATICO = Source("https://quaderno.comune.re.it/tag/massenzatico", READ_ON)
REGGIONLINE_BUCO_MAGICO = Source(
    "https://www.reggionline.com/fase-2-riaprono-centri-sociali-ripartiamo-nel-rispetto-delle-"
    "regole-video",
    READ_ON,
)
REGGIONLINE_TRICOLORE = Source(
    "https://www.reggionline.com/reggio-emilia-centro-sociale-tricolore-rischia-chiudere-"
    "chiediamo-aiuto-video",
    READ_ON,
)
REGGIONLINE_CARROZZONE = Source(
    "https://www.reggionline.com/dpcm-anche-centri-sociali-grande-difficolta-video", READ_ON
)
# "28 centri sociali cittadini": 10 circoli Arci and 18 centres of ANCeSCAO (2020).
REGGIONLINE_28_CENTRI = Source(
    "https://www.reggionline.com/reggio-emilia-si-lavora-ai-centri-sociali-del-futuro-video",
    READ_ON,
)
GAZZETTA_OROLOGIO = Source(
    "https://www.gazzettadireggio.it/reggio/cronaca/2011/07/25/news/l-orologio-un-centro-"
    "sociale-storico-1.745807",
    READ_ON,
)
# The quartiere takes its name from the Casino dell'Orologio, home of the centre.
WIKIPEDIA_OROLOGIO = Source("http://it.wikipedia.org/wiki/Orologio_(Reggio_Emilia)", READ_ON)
MODENA2000_ORTI_MONTENERO = Source(
    "https://www.modena2000.it/2016/06/10/quartiere-santa-croce-sabato-open-day-agli-orti-"
    "montenero/",
    READ_ON,
)
COMUNITA_IN_AZIONE_2024 = Source(
    "https://www.sassuolo2000.it/2024/03/28/dalla-regione-un-finanziamento-per-co-progettare-i-"
    "servizi-di-prossimita-in-sei-centri-sociali-reggiani/",
    READ_ON,
)
CAMMINATA_CAVAZZOLI = Source("https://24emilia.com/?p=148403", READ_ON)
REGGIONLINE_PIGAL = Source(
    "https://www.reggionline.com/al-circolo-pigal-serata-ringraziare-dipendenti-ausl-video",
    READ_ON,
)
GAZZETTA_FENULLI = Source(
    "https://www.gazzettadireggio.it/reggio/cronaca/2025/04/15/news/il-pranzo-popolare-al-"
    "circolo-fenulli-che-rafforza-il-senso-di-comunita-1.100692406",
    READ_ON,
)
COMUNE_CHIOSTRI = Source(
    "https://www.comune.re.it/retecivica/urp/retecivi.nsf/PESDocumentID/"
    "C5EB58D0CB8F2333C125849B0028CB02?opendocument&FROM=DSnPtrdttt",
    READ_ON,
)
ITALIA_CHIOSTRI = Source(
    "https://www.italia.it/it/emilia-romagna/reggio-emilia/i-chiostri-di-san-pietro", READ_ON
)


def first_call(name: str, address: str, **facts) -> dict:
    """A centre of the first call (2021), which gives its name and address."""
    return centre(
        **{
            "name": Fact(name, CSV_DA_CENTRO_SOCIALE),
            "kind": Fact(CENTRO_SOCIALE, CSV_DA_CENTRO_SOCIALE),
            "address": Fact(f"{address}, Reggio Emilia", CSV_DA_CENTRO_SOCIALE),
            **facts,
        }
    )


def second_call(name: str, **facts) -> dict:
    """A centre of the second call (2022), which gives its name alone."""
    return centre(
        **{
            "name": Fact(name, COMUNE_SECONDA_TAPPA),
            "kind": Fact(CENTRO_SOCIALE, COMUNE_SECONDA_TAPPA),
            **facts,
        }
    )


def centre(**facts) -> dict:
    """Every fact of a centre, None where no source gives it."""
    return {
        "name": facts["name"],
        "kind": facts["kind"],
        "address": facts.get("address"),
        "quartiere": facts.get("quartiere"),
        "organisation": facts.get("organisation"),
        "network": facts.get("network"),
    }


ancescao = Fact(ANCESCAO, ANCESCAO_CENTRI)
named_casa_di_quartiere = Fact(CASA_DI_QUARTIERE, COMUNE_CASE_DI_QUARTIERE)

CENTRES = [
    # --- the first call, "Da centro sociale a Casa di quartiere" (2021) ---
    first_call(
        "Centro sociale Catomes Tot",
        "via G. Panciroli 12",
        kind=named_casa_di_quartiere,
        quartiere=Fact("Centro storico", GAZZETTA_CATOMES_TOT),
        network=ancescao,
    ),
    # "Villaggio Foscato" is no quartiere of the 55.
    first_call("Centro sociale Foscato", "via Foscato 15", network=ancescao),
    # "Gatto Azzurro"; the Gattaglio lies between the Crostolo and the centro storico, in no
    # quartiere a source names.
    first_call("Centro sociale Gattaglio", "via Gattaglio 30", network=ancescao),
    first_call("Centro sociale G. Iotti - La Fontana", "via Spagni 28/a"),
    first_call(
        "Centro sociale La Mirandola",
        "via F.lli Bandiera 12/a",
        kind=named_casa_di_quartiere,
        quartiere=Fact("Pieve Modolena", QUADERNO_PIEVE_MODOLENA),
    ),
    # The Comune's notice of December 2025 calls it "Centro sociale Primavera Arci"; no page
    # read names its managing body today.
    first_call(
        "Centro sociale Primavera",
        "via Bacone 19",
        quartiere=Fact("Masone", QUADERNO_MASONE),
    ),
    first_call("Centro sociale Quaresimo", "via Pigoni 59", network=ancescao),
    first_call("Centro sociale Tasselli", "via R. Iotti 2/d"),
    # The centre says it is in ambito E; no source names its quartiere.
    first_call("Centro sociale Venezia", "via Lombroso 3"),
    first_call(
        "Circolo Nuovo Villaggio Stranieri",
        "via Don L. Sturzo 1",
        kind=Fact(CASA_DI_QUARTIERE, COMUNE_VILLAGGIO_STRANIERI),
        quartiere=Fact("Villaggio Stranieri", COMUNE_VILLAGGIO_STRANIERI),
        organisation=Fact("Accademia di Quartiere", COMUNE_VILLAGGIO_STRANIERI),
        network=Fact(ARCI, COMUNE_VILLAGGIO_STRANIERI),
    ),
    first_call("Centro sociale La Fornace", "via Cisalpina 40"),
    # --- the second call (2022) ---
    second_call("Centro sociale Biasola", network=ancescao),
    # "il più grande della città".
    second_call("Centro sociale Buco Magico", network=Fact(ANCESCAO, REGGIONLINE_BUCO_MAGICO)),
    second_call(
        "Centro sociale Fogliano",
        kind=named_casa_di_quartiere,
        quartiere=Fact("Fogliano", COMUNITA_IN_AZIONE_2024),
    ),
    second_call(
        "Centro sociale La Capannina Paradisa",
        quartiere=Fact("Massenzatico", QUADERNO_MASSENZATICO),
    ),
    second_call("Centro sociale Rosta Nuova", network=ancescao),
    second_call(
        "Centro sociale Orti Montenero",
        address=Fact("via Montenero 11, Reggio Emilia", MODENA2000_ORTI_MONTENERO),
        quartiere=Fact("Santa Croce", MODENA2000_ORTI_MONTENERO),
        network=ancescao,
    ),
    second_call(
        "Centro sociale Tricolore",
        kind=named_casa_di_quartiere,
        address=Fact("via Agosti, Reggio Emilia", REGGIONLINE_TRICOLORE),
        quartiere=Fact("Santa Croce", REGGIONLINE_TRICOLORE),
        network=ancescao,
    ),
    second_call("Centro sociale Nuovo Gramsci La Casetta"),
    # "in via Gallinari a Pieve".
    second_call(
        "Centro sociale Il Carrozzone",
        address=Fact("via Gallinari, Reggio Emilia", REGGIONLINE_CARROZZONE),
        quartiere=Fact("Pieve Modolena", REGGIONLINE_CARROZZONE),
    ),
    second_call(
        "Centro sociale Orologio",
        address=Fact("via Massenet, Reggio Emilia", GAZZETTA_OROLOGIO),
        quartiere=Fact("Orologio", WIKIPEDIA_OROLOGIO),
        network=ancescao,
    ),
    # --- other sources ---
    centre(
        name=Fact("Casa di quartiere Orti Spallanzani", CARLINO_ORTI_SPALLANZANI),
        kind=named_casa_di_quartiere,
        address=Fact("via Toscanini, Reggio Emilia", CARLINO_ORTI_SPALLANZANI),
        organisation=Fact("Giro del Cielo", CARLINO_ORTI_SPALLANZANI),
    ),
    centre(
        name=Fact("Circolo Arci Rondò", CAMMINATA_CAVAZZOLI),
        kind=Fact(CENTRO_SOCIALE, REGGIONLINE_28_CENTRI),
        address=Fact("via Giovanni Rinaldi 45, Reggio Emilia", CAMMINATA_CAVAZZOLI),
        quartiere=Fact("Cavazzoli", CAMMINATA_CAVAZZOLI),
        network=Fact(ARCI, CAMMINATA_CAVAZZOLI),
    ),
    # Opened on 17 December 2016, built by the Comune and Arci, "che lo gestisce".
    centre(
        name=Fact("Centro sociale di Pieve Modolena", COMUNE_PIEVE_2016),
        kind=Fact(CENTRO_SOCIALE, COMUNE_PIEVE_2016),
        address=Fact("via Plauto, Reggio Emilia", COMUNE_PIEVE_2016),
        quartiere=Fact("Pieve Modolena", COMUNE_PIEVE_2016),
        organisation=Fact("Circolo Arci Pieve", ARCI_PIEVE),
        network=Fact(ARCI, COMUNE_PIEVE_2016),
    ),
    # "uno dei centri sociali più grandi della città".
    centre(
        name=Fact("Circolo Arci Pigal", REGGIONLINE_PIGAL),
        kind=Fact(CENTRO_SOCIALE, ARCI_PIGAL),
        address=Fact("via Petrella, Reggio Emilia", ARCI_PIGAL),
        network=Fact(ARCI, ARCI_PIGAL),
    ),
    # In the Canalina-Motti and Compagnoni area, which is no quartiere of the 55.
    centre(
        name=Fact("Circolo Arci Fenulli", GAZZETTA_FENULLI),
        kind=Fact(CENTRO_SOCIALE, QUADERNO_CASE_DI_QUARTIERE),
        network=Fact(ARCI, GAZZETTA_FENULLI),
    ),
    # --- the hub; run under an agreement by an association the source does not name ---
    centre(
        name=Fact("Laboratorio Aperto", COMUNE_CHIOSTRI),
        kind=Fact("laboratorio_aperto", COMUNE_CHIOSTRI),
        address=Fact(
            "Chiostri di San Pietro, via Emilia San Pietro 44c, 42121 Reggio Emilia",
            ITALIA_CHIOSTRI,
        ),
        quartiere=Fact("Centro storico", COMUNE_CHIOSTRI),
    ),
]

# Centres of earlier versions of this file that the sources do not support: seed_demo removes
# them from a demo database unless a person has edited them since.
RETIRED = {
    # A social cooperative of Villa Sesso (addictions, homelessness), not a centro sociale.
    "Centro sociale Papa Giovanni XXIII",
    # No source found that the three still exist: none is in the calls of 2021 and 2022, nor
    # on the Comune's pages.
    "Centro sociale Insieme",
    "Centro sociale Vasca Corbelli",
    "Centro d'Incontro Reggio Est",
}
