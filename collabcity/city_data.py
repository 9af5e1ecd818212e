"""Facts about Reggio Emilia loaded by seed_demo: the ambiti, their quartieri, organisations.

Every fact is a `Fact(value, source)`: the public page that states it and the day it was read
(the pages were read in the stored copies of the public web available to the project). A fact
no public page gives is None, and stays blank on the portal: the titles of ambiti A, B, C and E
were not found, so those ambiti are known by their letter alone. A Comune installing the portal
replaces these files with its own city, each fact with its source (see the README).

Where the sources disagree, the data follows the Comune's own documents and says so: ambito D
has 11 quartieri in its Atlante (Porta Castello included) and 10 in the press; ambito E has
"Zona Stazione" in the press ("c'è anche la zona stazione") and no Porta San Pietro in
il Resto del Carlino; ambito H has Porta Santa Croce in il Resto del Carlino and not on Hamlet.
"""

from datetime import date

from .city import Fact, Source

READ_ON = date(2026, 11, 29)

# --- ambiti and quartieri ---
REGGIOSERA_CONSULTE = Source(
    "https://reggiosera.it/2024/11/eletti-i-consiglieri-comunali-referenti-delle-consulte/320131",
    READ_ON,
)
ATLANTE_D = Source(
    "https://www.slideshare.net/slideshow/atlante-ambito-d-241648322/241648322", READ_ON
)
ATLANTE_F = Source("https://www.slideshare.net/comunereggioemilia/atlante-ambito-f", READ_ON)
HAMLET_G = Source("https://home.reggioemilia.progettohamlet.it/home_ambito-g/", READ_ON)
HAMLET_H = Source("https://home.reggioemilia.progettohamlet.it/home_ambito-h", READ_ON)
CARLINO_CONSULTA_H = Source(
    "https://www.ilrestodelcarlino.it/reggio-emilia/cronaca/consulta-h-il-viaggio-qui-6c614b5f",
    READ_ON,
)
CARLINO_CENTRO_STORICO = Source(
    "https://www.ilrestodelcarlino.it/reggio-emilia/cronaca/centro-storico-le-sfide-fermare-6733aa42",
    READ_ON,
)

# --- organisations ---
COMUNE_CASE_DI_QUARTIERE = Source(
    "https://comune.re.it/argomenti/citta-collaborativa/i-progetti/case-di-quartiere", READ_ON
)
ANCESCAO_CENTRI = Source("http://www.ancescaore.it/?p=2160", READ_ON)
ARCI_PIGAL = Source("https://arcire.it/aria-nuova-al-pigal", READ_ON)
ARCI_PIEVE = Source(
    "https://arcire.it/nuovo-centro-sociale-a-pieve-modolena-il-circolo-arci-ci-mette-350mila-euro",
    READ_ON,
)
COMUNE_PIEVE_2016 = Source(
    "http://www.municipio.re.it/retecivica/urp/retecivi.nsf/DocumentID/"
    "DD3B22EE16CF85D4C125809000309D6A?Opendocument",
    READ_ON,
)
CSV_DA_CENTRO_SOCIALE = Source(
    "https://reggio.csvemilia.it/bando/avviso-pubblico-da-centro-sociale-a-casa-di-quartiere",
    READ_ON,
)
QUADERNO_CASE_DI_QUARTIERE = Source("https://quaderno.comune.re.it/tag/case-di-quartiere/", READ_ON)
QUARTIERI_RIPARTONO_2020 = Source(
    "https://www.sassuolo2000.it/2020/10/27/reggio-emilia-i-quartieri-ripartono-pubblicata-la-"
    "graduatoria-dei-progetti-selezionati-dedicati-alla-co-progettazione-di-servizi-di-"
    "prossimita-per-la-cura-delle-persone/",
    READ_ON,
)
NUOVA_PRIMAVERA = Source(
    "https://www.socialcohesiondays.com/2018/story/una-nuova-primavera", READ_ON
)
CARLINO_ORTI_SPALLANZANI = Source(
    "https://www.ilrestodelcarlino.it/reggio-emilia/cronaca/riapre-la-casa-di-quartiere-orti-"
    "spallanzani-98ce0c02",
    READ_ON,
)
COOPERATIVA_IMPOSSIBILE = Source("https://www.coopimpossibile.net/blog/previous/2", READ_ON)
COMUNE_VILLAGGIO_STRANIERI = Source(
    "https://comune.re.it/vivere-reggio-emilia/luoghi/centri-sociali/centro-sociale-circolo-arci-"
    "il-circolo-del",
    READ_ON,
)


