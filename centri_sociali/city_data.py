"""The centri sociali of Reggio Emilia, loaded by seed_demo.

Sources and notes on confidence: collabcity/city_data.py, whose sources cover the centres too.
Organisations are named as in collabcity.city_data.ORGANISATIONS.
"""

CENTRES = [
    # --- elenco CSV Emilia, avviso "Da Centro Sociale a Casa di Quartiere" ---
    {
        "name": "Centro sociale Catomes Tot",
        "kind": "centro_sociale",
        "address": "via G. Panciroli 12, Reggio Emilia",
        "quartiere": "Centro storico",
        "organisation": None,
    },
    {
        "name": "Centro sociale Foscato",
        "kind": "centro_sociale",
        "address": "via Foscato 15, Reggio Emilia",
        # Villaggio Foscato, "quartiere storico a sud-ovest": quartiere da verificare
        "quartiere": "Regina Pacis",
        "organisation": None,
    },
    {
        "name": "Centro sociale Gattaglio",
        "kind": "centro_sociale",
        "address": "via Gattaglio 30, Reggio Emilia",
        # Gattaglio e' a ovest del centro storico: quartiere da verificare
        "quartiere": "Centro storico",
        "organisation": None,
    },
    {
        "name": "Centro sociale G. Iotti - La Fontana",
        "kind": "centro_sociale",
        "address": "via Spagni 28/a, Reggio Emilia",
        "quartiere": "Pratofontana",
        "organisation": None,
    },
    {
        "name": "Centro sociale La Mirandola",
        "kind": "centro_sociale",
        "address": "via F.lli Bandiera 12/a, Reggio Emilia",
        "quartiere": "Pieve Modolena",
        "organisation": None,
    },
    {
        "name": "Centro sociale Primavera",
        "kind": "centro_sociale",
        "address": "via Bacone 19, Reggio Emilia",
        "quartiere": "Masone",
        "organisation": "Coopselios",
    },
    {
        "name": "Centro sociale Quaresimo",
        "kind": "centro_sociale",
        "address": "via Pigoni 59, Reggio Emilia",
        "quartiere": "Coviolo",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Centro sociale Tasselli",
        "kind": "centro_sociale",
        "address": "via R. Iotti 2/d, Reggio Emilia",
        "quartiere": "Roncocesi",
        "organisation": None,
    },
    {
        "name": "Centro sociale Venezia",
        "kind": "centro_sociale",
        "address": "via Lombroso 3, Reggio Emilia",
        "quartiere": "Ospizio",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Circolo Nuovo Villaggio Stranieri",
        "kind": "centro_sociale",
        "address": "via Don L. Sturzo 1, Reggio Emilia",
        "quartiere": "Villaggio Stranieri",  # dal nome del centro
        "organisation": None,
    },
    {
        "name": "Centro sociale La Fornace",
        "kind": "centro_sociale",
        "address": "via Cisalpina 40, Reggio Emilia",
        "quartiere": "Santa Croce",  # quartiere da verificare
        "organisation": None,
    },
    # --- seconda tappa del percorso Case di quartiere (comune.re.it, 2022) ---
    {
        "name": "Centro sociale Biasola",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Gavassa",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Centro sociale Buco Magico",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Buco del Signore",  # dal nome, da verificare
        "organisation": None,
    },
    {
        "name": "Centro sociale Fogliano",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Fogliano",
        "organisation": None,
    },
    {
        "name": "Centro sociale La Capannina Paradisa",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Mancasale",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Centro sociale Rosta Nuova",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Rosta Nuova",
        "organisation": None,
    },
    {
        "name": "Centro sociale Orti Montenero",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Crocetta",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Centro sociale Tricolore",
        "kind": "centro_sociale",
        "address": "via Agosti, Reggio Emilia",
        # ex dopolavoro delle Reggiane: quartiere da verificare
        "quartiere": "Santa Croce",
        "organisation": None,
    },
    {
        "name": "Centro sociale Nuovo Gramsci La Casetta",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Sesso",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Centro sociale Il Carrozzone",
        "kind": "centro_sociale",
        "address": "via Gallinari, Reggio Emilia",
        # reggionline: "in via Gallinari a Pieve"
        "quartiere": "Pieve Modolena",
        "organisation": None,
    },
    {
        "name": "Centro sociale Orologio",
        "kind": "centro_sociale",
        "address": "",  # Casino dell'Orologio, civico non trovato
        "quartiere": "Orologio",
        "organisation": None,
    },
    # --- altre fonti ---
    {
        "name": "Casa di quartiere Orti Spallanzani",
        "kind": "centro_sociale",
        "address": "via Toscanini, Reggio Emilia",
        "quartiere": "Buon Pastore",  # quartiere da verificare
        "organisation": "Giro del Cielo",
    },
    {
        "name": "Circolo Arci Rondò",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Cavazzoli",
        "organisation": None,
    },
    {
        "name": "Centro sociale di Pieve Modolena",
        "kind": "centro_sociale",
        "address": "via Plauto, Reggio Emilia",
        "quartiere": "Pieve Modolena",
        "organisation": "Circolo Arci Pieve",
    },
    {
        "name": "Centro sociale Insieme",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Gardenia",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Centro sociale Vasca Corbelli",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Rivalta",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Centro d'Incontro Reggio Est",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "San Maurizio",  # quartiere da verificare
        "organisation": None,
    },
    {
        "name": "Centro sociale Papa Giovanni XXIII",
        "kind": "centro_sociale",
        "address": "",
        "quartiere": "Tondo",  # quartiere da verificare
        "organisation": None,
    },
    # --- hub ---
    {
        "name": "Laboratorio Aperto",
        "kind": "laboratorio_aperto",
        "address": ("Chiostri di San Pietro, via Emilia San Pietro 44/c, 42121 Reggio Emilia"),
        "quartiere": "Centro storico",
        # promosso dal Comune; ente gestore non confermato dalle fonti
        "organisation": None,
    },
]
