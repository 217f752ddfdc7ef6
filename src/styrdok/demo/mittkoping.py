"""Mittköping's people, bodies and governing documents (fictional; Swedish as in real life).

Day offsets are relative to the day the demo is built: ``-400`` is 400 days ago.
"""

from __future__ import annotations

import attrs

from styrdok.model import (
    BodyLevel,
    DispensationRules,
    DocType,
    FaqEntry,
    FollowUp,
    ReviewOutcome,
)

# ref, name, title, unit (see organisation.UNITS), administrator?
PEOPLE: list[tuple[str, str, str, str, bool]] = [
    ("eva.ek", "Eva Ek", "Registrator", "KLF-KANS", True),
    ("karin.sjoberg", "Karin Sjöberg", "Kommundirektör", "KLF", False),
    ("anna.lind", "Anna Lind", "IT-chef", "KLF-IT", False),
    ("gustav.berg", "Gustav Berg", "Informationssäkerhetssamordnare", "KLF-IT", False),
    ("maria.nystrom", "Maria Nyström", "Kommunikationschef", "KLF-KOM", False),
    ("olle.strand", "Olle Strand", "Webbredaktör", "KLF-KOM", False),
    ("sofia.karlsson", "Sofia Karlsson", "Digitaliseringsstrateg", "KLF-UTV", False),
    ("per.ahmadi", "Per Ahmadi", "Skolchef", "BUF", False),
    ("erik.makinen", "Erik Mäkinen", "IT-strateg skola", "BUF-STAB", False),
    ("lisa.holm", "Lisa Holm", "Rektor", "BUF-GR-NORD", False),
    ("sara.jansson", "Sara Jansson", "Lärare", "BUF-GR-SODRA", False),
    ("hanna.persson", "Hanna Persson", "HR-chef", "KLF-HR", False),
    ("jonas.ali", "Jonas Ali", "Systemutvecklare", "KLF-IT", False),
    ("jonas.berg", "Jonas Berg", "Biträdande IT-chef", "KLF-IT", False),
    ("ingrid.lund", "Ingrid Lund", "Dataskyddsombud", "KLF-KANS", False),
    ("amir.yusuf", "Amir Yusuf", "Enhetschef hemtjänst", "SOC-HT", False),
    ("lena.oberg", "Lena Öberg", "Socialchef", "SOC", False),
    ("nils.wikstrom", "Nils Wikström", "Nämndsekreterare", "BUF-STAB", False),
]

# ref, name, level, contact (the registrar told when reviews run late)
BODIES: list[tuple[str, str, BodyLevel, str]] = [
    ("KF", "Kommunfullmäktige", BodyLevel.COUNCIL, "eva.ek"),
    ("KS", "Kommunstyrelsen", BodyLevel.EXECUTIVE_BOARD, "eva.ek"),
    ("BUN", "Barn- och utbildningsnämnden", BodyLevel.COMMITTEE, "nils.wikstrom"),
    ("SN", "Socialnämnden", BodyLevel.COMMITTEE, "eva.ek"),
    ("KLF", "Kommunledningsförvaltningen", BodyLevel.ADMINISTRATION, "eva.ek"),
]

#: The whole municipality: every unit, every member of staff.
ALL_STAFF = ("MK",)


@attrs.frozen
class DocSpec:
    ref: str
    title: str
    doc_type: DocType
    owner: str
    guardian: str
    purpose: str
    effects: str
    audience: str
    follow_up: FollowUp
    faq: tuple[FaqEntry, ...]
    adopted: tuple[str, int, str] | None
    """(body, day offset, minute paragraph), or None for a draft."""
    review_months: int | None = 12
    applies_to: tuple[str, ...] = ALL_STAFF
    limits: str = ""
    non_compliance: str = "Avvikelser rapporteras till närmaste chef och följs upp av väktaren."
    rules: DispensationRules = attrs.field(factory=DispensationRules)
    parent: str | None = None
    supersedes: str | None = None
    valid_until: int | None = None
    registry_number: str | None = None
    reviews: tuple[tuple[int, ReviewOutcome, str], ...] = ()


