"""Fixed text of the demo: the six ACCMR committees and the parts fictional organisations are named from.

Every organisation built from these parts is fictional; names of real municipalities are marked "(demo)".
"""
from __future__ import annotations

from committees.models import OrganisationType

# slug, name, public?, mandate (Markdown)
COMMITTEES = [
    ("access-legal-rights", "Access and Legal Rights", True, """\
The committee works for **equal access to rights and services** for refugees and migrants living in the city.

It brings together legal aid providers, the municipal services and international organisations to:

- map the obstacles people meet in the **asylum procedure** and in getting and renewing documents
  (residence permits, tax and social security numbers);
- coordinate **legal aid and information** so that no one is turned away for want of an interpreter;
- propose changes that make **municipal services** (registration, social benefits, the citizens' service
  centres) accessible to newcomers;
- follow the implementation of its proposals by the City and report back to the members.
"""),
    ("livelihoods-labour-market", "Livelihoods and Access to the Labour Market", True, """\
The committee promotes the **economic inclusion** of refugees and migrants.

Its members work on:

- access to **employment** and to the public employment service;
- **vocational training** and apprenticeships that lead to real jobs;
- the **recognition of skills and qualifications** gained abroad;
- **entrepreneurship** and social economy initiatives;
- partnerships with employers and chambers of commerce against exploitation and undeclared work.
"""),
    ("urbanisation-peaceful-coexistence", "Urbanisation and Peaceful Coexistence", True, """\
The committee looks at **housing and life in the neighbourhoods**.

- Transition from supported accommodation (for example the ESTIA apartment programme) to independent housing.
- Prevention of homelessness and of overcrowded, unsafe housing.
- **Neighbourhood initiatives** that bring long-time residents and newcomers together: shared spaces,
  sports, culture and volunteering.
- Early response to tensions, with the municipal community centres and local associations.
"""),
    ("education-learning", "Education and Learning", True, """\
The committee works so that **every child and adult can learn**.

- School **enrolment** and attendance of refugee and migrant children; the reception classes.
- The **transition to secondary school** and preventing early school leaving.
- **Greek language courses** for adults, including evening and online courses and childcare during classes.
- Non-formal education, homework support and libraries, in cooperation with parents' associations.
"""),
    ("health-wellbeing", "Health and Wellbeing", False, """\
The committee improves **access to healthcare** for refugees and migrants.

- Registration with primary healthcare and the social security number for health (PAAYPA).
- **Mental health** and psychosocial support, including for survivors of torture.
- **Disability inclusion** and access to certification and benefits.
- Health mediators and interpretation in hospitals and municipal clinics.
"""),
    ("women-refugees-gender", "Women Refugees and Gender Issues", False, """\
The committee gives a voice to **refugee and migrant women** and works on gender issues.

- Prevention of and response to **gender-based violence**: referral pathways, shelters and counselling.
- **Women's services**: safe spaces, health, legal and employment support designed with women.
- **Childcare** that lets mothers attend courses, training and work.
- Participation of women-led and migrant-led organisations in the committee's decisions.
"""),
]

# Which committees an organisation with a theme is most likely to join (themes are committee slugs).
THEMES = [slug for slug, *_ in COMMITTEES]

# (English name, Greek genitive) of Athens neighbourhoods.
NEIGHBOURHOODS = [
    ("Kypseli", "Κυψέλης"), ("Patissia", "Πατησίων"), ("Exarchia", "Εξαρχείων"), ("Kolonos", "Κολωνού"),
    ("Sepolia", "Σεπολίων"), ("Ampelokipoi", "Αμπελοκήπων"), ("Pangrati", "Παγκρατίου"),
    ("Metaxourgeio", "Μεταξουργείου"), ("Petralona", "Πετραλώνων"), ("Koukaki", "Κουκακίου"),
    ("Neos Kosmos", "Νέου Κόσμου"), ("Kerameikos", "Κεραμεικού"), ("Gazi", "Γκαζιού"), ("Gyzi", "Γκύζη"),
    ("Votanikos", "Βοτανικού"), ("Akadimia Platonos", "Ακαδημίας Πλάτωνος"), ("Kato Patissia", "Κάτω Πατησίων"),
    ("Ano Patissia", "Άνω Πατησίων"), ("Attiki Square", "Πλατείας Αττικής"), ("Victoria Square", "Πλατείας Βικτωρίας"),
]

