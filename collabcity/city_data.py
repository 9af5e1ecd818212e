"""Facts about Reggio Emilia loaded by seed_demo.

Sources:
https://reggiosera.it/2024/11/eletti-i-consiglieri-comunali-referenti-delle-consulte/320131
https://www.slideshare.net/slideshow/atlante-ambito-d-241648322/241648322
https://www.slideshare.net/comunereggioemilia/atlante-ambito-f
https://www.comune.re.it/argomenti/citta-collaborativa/i-progetti/qua-il-quartiere-bene-comune/gli-ambiti-territoriali/ambito-a
https://comune.re.it/argomenti/citta-collaborativa/i-progetti/qua-il-quartiere-bene-comune/gli-ambiti-territoriali/ambito-c
https://home.reggioemilia.progettohamlet.it/home_ambito-g/
https://home.reggioemilia.progettohamlet.it/home_ambito-h
https://www.ilrestodelcarlino.it/reggio-emilia/cronaca/consulta-h-il-viaggio-qui-6c614b5f
https://www.ilrestodelcarlino.it/reggio-emilia/cronaca/centro-storico-le-sfide-fermare-6733aa42
https://www.teletricolore.it/?p=16981
https://www.euarenas.eu/post/the-journey-of-the-councils-from-civic-protagonists-to-builders-of-pacts-for-the-future-of-reggio-e
https://reggio.csvemilia.it/bando/avviso-pubblico-da-centro-sociale-a-casa-di-quartiere
http://oldwww.comune.re.it/retecivica/urp/retecivi.nsf/PESDocumentID/2F8A143485699144C1258514003D9E9A?opendocument&FROM=Cllbrtrdqrtr
https://comune.re.it/argomenti/citta-collaborativa/i-progetti/case-di-quartiere
https://www.sassuolo2000.it/2024/03/28/dalla-regione-un-finanziamento-per-co-progettare-i-servizi-di-prossimita-in-sei-centri-sociali-reggiani/
https://www.reggionline.com/reggio-emilia-si-lavora-ai-centri-sociali-del-futuro-video
https://www.reggionline.com/dpcm-anche-centri-sociali-grande-difficolta-video
https://www.reggionline.com/festa-centro-reggio-riaperto-centro-sociale-catomes-tot-video
https://www.reggionline.com/centro-sociale-tricolore-rischio-chiusura-un-riferimento-quartiere-non-puo-finire-cosi
https://www.ilrestodelcarlino.it/reggio-emilia/cronaca/riapre-la-casa-di-quartiere-orti-spallanzani-98ce0c02
https://www.gazzettadireggio.it/reggio/cronaca/2014/04/25/news/la-mirandola-qui-si-lavora-per-il-futuro-1.9112199
http://quaderno.comune.re.it/tag/masone/
https://quaderno.comune.re.it/category/storie-dai-quartieri/page/10
http://www.municipio.re.it/retecivica/urp/retecivi.nsf/DocumentID/DD3B22EE16CF85D4C125809000309D6A?Opendocument
http://www.comune.re.it/retecivica/urp/retecivi.nsf/PESDocumentID/AE820B06ECB62CE2C1257DD6002DB588?opendocument
https://fdocumenti.com/document/centri-sociali-2020-lidentita-il-futuro-world-cafe-marzoaprile.html
https://www.reggio2000.it/2010/07/15/reggio-un-nuovo-centro-sociale-polivalente-e-una-piazza-al-villaggio-foscato
https://www.comune.re.it/retecivica/urp/retecivi.nsf/PESDocumentID/C5EB58D0CB8F2333C125849B0028CB02?opendocument&FROM=DSnPtrdttt
https://www.reggiosera.it/2020/06/chiostri-di-san-pietro-riaprono-le-visite-libere-guidate/267077/
https://www.sassuolo2000.it/2020/10/27/reggio-emilia-i-quartieri-ripartono-pubblicata-la-graduatoria-dei-progetti-selezionati-dedicati-alla-co-progettazione-di-servizi-di-prossimita-per-la-cura-delle-persone/
https://www.reggiosera.it/2021/11/zona-stazione-aprono-tre-spazi-sociali/283753/

Notes on confidence:
- Ambito names: D and F are the titles of the Atlante; G and H are the titles
  used by the Comune's Hamlet pages; I is called "Centro storico" by the
  Comune and the press. The titles of A, B, C and E were not found: they keep
  the neutral "Ambito X" placeholder.
- Quartieri per ambito come from the reggiosera list of the consulte (A-G),
  the Comune's ambito pages (A, C), the Atlante (D, F) and il Resto del
  Carlino / Hamlet (H). Ambito I is the single quartiere "Centro storico"
  (il Resto del Carlino: "nono ed ultimo ambito dei 55 quartieri").
- Centres: names and addresses are from the sources above. Where a comment
  says "quartiere da verificare" the source gives the centre but not its
  quartiere: the value is a provisional best guess, not a sourced fact.
"""