DOCUMENTS: list[DocSpec] = [
    DocSpec(
        ref="POL-IS-01",
        title="Informationssäkerhetspolicy",
        doc_type=DocType.POLICY,
        owner="anna.lind",
        guardian="gustav.berg",
        purpose="Skydda kommunens information så att invånare och medarbetare kan lita på den.",
        effects="Rätt information är tillgänglig för rätt person; incidenter upptäcks och "
        "hanteras; kommunen uppfyller NIS2 och dataskyddsförordningen.",
        audience="Alla medarbetare och förtroendevalda",
        follow_up=FollowUp("Årlig rapport om informationssäkerhetsläget", "Kommunstyrelsen"),
        faq=(
            FaqEntry(
                "Vem ansvarar för informationssäkerheten i min verksamhet?",
                "Verksamhetens chef, med stöd av informationssäkerhetssamordnaren.",
            ),
        ),
        adopted=("KF", -1200, "§ 88"),
        review_months=24,
        registry_number="KS 2023/412",
        rules=DispensationRules(
            allowed=True,
            max_duration_days=180,
            max_renewals=1,
            requirements="Riskbedömning och kompenserande åtgärder",
        ),
        reviews=((-470, ReviewOutcome.CONFIRMED, "Fortsatt aktuell efter NIS2-analysen"),),
    ),
    DocSpec(
        ref="RIKT-IS-01",
        title="Riktlinjer för informationssäkerhet",
        doc_type=DocType.GUIDELINE,
        owner="anna.lind",
        guardian="gustav.berg",
        purpose="Konkretisera informationssäkerhetspolicyn för det dagliga arbetet.",
        effects="Medarbetare vet hur information klassas, lagras och delas.",
        audience="Alla medarbetare",
        parent="POL-IS-01",
        follow_up=FollowUp(
            "Självskattning i verksamheterna varje höst", "Informationssäkerhetssamordnaren"
        ),
        faq=(
            FaqEntry(
                "Får jag mejla personuppgifter?",
                "Bara krypterat, och bara när mottagaren behöver dem.",
            ),
        ),
        adopted=("KS", -400, "§ 152"),
    ),
    DocSpec(
        ref="RIKT-IS-02",
        title="Riktlinjer för lösenord och inloggning",
        doc_type=DocType.GUIDELINE,
        owner="anna.lind",
        guardian="gustav.berg",
        purpose="Minska risken för intrång genom stulna eller svaga inloggningsuppgifter.",
        effects="Alla system med personuppgifter kräver tvåfaktorsinloggning.",
        audience="Alla medarbetare och systemförvaltare",
        parent="POL-IS-01",
        follow_up=FollowUp("Kvartalsvis kontroll av inloggningsloggar", "IT-enheten"),
        faq=(
            FaqEntry(
                "Vad gör jag om systemet inte klarar tvåfaktorsinloggning?",
                "Ansök om dispens med kompenserande åtgärder, i högst ett år.",
            ),
        ),
        adopted=("KS", -700, "§ 61"),
        rules=DispensationRules(
            allowed=True,
            max_duration_days=365,
            max_renewals=1,
            requirements="Plan för att avveckla undantaget",
        ),
        reviews=((-340, ReviewOutcome.REVISE, "Lägg till krav på lösenordshanterare"),),
    ),
    DocSpec(
        ref="RUT-IS-03",
        title="Rutin för incidenthantering",
        doc_type=DocType.ROUTINE,
        owner="gustav.berg",
        guardian="anna.lind",
        purpose="Hantera säkerhetsincidenter snabbt och lika i hela kommunen.",
        effects="Incidenter rapporteras inom 24 timmar; lärdomar tas tillvara.",
        audience="Chefer, IT-support och systemförvaltare",
        applies_to=("KLF-IT",),
        parent="RIKT-IS-01",
        follow_up=FollowUp("Genomgång av alla incidenter varje kvartal", "IT-chefen"),
        faq=(
            FaqEntry(
                "Vart rapporterar jag en incident?",
                "Till IT-supporten, dygnet runt, och till din chef.",
            ),
        ),
        adopted=("KLF", -350, "Delegationsbeslut 2025:14"),
    ),
    DocSpec(
        ref="POL-KOM-01",
        title="Kommunikationspolicy",
        doc_type=DocType.POLICY,
        owner="maria.nystrom",
        guardian="olle.strand",
        purpose="Ge invånarna öppen, begriplig och saklig information.",
        effects="Invånare hittar det de söker och förstår kommunens beslut.",
        audience="Alla medarbetare och förtroendevalda",
        follow_up=FollowUp("Medborgarundersökning vartannat år", "Kommunikationsenheten"),
        faq=(
            FaqEntry(
                "Får jag uttala mig i media?",
                "Ja, om din egen verksamhet. Kontakta gärna kommunikationsenheten.",
            ),
        ),
        adopted=("KF", -1500, "§ 34"),
        review_months=48,
        registry_number="KS 2022/88",
    ),
    DocSpec(
        ref="RIKT-SOC-01",
        title="Riktlinjer för sociala medier",
        doc_type=DocType.GUIDELINE,
        owner="maria.nystrom",
        guardian="olle.strand",
        parent="POL-KOM-01",
        purpose="Använda sociala medier för dialog med invånarna utan att tumma på "
        "offentlighet, dataskydd och arkivkrav.",
        effects="Kommunens konton är aktiva, besvarade och arkiverade.",
        audience="Medarbetare som driver kommunens konton i sociala medier",
        applies_to=("KLF-KOM", "KFF"),
        follow_up=FollowUp("Årlig inventering av konton", "Webbredaktören"),
        faq=(
            FaqEntry(
                "Får min enhet starta ett eget konto?",
                "Ja, efter anmälan till kommunikationsenheten.",
            ),
        ),
        adopted=("KS", -600, "§ 97"),
        review_months=24,
        rules=DispensationRules(
            allowed=True,
            max_duration_days=180,
            max_renewals=1,
            approvers=("karin.sjoberg",),
            requirements="Syfte, målgrupp, ansvarig och hur inlägg arkiveras",
        ),
    ),
    DocSpec(
        ref="STRAT-DIG-01",
        title="Det digitala Mittköping – digitaliseringsstrategi",
        doc_type=DocType.STRATEGY,
        owner="karin.sjoberg",
        guardian="sofia.karlsson",
        purpose="Peka ut riktningen för kommunens digitala utveckling.",
        effects="Behov och upplevelser i centrum; gränsöverskridande samarbete; nya värden.",
        audience="Förtroendevalda, chefer och verksamhetsutvecklare",
        follow_up=FollowUp("Effektmätning i årsredovisningen", "Kommunstyrelsen"),
        faq=(
            FaqEntry(
                "Hur föreslår jag en digital förbättring?",
                "Via fokusområdet för din verksamhet eller digitaliseringsstrategen.",
            ),
        ),
        adopted=("KF", -1400, "§ 12"),
        review_months=48,
    ),
    DocSpec(
        ref="HPL-DIG-01",
        title="Handlingsplan för digitalisering 2026",
        doc_type=DocType.ACTION_PLAN,
        owner="karin.sjoberg",
        guardian="sofia.karlsson",
        parent="STRAT-DIG-01",
        purpose="Omsätta strategin i aktiviteter med mätpunkter för året.",
        effects="Fem prioriterade e-tjänster i drift; innovationslabb etablerat.",
        audience="Fokusområdenas deltagare och förvaltningsledningar",
        applies_to=("KLF",),
        follow_up=FollowUp("Tertialrapport med mätpunkter", "Digitaliseringsrådet"),
        faq=(FaqEntry("Vem prioriterar aktiviteterna?", "Fokusområdena, inom budgetramen."),),
        adopted=("KS", -300, "§ 201"),
        valid_until=300,
        rules=DispensationRules(
            allowed=True, max_duration_days=365, max_renewals=0, approvers=("karin.sjoberg",)
        ),
    ),
    DocSpec(
        ref="RIKT-MOLN-SKOLA",
        title="Vägledning för molntjänster i skolan",
        doc_type=DocType.GUIDELINE,
        owner="per.ahmadi",
        guardian="erik.makinen",
        parent="POL-IS-01",
        applies_to=("BUF-GR", "BUF-GY"),
        purpose="Hjälpa skolor att välja molntjänster som skyddar elevernas personuppgifter.",
        effects="Bara granskade tjänster används; lärare vet vad som gäller.",
        audience="Rektorer och lärare",
        limits="Gäller inte kommunens gemensamma lärplattform, som har egen förvaltning.",
        follow_up=FollowUp("Förteckning över tjänster uppdateras varje termin", "IT-strateg skola"),
        faq=(
            FaqEntry(
                "Får jag använda en gratis app i undervisningen?",
                "Bara om den finns i förteckningen eller har dispens.",
            ),
        ),
        adopted=("BUN", -760, "§ 45"),
        review_months=24,
        rules=DispensationRules(
            allowed=True,
            max_duration_days=200,
            max_renewals=1,
            approvers=("per.ahmadi",),
            requirements="DPIA, vilka elever, och hur tjänsten avvecklas efter piloten",
        ),
    ),
    DocSpec(
        ref="POL-PERS-01",
        title="Personalpolicy",
        doc_type=DocType.POLICY,
        owner="hanna.persson",
        guardian="jonas.ali",
        purpose="Vara en attraktiv arbetsgivare med goda arbetsvillkor.",
        effects="Medarbetare trivs, utvecklas och stannar.",
        audience="Alla medarbetare och chefer",
        follow_up=FollowUp("Medarbetarenkät vartannat år", "HR-avdelningen"),
        faq=(FaqEntry("Var hittar jag mitt kollektivavtal?", "På intranätet under HR."),),
        adopted=("KF", -1000, "§ 140"),
        review_months=36,
    ),
    DocSpec(
        ref="RIKT-DISTANS",
        title="Riktlinjer för distansarbete",
        doc_type=DocType.GUIDELINE,
        owner="hanna.persson",
        guardian="ingrid.lund",
        parent="POL-PERS-01",
        purpose="Göra distansarbete möjligt där verksamheten tillåter det.",
        effects="Tydliga överenskommelser och säker uppkoppling hemifrån.",
        audience="Chefer och medarbetare",
        valid_until=12,
        follow_up=FollowUp("Utvärdering inför beslut om förlängning", "HR-chefen"),
        faq=(FaqEntry("Får jag arbeta utomlands?", "Nej, bara inom Sverige."),),
        adopted=("KS", -200, "§ 55"),
    ),
    DocSpec(
        ref="RUT-DOK-01",
        title="Rutin för dokumenthantering och diarieföring",
        doc_type=DocType.ROUTINE,
        owner="eva.ek",
        guardian="karin.sjoberg",
        purpose="Allmänna handlingar registreras, hålls ordnade och kan lämnas ut.",
        effects="Handlingar diarieförs inom en arbetsdag.",
        audience="Handläggare och registratorer",
        applies_to=("KLF-KANS", "SOC-IFO", "SBF-PLAN", "MHF"),
        follow_up=FollowUp("Stickprov varje halvår", "Registraturen"),
        faq=(
            FaqEntry(
                "Är ett sms en allmän handling?",
                "Ja, om det kommit in till eller upprättats av kommunen.",
            ),
        ),
        adopted=("KLF", -370, "Delegationsbeslut 2025:2"),
    ),
    DocSpec(
        ref="POL-DATA-01",
        title="Dataskyddspolicy",
        doc_type=DocType.POLICY,
        owner="karin.sjoberg",
        guardian="ingrid.lund",
        purpose="Behandla personuppgifter lagligt, korrekt och öppet.",
        effects="Registrerade får sina rättigheter; inga onödiga uppgifter sparas.",
        audience="Alla medarbetare",
        follow_up=FollowUp("Dataskyddsombudets årsrapport", "Kommunstyrelsen"),
        faq=(FaqEntry("Vem frågar jag om personuppgifter?", "Dataskyddsombudet."),),
        adopted=("KF", -740, "§ 19"),
        review_months=24,
        registry_number="KS 2024/31",
    ),
    DocSpec(
        ref="RIKT-AI-01",
        title="Riktlinjer för generativ AI",
        doc_type=DocType.GUIDELINE,
        owner="sofia.karlsson",
        guardian="ingrid.lund",
        parent="POL-IS-01",
        purpose="Använda AI-verktyg med omdöme och utan att röja skyddad information.",
        effects="Medarbetare vet vilka verktyg som får användas och till vad.",
        audience="Alla medarbetare",
        follow_up=FollowUp("Uppföljning efter sex månader", "Digitaliseringsstrategen"),
        faq=(
            FaqEntry(
                "Får jag klistra in en utredning i en AI-tjänst?",
                "Inte om den innehåller personuppgifter eller sekretess.",
            ),
        ),
        adopted=None,
    ),
    DocSpec(
        ref="RIKT-PANDEMI",
        title="Tillfälliga riktlinjer för arbete under pandemi",
        doc_type=DocType.GUIDELINE,
        owner="hanna.persson",
        guardian="lena.oberg",
        purpose="Skydda riskgrupper och hålla verksamheten igång.",
        effects="Smittspridning på arbetsplatsen begränsas.",
        audience="Alla medarbetare",
        review_months=None,
        valid_until=-60,
        follow_up=FollowUp("Veckovis lägesbild", "Krisledningsgruppen"),
        faq=(FaqEntry("Gäller riktlinjerna fortfarande?", "Nej, de har upphört att gälla."),),
        adopted=("KS", -330, "§ 9"),
    ),
    DocSpec(
        ref="RIKT-WEBB-01",
        title="Riktlinjer för webbpublicering (2019)",
        doc_type=DocType.GUIDELINE,
        owner="maria.nystrom",
        guardian="olle.strand",
        parent="POL-KOM-01",
        purpose="Kommunens webbplats ska vara korrekt, aktuell och tillgänglig.",
        effects="Sidor granskas årligen; allt följer tillgänglighetsdirektivet.",
        audience="Webbredaktörer",
        applies_to=("KLF-KOM",),
        review_months=36,
        follow_up=FollowUp("Årlig tillgänglighetsgranskning", "Webbredaktören"),
        faq=(FaqEntry("Får jag publicera PDF:er?", "Bara tillgänglighetsanpassade."),),
        adopted=("KS", -900, "§ 77"),
        rules=DispensationRules(
            allowed=True, max_duration_days=90, max_renewals=0, approvers=("maria.nystrom",)
        ),
    ),
    DocSpec(
        ref="RIKT-WEBB-02",
        title="Riktlinjer för webbpublicering",
        doc_type=DocType.GUIDELINE,
        owner="maria.nystrom",
        guardian="olle.strand",
        parent="POL-KOM-01",
        supersedes="RIKT-WEBB-01",
        purpose="Kommunens webbplats ska vara korrekt, aktuell och tillgänglig.",
        effects="Sidor granskas årligen; klarspråk; allt följer tillgänglighetsdirektivet.",
        audience="Webbredaktörer och e-tjänsteutvecklare",
        applies_to=("KLF-KOM",),
        follow_up=FollowUp("Årlig tillgänglighetsgranskning", "Webbredaktören"),
        faq=(
            FaqEntry(
                "Får jag publicera PDF:er?",
                "Helst inte; gör en webbsida. Annars tillgänglighetsanpassad.",
            ),
        ),
        adopted=None,  # adopted in the demo after a dispensation exists, to show the move
        rules=DispensationRules(
            allowed=True, max_duration_days=90, max_renewals=0, approvers=("maria.nystrom",)
        ),
    ),
]