# Name patterns: {surname} is a fictional family name, {hood} / {hood_el} a neighbourhood. (pattern, theme)
NGO_PATTERNS_EN = [
    ("{surname} Foundation for Refugee Support", "access-legal-rights"),
    ("{hood} Legal Aid Collective", "access-legal-rights"),
    ("{surname} Centre for Asylum Advice", "access-legal-rights"),
    ("Bridges to Work {hood}", "livelihoods-labour-market"),
    ("{surname} Skills and Employment Trust", "livelihoods-labour-market"),
    ("{hood} Neighbours' Housing Initiative", "urbanisation-peaceful-coexistence"),
    ("Shared City {hood}", "urbanisation-peaceful-coexistence"),
    ("{surname} Learning Foundation", "education-learning"),
    ("{hood} Homework Club for Newcomers", "education-learning"),
    ("{surname} Health Access Network", "health-wellbeing"),
    ("Mind and Body {hood}", "health-wellbeing"),
    ("{hood} Women's Space", "women-refugees-gender"),
    ("{surname} Safe Haven Association", "women-refugees-gender"),
]
NGO_PATTERNS_EL = [
    ("Νομική Πρωτοβουλία {hood_el}", "access-legal-rights"),
    ("Σωματείο Νομικής Αρωγής «{surname}»", "access-legal-rights"),
    ("Κέντρο Απασχόλησης και Κατάρτισης {hood_el}", "livelihoods-labour-market"),
    ("Δίκτυο Γειτονιάς {hood_el}", "urbanisation-peaceful-coexistence"),
    ("Σχολείο Αλληλεγγύης {hood_el}", "education-learning"),
    ("Κοινωνικό Ιατρείο «{surname}»", "health-wellbeing"),
    ("Σύλλογος Γυναικών {hood_el}", "women-refugees-gender"),
]
INTERNATIONAL_NAMES = [
    ("Aurora International Refugee Relief – Athens Office", "access-legal-rights"),
    ("Global Mobility Partnership – Greece Mission", "livelihoods-labour-market"),
    ("Mediterranean Humanitarian Alliance", "urbanisation-peaceful-coexistence"),
    ("Northern Lights Children's Fund – Greece", "education-learning"),
    ("International Council for Displacement Response", "access-legal-rights"),
    ("Transnational Legal Aid Network", "access-legal-rights"),
    ("World Shelter Initiative – Athens", "urbanisation-peaceful-coexistence"),
    ("Open Borders Medical Relief", "health-wellbeing"),
    ("Lighthouse Women's Fund International", "women-refugees-gender"),
    ("Compass Integration Observatory – Europe", "livelihoods-labour-market"),
    ("Seabird Education Trust International", "education-learning"),
]
# (English, Greek) municipality names and (English, Greek, theme) directorates.
MUNICIPALITIES = [("Athens", "Αθηναίων"), ("Thessaloniki", "Θεσσαλονίκης"), ("Ioannina", "Ιωαννιτών"),
                  ("Larissa", "Λαρισαίων"), ("Tripoli", "Τρίπολης"), ("Chalandri", "Χαλανδρίου"),
                  ("Piraeus", "Πειραιά"), ("Karditsa", "Καρδίτσας")]
DIRECTORATES = [
    ("Directorate of Social Solidarity", "Διεύθυνση Κοινωνικής Αλληλεγγύης", "access-legal-rights"),
    ("Migrant Integration Centre", "Κέντρο Ένταξης Μεταναστών", "access-legal-rights"),
    ("Employment and Entrepreneurship Office", "Γραφείο Απασχόλησης και Επιχειρηματικότητας",
     "livelihoods-labour-market"),
    ("Department of Housing and Urban Planning", "Τμήμα Στέγασης και Πολεοδομίας", "urbanisation-peaceful-coexistence"),
    ("Directorate of Education", "Διεύθυνση Παιδείας", "education-learning"),
    ("Public Health Office", "Γραφείο Δημόσιας Υγείας", "health-wellbeing"),
    ("Office for Gender Equality", "Γραφείο Ισότητας των Φύλων", "women-refugees-gender"),
    ("Community Centre", "Κοινωνικό Κέντρο", "urbanisation-peaceful-coexistence"),
]
# Municipal bodies: eight Athens directorates, then one office in each other city of the network.
MUNICIPAL_UNITS = ([(MUNICIPALITIES[0], d) for d in DIRECTORATES]
                   + [(m, DIRECTORATES[1]) for m in MUNICIPALITIES[1:]])
COMMUNITIES = ["Afghan", "Syrian", "Congolese", "Pakistani", "Iraqi", "Somali", "Eritrean", "Iranian",
               "Cameroonian", "Sudanese", "Ukrainian", "Kurdish", "Palestinian", "Bangladeshi", "Nigerian",
               "Guinean", "Ethiopian", "Filipino"]