def quartieri(names: list[str], source: Source) -> list[Fact]:
    return [Fact(name, source) for name in names]


AMBITI = [
    {
        "code": "A",
        "title": None,  # not found: the Comune's page is headed "Ambito A"
        "quartieri": quartieri(
            ["Gaida", "Cadè", "Cella", "Roncocesi", "Cavazzoli"], REGGIOSERA_CONSULTE
        ),
    },
    {
        "code": "B",
        "title": None,  # not found
        "quartieri": quartieri(
            [
                "Pieve Modolena",
                "Carrozzone",
                "Regina Pacis",
                "Bell'Albero-Premuda",
                "Orologio",
                "Roncina",
                "Santo Stefano",  # reggiosera only; the other lists of ambito B leave it out
            ],
            REGGIOSERA_CONSULTE,
        ),
    },
    {
        "code": "C",
        "title": None,  # not found: the Comune's page is headed "Ambito C"
        "quartieri": quartieri(
            ["San Bartolomeo", "Rivalta", "Coviolo", "Canali", "Fogliano", "Codemondo"],
            REGGIOSERA_CONSULTE,
        ),
    },
    {
        "code": "D",
        "title": Fact("Quartieri urbani tra il Crostolo e il Rodano", ATLANTE_D),
        "quartieri": quartieri(
            [
                "Baragalla",
                "Belvedere",
                "Buco del Signore",
                "Buon Pastore",
                "Crocetta",
                "Strada Alta",
                "Migliolungo",
                "Pappagnocca",
                "Porta Castello",  # in the Atlante, not in the press lists of the consulta
                "Rosta Nuova",
                "San Pellegrino",
            ],
            ATLANTE_D,
        ),
    },
    {
        "code": "E",
        "title": None,  # not found
        "quartieri": quartieri(
            [
                "Mirabello",
                "Ospizio",
                "Porta San Pietro",
                "San Maurizio",
                "Villaggio Stranieri",
                "Zona Stazione",  # reggiosera: "c'è anche la zona stazione"
            ],
            REGGIOSERA_CONSULTE,
        ),
    },
    {
        "code": "F",
        "title": Fact("Frazioni rurali lungo la via Emilia Est", ATLANTE_F),
        "quartieri": quartieri(
            [
                "Bagno",
                "Castellazzo",
                "Corticella",
                "Gavasseto",
                "Marmirolo",
                "Masone",
                "Roncadella",
                "Sabbione",
            ],
            ATLANTE_F,
        ),
    },
    {
        "code": "G",
        "title": Fact("Quartieri della pianura nord e delle infrastrutture", HAMLET_G),
        "quartieri": quartieri(
            # "Villa Sesso" on Hamlet.
            ["Gavassa", "Mancasale", "Massenzatico", "Pratofontana", "Sesso"],
            REGGIOSERA_CONSULTE,
        ),
    },
    {
        "code": "H",
        "title": Fact("Quartieri a nord del centro e delle Reggiane", HAMLET_H),
        "quartieri": [
            Fact("Porta Santa Croce", CARLINO_CONSULTA_H),
            *quartieri(
                # "Tribunale – San Paolo" on Hamlet.
                ["Santa Croce", "Tondo", "Gardenia", "Tribunale", "San Prospero Strinati"],
                HAMLET_H,
            ),
        ],
    },
    {
        "code": "I",
        # "nono ed ultimo ambito dei 55 quartieri", whose consulta is the Consulta Centro Storico.
        "title": Fact("Centro storico", CARLINO_CENTRO_STORICO),
        "quartieri": quartieri(["Centro storico"], CARLINO_CENTRO_STORICO),
    },
]