AMBITI = [
    {
        "code": "A",
        "name": "Ambito A",  # titolo dell'Atlante non trovato
        "quartieri": ["Gaida", "Cadè", "Cella", "Roncocesi", "Cavazzoli"],
    },
    {
        "code": "B",
        "name": "Ambito B",  # titolo dell'Atlante non trovato
        "quartieri": [
            "Pieve Modolena",
            "Carrozzone",
            "Regina Pacis",
            "Bell'Albero-Premuda",
            "Orologio",
            "Roncina",
            "Santo Stefano",  # in reggiosera, assente dall'elenco di teletricolore
        ],
    },
    {
        "code": "C",
        "name": "Ambito C",  # titolo dell'Atlante non trovato
        "quartieri": [
            "San Bartolomeo",
            "Rivalta",
            "Coviolo",
            "Canali",
            "Fogliano",
            "Codemondo",
        ],
    },
    {
        "code": "D",
        "name": "Quartieri urbani tra il Crostolo e il Rodano",
        "quartieri": [
            "Baragalla",
            "Belvedere",
            "Buco del Signore",
            "Buon Pastore",
            "Crocetta",
            "Strada Alta",
            "Migliolungo",
            "Pappagnocca",
            "Porta Castello",
            "Rosta Nuova",
            "San Pellegrino",
        ],
    },
    {
        "code": "E",
        "name": "Ambito E",  # titolo dell'Atlante non trovato
        "quartieri": [
            "Mirabello",
            "Ospizio",
            "Porta San Pietro",
            "San Maurizio",
            "Villaggio Stranieri",
            # reggiosera: "c'e' anche la zona stazione"; nome esatto non confermato
            "Zona Stazione",
        ],
    },
    {
        "code": "F",
        "name": "Frazioni rurali lungo la via Emilia Est",
        "quartieri": [
            "Bagno",
            "Castellazzo",
            "Corticella",
            "Gavasseto",
            "Marmirolo",
            "Masone",
            "Roncadella",
            "Sabbione",
        ],
    },
    {
        "code": "G",
        "name": "Quartieri della pianura nord e delle infrastrutture",  # Hamlet
        "quartieri": [
            "Gavassa",
            "Mancasale",
            "Massenzatico",
            "Pratofontana",
            "Sesso",  # "Villa Sesso" su Hamlet
        ],
    },
    {
        "code": "H",
        "name": "Quartieri a nord del centro e delle Reggiane",  # Hamlet
        "quartieri": [
            "Porta Santa Croce",
            "Santa Croce",
            "Tondo",
            "Gardenia",
            "Tribunale",  # "Tribunale – San Paolo" su Hamlet
            "San Prospero Strinati",
        ],
    },
    {
        "code": "I",
        "name": "Centro storico",
        "quartieri": ["Centro storico"],
    },
]

ORGANISATIONS = [
    {
        "name": "Comune di Reggio Emilia",
        "kind": "comune",
        "description": (
            "Amministrazione comunale: coordina le Consulte d'ambito, i "
            "centri sociali e le Case di quartiere con il progetto "
            "Quartiere Bene Comune."
        ),
    },
    {
        "name": "ANCeSCAO Reggio Emilia",
        "kind": "aps",
        "description": (
            "Associazione nazionale Centri sociali, Comitati anziani e Orti: "
            "coordina gran parte dei centri sociali della città e della "
            "provincia."
        ),
    },
    {
        "name": "Arci Comitato Territoriale Reggio Emilia",
        "kind": "aps",
        "description": (
            "Comitato territoriale dell'Arci, rete di circoli ricreativi e "
            "culturali, partner del Comune nel percorso sui centri sociali."
        ),
    },
    {
        "name": "CSV Emilia",
        "kind": "ets",
        "description": (
            "Centro Servizi per il Volontariato: supporta e informa gli enti "
            "del Terzo settore, anche sugli avvisi del Comune."
        ),
    },
    {
        "name": "Auser Reggio Emilia",
        "kind": "associazione",
        "description": (
            "Associazione di volontariato per l'invecchiamento attivo, "
            "presente nei centri sociali con attività per anziani."
        ),
    },
    {
        "name": "Uisp",
        "kind": "associazione",
        "description": (
            "Unione italiana sport per tutti, promotrice di progetti di prossimità nei quartieri."
        ),
    },
    {
        "name": "Circolo Arci Pieve",
        "kind": "aps",
        "description": (
            "Circolo Arci di Pieve Modolena, gestisce il centro sociale di "
            "via Plauto realizzato con il Comune."
        ),
    },
    {
        "name": "Coopselios",
        "kind": "cooperativa",
        "description": (
            "Cooperativa sociale che ha vinto il bando per la gestione del "
            "Centro sociale Primavera di Masone."
        ),
    },
    {
        "name": "Giro del Cielo",
        "kind": "cooperativa",
        "description": (
            "Cooperativa sociale che gestisce la Casa di quartiere Orti "
            "Spallanzani di via Toscanini."
        ),
    },
    {
        "name": "Cooperativa Impossibile",
        "kind": "cooperativa",
        "description": (
            "Cooperativa che conduce le 'stazioni di comunità' della zona "
            "stazione (Ca' Reggio, 20Sette, IV11)."
        ),
    },
]