MIGRANT_PATTERNS = [
    ("{community} Community Association of {hood}", "access-legal-rights"),
    ("{community} Youth Forum Athens", "education-learning"),
    ("{community} Women's Circle", "women-refugees-gender"),
    ("Union of {community} Workers in Attica", "livelihoods-labour-market"),
]
ACADEMIC_PATTERNS = [
    "{surname} Institute for Migration Studies",
    "Centre for Refugee Law Research, {surname} College",
    "Urban Integration Lab, {surname} University",
    "Ινστιτούτο Μεταναστευτικής Πολιτικής «{surname}»",
]
OTHER_PATTERNS = [
    "{surname} Philanthropic Foundation",
    "{hood} Small Business Association",
    "Ενορία {hood_el} – Κοινωνική Κουζίνα",
    "{surname} Tenants' Cooperative",
    "{surname} Donors' Circle",
]

# How many organisations of each type, and how many people each has (low, high).
ORGANISATION_COUNTS = {
    OrganisationType.NGO: 40,
    OrganisationType.INTERNATIONAL: 11,
    OrganisationType.MUNICIPAL: 15,  # and the secretariat
    OrganisationType.MIGRANT_LED: 17,
    OrganisationType.ACADEMIC: 7,
    OrganisationType.OTHER: 8,
}
STAFF_PER_TYPE = {
    OrganisationType.NGO: (3, 5),
    OrganisationType.INTERNATIONAL: (3, 4),
    OrganisationType.MUNICIPAL: (2, 4),
    OrganisationType.MIGRANT_LED: (2, 3),
    OrganisationType.ACADEMIC: (2, 3),
    OrganisationType.OTHER: (1, 3),
}

JOB_TITLES_EN = [
    "Project coordinator", "Legal officer", "Social worker", "Caseworker", "Programme manager", "Advocacy officer",
    "Psychologist", "Cultural mediator", "Education officer", "Employment counsellor", "Communications officer",
    "Director", "Field coordinator", "Protection officer", "Researcher", "Volunteer coordinator", "Housing officer",
    "Health mediator", "Head of department",
]
# (masculine, feminine)
JOB_TITLES_EL = [
    ("Υπεύθυνος έργου", "Υπεύθυνη έργου"), ("Νομικός σύμβουλος", "Νομική σύμβουλος"),
    ("Κοινωνικός λειτουργός", "Κοινωνική λειτουργός"), ("Ψυχολόγος", "Ψυχολόγος"),
    ("Διαπολιτισμικός μεσολαβητής", "Διαπολιτισμική μεσολαβήτρια"), ("Προϊστάμενος τμήματος", "Προϊσταμένη τμήματος"),
    ("Διευθυντής", "Διευθύντρια"), ("Εκπαιδευτικός", "Εκπαιδευτικός"),
    ("Σύμβουλος απασχόλησης", "Σύμβουλος απασχόλησης"), ("Υπεύθυνος επικοινωνίας", "Υπεύθυνη επικοινωνίας"),
    ("Ερευνητής", "Ερευνήτρια"), ("Διοικητικός υπάλληλος", "Διοικητική υπάλληλος"),
]
# Names for staff of migrant-led organisations.
COMMUNITY_FIRST_NAMES = ["Ahmad", "Fatima", "Mohammad", "Zahra", "Ali", "Maryam", "Hassan", "Amina", "Omar", "Leila",
                         "Yusuf", "Samira", "Jean-Paul", "Grace", "Emmanuel", "Aïcha", "Reza", "Shirin", "Nasrin",
                         "Farid", "Abdi", "Hodan", "Tesfaye", "Selam", "Bilal", "Ayesha", "Olena", "Mariam"]
COMMUNITY_LAST_NAMES = ["Rahimi", "Haidari", "Al-Masri", "Hussaini", "Karimi", "Mohammadi", "Nouri", "Ahmadi", "Khan",
                        "Yusufzai", "Mbala", "Kabongo", "Diallo", "Traoré", "Warsame", "Tesfay", "Haile", "Hosseini",
                        "Sultani", "Qureshi", "Ibrahim", "Osman", "Mansour", "Kovalenko", "Bah", "Okafor"]

SECRETARIAT = ("Coordination Centre for Migrant and Refugee Issues – Secretariat (demo)", "CCMRI")

# Demo accounts: (label shown by the CLI, email, full name, language)
DEMO_ACCOUNTS = {
    "admin": ("Administrator", "admin@demo.accmr.test", "Alexandra Demou", "en"),
    "coordinator": ("Coordinator", "coordinator@demo.accmr.test", "Νικόλαος Δημόπουλος", "el"),
    "cochair": ("Co-chair (NGO)", "cochair@demo.accmr.test", "Helen Demo-Chair", "en"),
    "cochair_city": ("Co-chair (City)", "cochair.city@demo.accmr.test", "Μαρία Δημοτική", "el"),
    "secretary": ("Secretary", "secretary@demo.accmr.test", "Σοφία Γραμματέως", "el"),
    "rep": ("Representative", "rep@demo.accmr.test", "Farid Demo-Rahimi", "en"),
    "observer": ("Observer", "observer@demo.accmr.test", "Olivia Demo-Observer", "en"),
}
