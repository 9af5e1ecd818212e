"""Demo content of this programme, loaded by `manage.py seed_demo`; must be idempotent.

A handful of agreements in the style of Reggio Emilia's accordi di cittadinanza, one or more in
every state, with dates relative to today so that the demo always looks current. Rows are
written only when something differs, so that a second run adds no history either.
"""

import io
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from centri_sociali.models import Centre
from collabcity.models import Organisation, Quartiere, User
from consulte.models import Council, OpinionRequest

from .models import (
    Action,
    Agreement,
    Attachment,
    Call,
    Commitment,
    Indicator,
    Measurement,
    Party,
    Proposal,
    ProposalComment,
    ProposalFollow,
    ProposalStatusChange,
    Status,
    StatusChange,
    Support,
    Theme,
)

COMUNE = "Comune di Reggio Emilia"
STAFF_EMAIL = "personale@demo.collabcity.it"
CITIZEN_EMAIL = "cittadina@demo.collabcity.it"
LIFECYCLE = [Status.DRAFT, Status.CODESIGN, Status.APPROVED, Status.SIGNED, Status.ACTIVE]


def _upsert(model, lookup: dict, values: dict):
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save()
    return obj


def _agreements(today) -> list[dict]:
    d = timedelta(days=1)
    return [
        {
            "slug": "portierato-di-quartiere-santa-croce",
            "title": "Portierato di quartiere in zona stazione",
            "status": Status.CONCLUDED,
            "theme": Theme.COMMUNITY_CARE,
            "quartieri": ["Zona Stazione", "Porta San Pietro"],
            "summary": (
                "Un punto di riferimento per i vicini: piccole commissioni per gli anziani, "
                "ritiro dei pacchi, informazioni sui servizi del Comune e del quartiere."
            ),
            "objectives": "Ridurre la solitudine degli anziani\nFar conoscere i servizi di "
            "prossimità\nCreare una rete di vicinato",
            "resources": "Uno spazio al piano terra di un immobile comunale, aperto cinque "
            "mattine a settimana.",
            "start": today - 760 * d,
            "end": today - 30 * d,
            "resolution": ("187/2024", today - 800 * d),
            "final_report": (
                "In due anni il portierato ha aiutato 214 famiglie e coinvolto 38 volontari. "
                "Il servizio prosegue con un nuovo accordo in co-progettazione."
            ),
            "parties": [
                (COMUNE, "comune", "Lucia Verdi", "Assessora alla partecipazione", None),
                ("Cooperativa Impossibile", "organizzazione", "Marco Ferri", "Presidente", None),
                ("Auser Reggio Emilia", "organizzazione", "Anna Greco", "Presidente", None),
            ],
            "actions": [
                ("Sportello di portierato", "Via Turri 8", "dal lunedì al venerdì, 9-12"),
                ("Commissioni per gli anziani soli", "Zona stazione", "su richiesta"),
            ],
            "commitments": [
                (COMUNE, Commitment.Kind.SPACES, "Locale al piano terra", Decimal(60), "m²"),
                (COMUNE, Commitment.Kind.FUNDS, "Contributo per le utenze", Decimal(8000), ""),
                ("Cooperativa Impossibile", Commitment.Kind.ACTIVITIES, "Coordinamento", None, ""),
                (
                    "Auser Reggio Emilia",
                    Commitment.Kind.VOLUNTEER_HOURS,
                    "Turni allo sportello",
                    Decimal(1500),
                    "",
                ),
            ],
            "indicators": [
                (
                    "Famiglie aiutate",
                    "famiglie",
                    Decimal(200),
                    [(-400, 96), (-120, 180), (-35, 214)],
                ),
                ("Volontari attivi", "persone", Decimal(40), [(-400, 22), (-35, 38)]),
            ],
        },
        {
            "slug": "cura-del-verde-parco-ottavi",
            "title": "Cura del verde al parco del quartiere Orologio",
            "status": Status.ACTIVE,
            "theme": Theme.GREEN,
            "quartieri": ["Orologio"],
            "summary": (
                "I residenti si prendono cura delle aiuole e delle panchine del parco, il "
                "Comune fornisce attrezzi e smaltisce il verde raccolto."
            ),
            "objectives": "Un parco pulito e accogliente\nCoinvolgere le famiglie del "
            "quartiere\nPiantare nuovi alberi",
            "resources": "Attrezzi da giardinaggio in comodato, ritiro del verde da parte di IREN.",
            "start": today - 200 * d,
            "end": today + 40 * d,
            "resolution": ("52/2025", today - 240 * d),
            "parties": [
                (COMUNE, "comune", "Lucia Verdi", "Assessora alla partecipazione", None),
                (
                    "Residenti del parco Orologio",
                    "gruppo_informale",
                    "Giovanni Bassi",
                    "Referente del gruppo",
                    None,
                ),
                ("Auser Reggio Emilia", "organizzazione", "Anna Greco", "Presidente", None),
            ],
            "actions": [
                ("Pulizia delle aiuole", "Parco di via Premuda", "il primo sabato del mese"),
                ("Piantumazione di 20 alberi", "Lato nord del parco", "in autunno"),
                ("Festa di quartiere", "Centro sociale Orologio", "a settembre"),
            ],
            "commitments": [
                (COMUNE, Commitment.Kind.MATERIALS, "Attrezzi e piante", Decimal(20), "alberi"),
                (COMUNE, Commitment.Kind.FUNDS, "Acquisto delle piante", Decimal("2500.00"), ""),
                (COMUNE, Commitment.Kind.STAFF_HOURS, "Tecnico del verde", Decimal(40), ""),
                (
                    "Residenti del parco Orologio",
                    Commitment.Kind.VOLUNTEER_HOURS,
                    "Giornate di cura",
                    Decimal(300),
                    "",
                ),
            ],
            "indicators": [
                ("Giornate di cura svolte", "giornate", Decimal(12), [(-150, 2), (-60, 5)]),
                ("Alberi piantati", "alberi", Decimal(20), [(-60, 8)]),
                ("Famiglie coinvolte", "famiglie", Decimal(50), []),
            ],
        },
        {
            "slug": "doposcuola-centro-sociale-orologio",
            "title": "Doposcuola solidale al Centro sociale Orologio",
            "status": Status.ACTIVE,
            "theme": Theme.EDUCATION,
            "quartieri": ["Orologio", "Regina Pacis"],
            "summary": (
                "Tre pomeriggi a settimana i ragazzi delle medie fanno i compiti con volontari "
                "ed educatori, poi merenda e giochi insieme."
            ),
            "objectives": "Sostenere i ragazzi in difficoltà con lo studio\nAprire il centro "
            "sociale ai giovani",
            "resources": "Sala studio del centro sociale, materiale didattico.",
            "start": today - 100 * d,
            "end": today + 265 * d,
            "resolution": ("118/2025", today - 130 * d),
            "parties": [
                (COMUNE, "comune", "Lucia Verdi", "Assessora alla partecipazione", None),
                (
                    "Arci Comitato Territoriale Reggio Emilia",
                    "organizzazione",
                    "Paolo Riva",
                    "Presidente",
                    None,
                ),
                ("Centro sociale Orologio", "organizzazione", "Rita Cocconi", "Presidente", None),
            ],
            "actions": [
                ("Doposcuola", "Centro sociale Orologio", "lunedì, mercoledì e venerdì, 15-18"),
                ("Formazione dei volontari", "Centro sociale Orologio", "a inizio anno"),
            ],
            "commitments": [
                (COMUNE, Commitment.Kind.FUNDS, "Educatore professionale", Decimal(6000), ""),
                (
                    "Centro sociale Orologio",
                    Commitment.Kind.SPACES,
                    "Sala studio",
                    Decimal(45),
                    "m²",
                ),
                (
                    "Arci Comitato Territoriale Reggio Emilia",
                    Commitment.Kind.VOLUNTEER_HOURS,
                    "Volontari per i compiti",
                    Decimal(600),
                    "",
                ),
            ],
            "indicators": [
                ("Ragazzi iscritti", "ragazzi", Decimal(30), [(-70, 14), (-10, 22)]),
            ],
        },
        {
            "slug": "orti-urbani-rosta-nuova",
            "title": "Orti urbani condivisi a Rosta Nuova",
            "status": Status.SIGNED,
            "theme": Theme.ENVIRONMENT,
            "quartieri": ["Rosta Nuova"],
            "summary": (
                "Trenta orti assegnati a residenti di ogni età, un orto didattico per le scuole "
                "e una compostiera di comunità."
            ),
            "objectives": "Recuperare un'area verde inutilizzata\nFavorire l'incontro tra "
            "generazioni",
            "resources": "Area comunale di 3.000 m², allacciamento idrico.",
            "start": today + 14 * d,
            "end": today + 3 * 365 * d,
            "resolution": ("201/2025", today - 40 * d),
            "parties": [
                (COMUNE, "comune", "Lucia Verdi", "Assessora alla partecipazione", None),
                (
                    "ANCeSCAO Reggio Emilia",
                    "organizzazione",
                    "Franco Bertolini",
                    "Presidente",
                    None,
                ),
            ],
            "actions": [
                ("Assegnazione degli orti", "Via Fratelli Rosselli", "entro il primo mese"),
                ("Orto didattico con le scuole", "Via Fratelli Rosselli", "da marzo a giugno"),
            ],
            "commitments": [
                (COMUNE, Commitment.Kind.SPACES, "Area verde", Decimal(3000), "m²"),
                (COMUNE, Commitment.Kind.FUNDS, "Recinzione e impianto idrico", Decimal(12000), ""),
                (
                    "ANCeSCAO Reggio Emilia",
                    Commitment.Kind.ACTIVITIES,
                    "Gestione degli orti",
                    None,
                    "",
                ),
            ],
            "indicators": [("Orti assegnati", "orti", Decimal(30), [])],
        },
        {
            "slug": "sport-nei-parchi-uisp",
            "title": "Sport nei parchi di Pieve Modolena",
            "status": Status.APPROVED,
            "theme": Theme.SPORT,
            "quartieri": ["Pieve Modolena"],
            "summary": "Ginnastica dolce, camminate e giochi all'aperto gratuiti nei parchi.",
            "objectives": "Attività fisica per tutte le età\nParchi vissuti e sicuri",
            "resources": "",
            "start": today + 30 * d,
            "end": today + 395 * d,
            "resolution": ("233/2025", today - 5 * d),
            "parties": [
                (COMUNE, "comune", "Lucia Verdi", "Assessora alla partecipazione", None),
                ("Uisp", "organizzazione", "Sara Monti", "Presidente", None),
                ("Circolo Arci Pieve", "organizzazione", "Luca Ferrari", "Presidente", None),
            ],
            "actions": [("Camminate di gruppo", "Parco di Pieve", "martedì e giovedì, 9-10")],
            "commitments": [
                (COMUNE, Commitment.Kind.FUNDS, "Istruttori qualificati", Decimal(4000), ""),
                ("Uisp", Commitment.Kind.ACTIVITIES, "Corsi all'aperto", None, ""),
            ],
            "indicators": [("Partecipanti", "persone", Decimal(120), [])],
        },
        {
            "slug": "repair-cafe-laboratorio-aperto",
            "title": "Repair café: ripariamo insieme",
            "status": Status.CODESIGN,
            "theme": Theme.LOCAL_ECONOMY,
            "quartieri": ["Centro storico"],
            "summary": (
                "Un sabato al mese volontari esperti aiutano a riparare piccoli elettrodomestici, "
                "biciclette e vestiti invece di buttarli."
            ),
            "objectives": "Meno rifiuti\nImparare a riparare\nSostenere gli artigiani del centro",
            "resources": "",
            "start": today + 90 * d,
            "end": today + 455 * d,
            "resolution": None,
            "parties": [
                (COMUNE, "comune", "Lucia Verdi", "Assessora alla partecipazione", None),
                ("Giro del Cielo", "organizzazione", "Elena Codeluppi", "Referente", CITIZEN_EMAIL),
            ],
            "actions": [("Giornata di riparazione", "Laboratorio Aperto", "un sabato al mese")],
            "commitments": [
                (
                    "Giro del Cielo",
                    Commitment.Kind.VOLUNTEER_HOURS,
                    "Riparatori volontari",
                    Decimal(200),
                    "",
                ),
            ],
            "indicators": [("Oggetti riparati", "oggetti", Decimal(300), [])],
        },
        {
            "slug": "pedibus-scuola-primaria-bagno",
            "title": "Pedibus per la scuola primaria di Bagno",
            "status": Status.DRAFT,
            "theme": Theme.EDUCATION,
            "quartieri": ["Bagno"],
            "summary": "Genitori e nonni accompagnano a piedi i bambini a scuola.",
            "objectives": "",
            "resources": "",
            "start": None,
            "end": None,
            "resolution": None,
            "parties": [
                (COMUNE, "comune", "Lucia Verdi", "Assessora alla partecipazione", None),
                (
                    "Genitori della scuola di Bagno",
                    "gruppo_informale",
                    "Chiara Manfredi",
                    "Referente",
                    None,
                ),
            ],
            "actions": [],
            "commitments": [],
            "indicators": [],
        },
    ]