ORGANISATIONS = [
    {
        "name": Fact("Comune di Reggio Emilia", COMUNE_CASE_DI_QUARTIERE),
        "kind": Fact("comune", COMUNE_CASE_DI_QUARTIERE),
        "description": Fact(
            "Amministrazione comunale: accompagna i centri sociali, spazi di proprietà pubblica "
            "gestiti dai cittadini, nel percorso che li trasforma in Case di quartiere.",
            COMUNE_CASE_DI_QUARTIERE,
        ),
    },
    {
        "name": Fact("ANCeSCAO Reggio Emilia", ANCESCAO_CENTRI),
        "kind": Fact("associazione", ANCESCAO_CENTRI),
        "description": Fact(
            "Coordinamento provinciale Centri sociali anziani ed orti «S. Ruscelli»: la rete "
            "a cui aderiscono molti centri sociali della città, tra cui Biasola, Buco Magico, "
            "Catomes Tot, Foscato, Gattaglio, Orologio, Orti Montenero, Quaresimo, Rosta Nuova "
            "e Tricolore.",
            ANCESCAO_CENTRI,
        ),
    },
    {
        "name": Fact("Arci Comitato Territoriale Reggio Emilia", QUARTIERI_RIPARTONO_2020),
        "kind": Fact("associazione", QUARTIERI_RIPARTONO_2020),
        "description": Fact(
            "Comitato territoriale dell'Arci, la rete dei circoli ricreativi e culturali della "
            "provincia, tra cui il Pigal, uno dei centri sociali più grandi della città.",
            ARCI_PIGAL,
        ),
    },
    {
        "name": Fact("CSV Emilia", CSV_DA_CENTRO_SOCIALE),
        "kind": Fact("ets", CSV_DA_CENTRO_SOCIALE),
        "description": Fact(
            "Centro servizi per il volontariato: informa gli enti del Terzo settore sugli avvisi "
            "del Comune, come «Da centro sociale a Casa di quartiere».",
            CSV_DA_CENTRO_SOCIALE,
        ),
    },
    {
        "name": Fact("Auser Reggio Emilia", COOPERATIVA_IMPOSSIBILE),
        "kind": Fact("associazione", COOPERATIVA_IMPOSSIBILE),
        "description": Fact(
            "Associazione di volontariato: i suoi volontari sono con il Circolo Arci Fenulli "
            "nella Cucina Popolare.",
            QUADERNO_CASE_DI_QUARTIERE,
        ),
    },
    {
        "name": Fact("Uisp", QUARTIERI_RIPARTONO_2020),
        "kind": Fact("associazione", QUARTIERI_RIPARTONO_2020),
        "description": Fact(
            "Associazione sportiva: il suo progetto «Vicino al vicino» è tra quelli scelti dal "
            "Comune con l'avviso «I quartieri ripartono» (2020).",
            QUARTIERI_RIPARTONO_2020,
        ),
    },
    {
        "name": Fact("Circolo Arci Pieve", ARCI_PIEVE),
        "kind": Fact("associazione", ARCI_PIEVE),
        "description": Fact(
            "Circolo Arci di Pieve Modolena: gestisce il centro sociale di via Plauto, "
            "realizzato con il Comune e inaugurato il 17 dicembre 2016.",
            COMUNE_PIEVE_2016,
        ),
    },
    {
        "name": Fact("Coopselios", NUOVA_PRIMAVERA),
        "kind": Fact("cooperativa", NUOVA_PRIMAVERA),
        "description": Fact(
            "Cooperativa sociale: con il progetto «Una nuova Primavera» ha aperto a tutte le età "
            "il Centro sociale Primavera di Masone.",
            NUOVA_PRIMAVERA,
        ),
    },
    {
        "name": Fact("Giro del Cielo", CARLINO_ORTI_SPALLANZANI),
        "kind": Fact("cooperativa", CARLINO_ORTI_SPALLANZANI),
        "description": Fact(
            "Cooperativa sociale che gestisce la Casa di quartiere Orti Spallanzani di via "
            "Toscanini.",
            CARLINO_ORTI_SPALLANZANI,
        ),
    },
    {
        "name": Fact("Cooperativa Impossibile", COOPERATIVA_IMPOSSIBILE),
        "kind": Fact("cooperativa_comunita", COOPERATIVA_IMPOSSIBILE),
        "description": Fact(
            "Cooperativa di comunità della zona stazione: con il Comune ha riaperto tre spazi "
            "alla comunità, Cà Reggio, Civico 20sette e IVnovembre.",
            COOPERATIVA_IMPOSSIBILE,
        ),
    },
    {
        "name": Fact("Accademia di Quartiere", COMUNE_VILLAGGIO_STRANIERI),
        "kind": Fact("associazione", COMUNE_VILLAGGIO_STRANIERI),
        "description": Fact(
            "Associazione che dal 2022 gestisce la Casa di quartiere del Circolo Arci Villaggio "
            "Stranieri.",
            COMUNE_VILLAGGIO_STRANIERI,
        ),
    },
]