def _pdf(title: str) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    page.setTitle(title)
    page.drawString(72, 770, "Comune di Reggio Emilia")
    page.drawString(72, 740, title)
    page.drawString(72, 710, "Documento dimostrativo di CollabCity.")
    page.save()
    return buffer.getvalue()


def load(command) -> None:
    """Create or update this programme's demo content; `command` is the running seed_demo."""
    today = timezone.localdate()
    staff = User.objects.filter(email=STAFF_EMAIL).first()
    for entry in _agreements(today):
        _load_agreement(entry, today, staff)


def _load_agreement(entry: dict, today, staff) -> None:
    status = entry["status"]
    resolution = entry["resolution"]
    reached = LIFECYCLE.index(status) if status in LIFECYCLE else len(LIFECYCLE)
    approved = status in (Status.APPROVED, Status.SIGNED, Status.ACTIVE, Status.CONCLUDED)
    agreement = _upsert(
        Agreement,
        {"slug": entry["slug"]},
        {
            "title": entry["title"],
            "status": status,
            "theme": entry["theme"],
            "summary": entry["summary"],
            "objectives": entry["objectives"],
            "resources": entry["resources"],
            "start_date": entry["start"],
            "end_date": entry["end"],
            "resolution_number": resolution[0] if resolution else "",
            "resolution_date": resolution[1] if resolution else None,
            "final_report": entry.get("final_report", ""),
            "approved_at": _moment(resolution[1]) if approved else None,
        },
    )
    quartieri = set(Quartiere.objects.filter(name__in=entry["quartieri"]))
    if set(agreement.quartieri.all()) != quartieri:
        agreement.quartieri.set(quartieri)
    signed_on = resolution[1] + timedelta(days=10) if resolution and reached >= 3 else None
    parties = {}
    for order, (name, kind, signatory, role, representative) in enumerate(entry["parties"]):
        organisation = Organisation.objects.filter(name=name).first()
        lookup = {"agreement": agreement, "organisation": organisation}
        if organisation is None:
            lookup = {"agreement": agreement, "name": name}
        parties[name] = _upsert(
            Party,
            lookup,
            {
                "kind": kind,
                "signatory_name": signatory,
                "signatory_role": role,
                "signed_on": signed_on,
                "order": order,
                "representative": User.objects.filter(email=representative).first()
                if representative
                else None,
            },
        )
    for order, (title, place, schedule) in enumerate(entry["actions"]):
        _upsert(
            Action,
            {"agreement": agreement, "title": title},
            {"place": place, "schedule": schedule, "order": order},
        )
    for party, kind, description, amount, unit in entry["commitments"]:
        _upsert(
            Commitment,
            {"agreement": agreement, "party": parties[party], "description": description},
            {"kind": kind, "amount": amount, "unit": Commitment.FIXED_UNITS.get(kind, unit)},
        )
    for order, (name, unit, target, values) in enumerate(entry["indicators"]):
        indicator = _upsert(
            Indicator,
            {"agreement": agreement, "name": name},
            {"unit": unit, "target": target, "order": order},
        )
        dates = []
        for days, value in values:
            measured_on = today + timedelta(days=days)
            dates.append(measured_on)
            _upsert(
                Measurement,
                {"indicator": indicator, "measured_on": measured_on},
                {"value": Decimal(value)},
            )
        # Relative dates move every day: yesterday's demo values give way to today's.
        indicator.measurements.exclude(measured_on__in=dates).delete()
    _load_path(agreement, status, today, staff)
    if approved:
        _load_document(agreement, Attachment.Kind.RESOLUTION, "Delibera di Giunta")
    if reached >= 3:
        _load_document(agreement, Attachment.Kind.SIGNED, "Accordo firmato dalle parti")


def _load_path(agreement: Agreement, status: str, today, staff) -> None:
    """The status changes that brought the agreement where it is, dated along the way."""
    path = LIFECYCLE[: LIFECYCLE.index(status) + 1] if status in LIFECYCLE else LIFECYCLE
    if status == Status.CONCLUDED:
        path = [*LIFECYCLE, Status.CONCLUDED]
    start = agreement.start_date or today
    moments = {
        Status.CODESIGN: (agreement.resolution_date or today) - timedelta(days=60),
        Status.APPROVED: agreement.resolution_date,
        Status.SIGNED: agreement.resolution_date and agreement.resolution_date + timedelta(10),
        Status.ACTIVE: start,
        Status.CONCLUDED: agreement.end_date and agreement.end_date + timedelta(days=1),
    }
    for source, target in zip(path, path[1:], strict=False):
        automatic = target in (Status.ACTIVE, Status.CONCLUDED)
        change, _created = StatusChange.objects.get_or_create(
            agreement=agreement,
            from_status=source,
            to_status=target,
            defaults={"by": None if automatic else staff},
        )
        at = _moment(moments[target] or today)
        if change.at != at:
            StatusChange.objects.filter(pk=change.pk).update(at=at)


def _moment(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _load_document(agreement: Agreement, kind: str, title: str) -> None:
    if agreement.attachments.filter(title=title).exists():
        return
    document = Attachment(agreement=agreement, kind=kind, title=title)
    document.file.save(f"{agreement.slug}-{kind}.pdf", ContentFile(_pdf(title)), save=False)
    document.save()


# -- Proposals ------------------------------------------------------------------------------
#
# An open call with proposals in every state of their path, one of them already the agreement
# "Repair café" above. Loaded after the consulte (proposal_demo in portal.py): the proposals
# in evaluation and beyond carry the opinion of the consulta of their ambito.

PROPOSER_EMAIL = "proponente@demo.collabcity.it"
# The demo delegate of the consulta of ambito B (consulte/demo.py), who drafts its opinions.
COUNCILLOR_EMAIL = "consigliere@demo.collabcity.it"
CALL_SLUG = "quartieri-che-si-prendono-cura-2026"
# Who supports the proposals that collect supports: demo accounts, all residents of Orologio.
SUPPORTERS = [
    CITIZEN_EMAIL,
    COUNCILLOR_EMAIL,
    "gestore@demo.collabcity.it",
    "coordinatore@demo.collabcity.it",
    "scrutatore@demo.collabcity.it",
    "scrutatore2@demo.collabcity.it",
]


# Days of each step are relative to today, so that the demo always looks current.
def _proposals() -> list[dict]:
    return [
        {
            "title": "Cinema all'aperto nel cortile di via Gorizia",
            "author": PROPOSER_EMAIL,
            "status": Proposal.Status.DRAFT,
            "theme": Theme.CULTURE,
            "quartieri": ["Orologio"],
            "summary": "Quattro serate di cinema d'estate nel cortile delle case popolari.",
            "need": "",
            "activities": "Scegliamo i film con i vicini, montiamo lo schermo, puliamo dopo.",
            "path": [],
        },
        {
            "title": "Orto condiviso di via Premuda",
            "author": PROPOSER_EMAIL,
            "kind": Proposal.ProposerKind.GROUP,
            "group_name": "Vicini di via Premuda",
            "author_role": "Referente del gruppo",
            "show_author_name": True,
            "status": Proposal.Status.SUBMITTED,
            "theme": Theme.GREEN,
            "quartieri": ["Bell'Albero-Premuda", "Orologio"],
            "point": ("44.693812", "10.616204"),
            "summary": "Un'aiuola abbandonata diventa un orto curato dai vicini e dalle scuole.",
            "need": "L'aiuola di via Premuda è piena di rifiuti; i bambini non hanno un posto "
            "dove vedere crescere una pianta.",
            "activities": "Bonifichiamo l'aiuola, costruiamo sei cassoni, coltiviamo il sabato "
            "mattina e apriamo l'orto alle classi della scuola vicina.",
            "requested_spaces": "L'aiuola comunale di via Premuda (circa 200 m²)",
            "requested_materials": "Terra, legname per i cassoni, un allaccio all'acqua",
            "requested_budget": Decimal(1200),
            "people": 8,
            "hours": Decimal(320),
            "means": "Attrezzi da giardinaggio dei vicini",
            "path": [(Proposal.Status.SUBMITTED, -12, "")],
            "supports": 5,
            "comments": [
                (CITIZEN_EMAIL, "Bellissima idea: porto i semi di pomodoro dell'anno scorso."),
                ("gestore@demo.collabcity.it", "Il centro sociale può prestare la carriola."),
            ],
        },
        {
            "title": "Merende e compiti al Centro sociale Orologio",
            "author": CITIZEN_EMAIL,
            "kind": Proposal.ProposerKind.ORGANISATION,
            "organisation": "Auser Reggio Emilia",
            "author_role": "Volontaria referente",
            "status": Proposal.Status.EVALUATION,
            "theme": Theme.EDUCATION,
            "quartieri": ["Orologio"],
            "centre": "Centro sociale Orologio",
            "summary": "Due pomeriggi a settimana i nonni del centro sociale aiutano i ragazzi "
            "con i compiti, poi merenda insieme.",
            "need": "Molti ragazzi delle medie passano i pomeriggi da soli.",
            "activities": "Volontari Auser seguono i compiti il martedì e il giovedì, 15-17.",
            "requested_spaces": "La sala grande del centro sociale",
            "requested_staff_hours": Decimal(20),
            "people": 6,
            "hours": Decimal(400),
            "means": "Libri e materiale di cancelleria",
            "path": [(Proposal.Status.SUBMITTED, -20, ""), (Proposal.Status.EVALUATION, -6, "")],
            "opinion": {"requested": -6, "deadline": 16, "text": None},
            "supports": 3,
        },
        {
            "title": "Panchine che parlano",
            "author": PROPOSER_EMAIL,
            "kind": Proposal.ProposerKind.GROUP,
            "group_name": "Lettori di Regina Pacis",
            "author_role": "Referente",
            "status": Proposal.Status.ADMITTED,
            "theme": Theme.CULTURE,
            "quartieri": ["Regina Pacis"],
            "summary": "Racconti degli anziani del quartiere da ascoltare con il telefono, "
            "seduti sulle panchine del parco.",
            "need": "La memoria del quartiere si perde; il parco è poco frequentato.",
            "activities": "Registriamo venti racconti e li colleghiamo a codici sulle panchine.",
            "requested_budget": Decimal(800),
            "people": 4,
            "hours": Decimal(120),
            "path": [
                (Proposal.Status.SUBMITTED, -45, ""),
                (Proposal.Status.EVALUATION, -40, ""),
                (
                    Proposal.Status.ADMITTED,
                    -8,
                    "Unisce generazioni diverse e rende vivo il parco, come chiede l'avviso; "
                    "la consulta ha dato parere favorevole.",
                ),
            ],
            "opinion": {
                "requested": -40,
                "deadline": -10,
                "text": "Parere favorevole: la consulta suggerisce di coinvolgere la scuola "
                "primaria del quartiere.",
            },
        },
        {
            "title": "Mercatino del riuso in piazza Prampolini",
            "author": CITIZEN_EMAIL,
            "status": Proposal.Status.NOT_ADMITTED,
            "theme": Theme.LOCAL_ECONOMY,
            "quartieri": ["Centro storico"],
            "summary": "Ogni domenica un mercatino dell'usato tra privati in piazza.",
            "need": "Si buttano oggetti ancora utili.",
            "activities": "Organizziamo i banchi e raccogliamo le iscrizioni.",
            "people": 2,
            "hours": Decimal(50),
            "path": [
                (Proposal.Status.SUBMITTED, -50, ""),
                (Proposal.Status.EVALUATION, -44, ""),
                (
                    Proposal.Status.NOT_ADMITTED,
                    -12,
                    "Un mercato settimanale in piazza richiede una concessione di suolo "
                    "pubblico, non un accordo di cittadinanza: l'ufficio commercio può aiutare "
                    "a presentare la domanda.",
                ),
            ],
            "opinion": {
                "requested": -44,
                "deadline": -14,
                "text": "La consulta apprezza l'idea ma segnala che la piazza è già molto "
                "occupata la domenica.",
            },
        },
        {
            "title": "Repair café: ripariamo insieme",
            "author": CITIZEN_EMAIL,
            "kind": Proposal.ProposerKind.ORGANISATION,
            "organisation": "Giro del Cielo",
            "author_role": "Referente",
            "status": Proposal.Status.CONVERTED,
            "theme": Theme.LOCAL_ECONOMY,
            "quartieri": ["Centro storico"],
            "centre": "Laboratorio Aperto",
            "summary": "Un sabato al mese volontari esperti aiutano a riparare piccoli "
            "elettrodomestici, biciclette e vestiti invece di buttarli.",
            "need": "Oggetti riparabili finiscono in discarica; chi sa riparare non ha un luogo "
            "dove insegnarlo.",
            "activities": "Una giornata di riparazione al mese al Laboratorio Aperto.",
            "requested_spaces": "Una sala del Laboratorio Aperto un sabato al mese",
            "people": 10,
            "hours": Decimal(200),
            "means": "Attrezzi e banchi da lavoro",
            "path": [
                (Proposal.Status.SUBMITTED, -72, ""),
                (Proposal.Status.EVALUATION, -70, ""),
                (
                    Proposal.Status.ADMITTED,
                    -63,
                    "Meno rifiuti e competenze condivise: risponde a due criteri dell'avviso.",
                ),
                (Proposal.Status.CONVERTED, -61, "Bozza di accordo: Repair café"),
            ],
            "opinion": {
                "requested": -70,
                "deadline": -64,
                "text": "Parere favorevole all'unanimità.",
            },
            "agreement": "repair-cafe-laboratorio-aperto",
        },
        {
            "title": "Ciclofficina di quartiere",
            "author": PROPOSER_EMAIL,
            "call": None,
            "status": Proposal.Status.SUBMITTED,
            "theme": Theme.ENVIRONMENT,
            "quartieri": ["Rosta Nuova"],
            "centre": "Centro sociale Rosta Nuova",
            "summary": "Un'officina dove imparare a sistemare da sé la bicicletta.",
            "need": "Molti ragazzi lasciano la bici in cantina per una camera d'aria bucata.",
            "activities": "Apriamo l'officina il mercoledì sera con due meccanici volontari.",
            "requested_spaces": "Il garage del centro sociale",
            "people": 3,
            "hours": Decimal(150),
            "path": [(Proposal.Status.SUBMITTED, -3, "")],
            "supports": 2,
        },
    ]


def load_proposals(command) -> None:
    """Create or update the demo call and its proposals; `command` is the running seed_demo."""
    today = timezone.localdate()
    staff = User.objects.get(email=STAFF_EMAIL)
    call = _load_call(today)
    for entry in _proposals():
        _load_proposal(entry, call, today, staff)


def _load_call(today) -> Call:
    call = _upsert(
        Call,
        {"slug": CALL_SLUG},
        {
            "title": "Quartieri che si prendono cura 2026",
            "theme": Theme.COMMUNITY_CARE,
            "description": "Il Comune cerca progetti con cui i residenti si prendono cura dei "
            "luoghi e delle persone del quartiere: spazi verdi, cortili, doposcuola, "
            "compagnia agli anziani, riparazione e riuso.",
            "offered_spaces": "Le sale dei centri sociali, su prenotazione, e aree verdi comunali.",
            "offered_materials": "Attrezzi da giardinaggio, piccoli arredi, materiale di "
            "cancelleria.",
            "offered_staff_time": "Un facilitatore del Laboratorio Aperto per la "
            "co-progettazione di ciascuna proposta ammessa.",
            "budget_ceiling": Decimal(3000),
            "opens_on": today - timedelta(days=80),
            "closes_on": today + timedelta(days=25),
            "criteria": "Risposta a un bisogno del quartiere; numero di residenti coinvolti; "
            "incontro tra generazioni; cura nel tempo di ciò che si realizza.",
            "published": True,
        },
    )
    centres = set(Centre.objects.filter(name__in=["Centro sociale Orologio", "Laboratorio Aperto"]))
    if set(call.offered_centres.all()) != centres:
        call.offered_centres.set(centres)
    return call


def _load_proposal(entry: dict, call: Call, today, staff: User) -> None:
    author = User.objects.get(email=entry["author"])
    path = entry["path"]
    submitted = _moment(today + timedelta(days=path[0][1])) if path else None
    organisation = (
        Organisation.objects.get(name=entry["organisation"]) if "organisation" in entry else None
    )
    point = entry.get("point", (None, None))
    agreement = Agreement.objects.get(slug=entry["agreement"]) if "agreement" in entry else None
    proposal = _upsert(
        Proposal,
        {"title": entry["title"], "author": author},
        {
            "call": entry.get("call", call),
            "proposer_kind": entry.get("kind", Proposal.ProposerKind.PERSON),
            "group_name": entry.get("group_name", ""),
            "organisation": organisation,
            "author_role": entry.get("author_role", ""),
            "show_author_name": entry.get("show_author_name", False),
            "status": entry["status"],
            "theme": entry["theme"],
            "summary": entry["summary"],
            "need": entry["need"],
            "activities": entry["activities"],
            "centre": Centre.objects.filter(name=entry.get("centre", "")).first(),
            "latitude": Decimal(point[0]) if point[0] else None,
            "longitude": Decimal(point[1]) if point[1] else None,
            "requested_spaces": entry.get("requested_spaces", ""),
            "requested_materials": entry.get("requested_materials", ""),
            "requested_staff_hours": entry.get("requested_staff_hours"),
            "requested_budget": entry.get("requested_budget"),
            "committed_people": entry.get("people"),
            "committed_hours": entry.get("hours"),
            "committed_means": entry.get("means", ""),
            "timeline": entry.get("timeline", "Da settembre a giugno.") if path else "",
            "submitted_at": submitted,
            "decision_reason": next(
                (note for status, _days, note in path if status in DECIDED), ""
            ),
            "agreement": agreement,
        },
    )
    quartieri = set(Quartiere.objects.filter(name__in=entry["quartieri"]))
    if set(proposal.quartieri.all()) != quartieri:
        proposal.quartieri.set(quartieri)
    previous = Proposal.Status.DRAFT
    for status, days, note in path:
        change, _created = ProposalStatusChange.objects.get_or_create(
            proposal=proposal,
            to_status=status,
            defaults={
                "from_status": previous,
                "by": author if status == Proposal.Status.SUBMITTED else staff,
                "note": note,
            },
        )
        at = _moment(today + timedelta(days=days))
        if change.at != at:
            ProposalStatusChange.objects.filter(pk=change.pk).update(at=at)
        previous = status
    if "opinion" in entry:
        _load_opinion(proposal, entry["opinion"], today)
    supporters = User.objects.filter(email__in=SUPPORTERS[: entry.get("supports", 0)])
    for supporter in supporters.exclude(pk=author.pk):
        Support.objects.get_or_create(proposal=proposal, user=supporter)
    for email, body in entry.get("comments", []):
        ProposalComment.objects.get_or_create(
            proposal=proposal, author=User.objects.get(email=email), body=body
        )
    if proposal.is_public:
        ProposalFollow.objects.get_or_create(proposal=proposal, user=author)


# The steps whose note is the decision's public reason.
DECIDED = (Proposal.Status.ADMITTED, Proposal.Status.NOT_ADMITTED)


def _load_opinion(proposal: Proposal, opinion: dict, today) -> None:
    council = Council.objects.filter(ambito__quartieri__proposals=proposal).distinct().get()
    published = opinion["text"] is not None
    request = _upsert(
        OpinionRequest,
        {"council": council, "title": f"Proposta «{proposal.title}»"},
        {
            "description": f"Il Comune chiede il parere della consulta sulla proposta "
            f"«{proposal.title}», prima di decidere se ammetterla alla co-progettazione.\n\n"
            f"{proposal.summary}",
            "requested_on": today + timedelta(days=opinion["requested"]),
            "deadline": today + timedelta(days=opinion["deadline"]),
            "status": OpinionRequest.Status.PUBLISHED
            if published
            else OpinionRequest.Status.REQUESTED,
            "opinion": opinion["text"] or "",
            "published_at": _moment(today + timedelta(days=opinion["deadline"] - 2))
            if published
            else None,
            "drafted_by": User.objects.filter(email=COUNCILLOR_EMAIL).first()
            if published
            else None,
        },
    )
    if not proposal.opinion_requests.filter(pk=request.pk).exists():
        proposal.opinion_requests.add(request)
