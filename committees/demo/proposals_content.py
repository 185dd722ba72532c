"""Fixed text of the demo proposals: one proposal per agenda topic of committees/demo/meetings.py (the minutes'
decisions on a topic are linked to its proposal), older proposals that give the pipeline report its years, and the
reasons, City replies and comments the workflow needs.

Everything here is fictional, written to read like proposals of ACCMR member organisations to the City.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProposalText:
    title: str
    summary: str
    points: tuple[str, ...]  # what is proposed
    target_group: str
    impact: str
    budget: str  # as a member would type it; "" = no estimate
    timeframe: str

    def body(self) -> str:
        bullets = "\n".join(f"- {point}" for point in self.points)
        return (f"## What we propose\n\n{self.summary}\n\n{bullets}\n\n## Who benefits\n\n{self.target_group}.\n\n"
                f"## How we will know it works\n\n{self.impact}\n")


P = ProposalText

# Keyed by agenda topic (committees/demo/meetings.py TOPICS).
TOPIC_PROPOSALS: dict[str, ProposalText] = {
    # -- Access and Legal Rights ------------------------------------------------------------------
    "Delays in renewing residence permits": P(
        "Information desk on residence permit renewals",
        "A weekly desk at City Hall where people waiting for a renewal get the certificate of pending application "
        "explained and a letter for employers and banks.",
        ("Two mornings a week at the citizens' service centre of City Hall.",
         "A standard letter, in Greek and English, explaining that the certificate is valid.",
         "Monthly figures on waiting times shared with the Decentralised Administration."),
        "Residence permit holders waiting for a renewal, and their employers",
        "Fewer people losing jobs or bank access while they wait; waiting times documented every month.",
        "9 500", "Twelve months"),
    "Free legal aid: referrals between members": P(
        "A shared calendar of free legal aid appointments",
        "One calendar where legal aid providers publish their free appointments each Monday, so that nobody is "
        "referred to an organisation that has no time.",
        ("A simple shared calendar hosted by the Coordination Centre.",
         "A referral form agreed by all legal aid members.", "A short training for front-desk staff."),
        "Asylum seekers and migrants who need legal advice, and the staff who refer them",
        "Referrals answered within a week; fewer people sent from one office to another.",
        "3 000", "Six months, then reviewed"),
    "Access to tax and social security numbers": P(
        "Accompanied appointments for tax numbers",
        "Volunteers of member organisations accompany applicants for international protection to the tax office "
        "with a letter from the City explaining their right to a tax number.",
        ("A letter from the City's legal service, addressed to the tax offices.",
         "A rota of accompanying volunteers from three members.", "A shared log of refusals and their outcome."),
        "Applicants for international protection who need a tax number",
        "Refusals at tax offices halved within six months, as recorded in the shared log.",
        "", "Six months"),
    "Interpreters at the citizens' service centres": P(
        "Cultural mediators at two citizens' service centres",
        "A three-month pilot with cultural mediators of the Migrant Integration Centre at two service centres, "
        "two mornings a week.",
        ("Arabic, Farsi and French first; Urdu on request.",
         "A feedback form for visitors and staff.", "A review by the committee after the pilot."),
        "Newcomers who use the citizens' service centres without speaking Greek",
        "Fewer people bringing children to interpret; staff and visitors' feedback collected.",
        "14 000", "Three months, from the first of the month after approval"),
    "Update from the asylum service": P(
        "Supported booking of asylum appointments",
        "Member organisations' day centres help people without a smartphone book their asylum appointments on "
        "the online platform.",
        ("A list of day centres offering supported booking, with hours and languages.",
         "A tablet and a data plan for four centres.", "A quarterly meeting with the regional asylum office."),
        "Asylum seekers without a smartphone or internet access",
        "Every applicant who asks can book within a week at a centre near them.",
        "4 800", "One year"),
    "Guide to municipal services for newcomers": P(
        "A guide to municipal services in six languages",
        "A printed and online guide to the City's services for newcomers: registration, social benefits, clinics, "
        "nurseries and the citizens' service centres.",
        ("Translation into Arabic, Farsi, French, Urdu, Ukrainian and Somali.",
         "5 000 printed copies for the service centres and members.", "A yearly update of addresses and phones."),
        "Newcomers to the city and the staff who advise them",
        "The guide is handed out at every service centre and downloaded from the City's site.",
        "11 200", "Nine months"),
    # -- Livelihoods and Access to the Labour Market ----------------------------------------------
    "Recognition of qualifications gained abroad": P(
        "Information sessions on the European Qualifications Passport for Refugees",
        "Four sessions a year, with the national recognition centre, for refugees whose degrees cannot be "
        "recognised for lack of documents.",
        ("Sessions in Arabic, Farsi and English at the Coordination Centre.",
         "Pre-registration through the members.", "A follow-up of the passports issued."),
        "Refugees with higher education or professional qualifications",
        "At least 60 people a year assessed for the passport.",
        "2 500", "One year, renewable"),
    "Apprenticeships with local employers": P(
        "Paid apprenticeships with local employers for young refugees",
        "Six-month paid apprenticeships with businesses of the City's chamber of commerce, with a mentor in each "
        "workplace.",
        ("Twenty places in the first year.", "A monthly allowance shared by the employer and a donor.",
         "Greek for work, two evenings a week."),
        "Young refugees aged 18 to 29 registered with the public employment service",
        "Half of the apprentices employed six months after the end.",
        "96 000", "Eighteen months"),
    "Job fair in the spring": P(
        "An inclusive job fair each spring",
        "A yearly job fair at the City's conference centre where employers meet refugees and migrants looking for "
        "work, with interpreters at the stands.",
        ("Forty employers invited through the chamber of commerce.", "CV clinics before the fair.",
         "Interpreters for Arabic, Farsi, French and Urdu."),
        "Job seekers among refugees and migrants, and local employers",
        "At least 500 visitors and 50 job offers made at or after the fair.",
        "18 000", "Every spring"),
    "Registration with the public employment service": P(
        "Help desk for registration with the public employment service",
        "A help desk at two community centres where people register with the public employment service and get "
        "their unemployment card.",
        ("Two afternoons a week.", "Staff of the employment service trained on asylum documents.",
         "A guide in five languages."),
        "Refugees and migrants looking for work who are not registered yet",
        "Registrations of refugees doubled within a year.",
        "6 500", "One year"),
    "Mapping vocational training places": P(
        "An open map of vocational training places",
        "A map, kept up to date by the members, of vocational training places open to refugees, with languages, "
        "fees and start dates.",
        ("Data collected every quarter from training providers.", "Published on the City's open data portal.",
         "Printed extracts for the day centres."),
        "Refugees and migrants looking for training, and the staff advising them",
        "Every member uses the map; training places filled faster.",
        "3 200", "Six months to build, then quarterly updates"),
    "Microcredit and self-employment": P(
        "Start-up support and microcredit guarantees for refugee entrepreneurs",
        "A guarantee fund with a cooperative bank and a six-week business course for refugees who want to start "
        "a business.",
        ("A course on Greek business law, tax and bookkeeping.", "Guarantees for loans up to 10 000 euros.",
         "A mentor from the local business association."),
        "Refugees and migrants with a business plan",
        "Twenty businesses started in two years, most still open after one year.",
        "120 000", "Two years"),
    # -- Urbanisation and Peaceful Coexistence ----------------------------------------------------
    "Housing after the end of accommodation programmes": P(
        "Transitional housing support after accommodation programmes",
        "Six months of rent support and a housing adviser for families who must leave supported accommodation.",
        ("Rent support on a falling scale over six months.", "A housing adviser shared by three members.",
         "Agreements with landlords found through the members."),
        "Families leaving the accommodation programmes",
        "No family leaving the programmes ends up homeless in the first year.",
        "150 000", "One year"),
    "Neighbourhood festival planning": P(
        "A neighbourhood festival in three districts each spring",
        "A one-day festival in three districts, organised with local associations, schools and community groups.",
        ("Food, music and games from the communities living in the district.",
         "A stage for school choirs and community groups.", "Volunteers from the neighbourhood."),
        "Residents of the three districts, old and new",
        "At least 2 000 visitors; new contacts between associations and community groups.",
        "12 000", "Every spring"),
    "Use of municipal spaces by community groups": P(
        "Evening use of school yards and municipal halls by community groups",
        "Community groups may use school yards and municipal halls in the evening free of charge, booked online.",
        ("A booking page on the City's site.", "A simple agreement on keys, cleaning and insurance.",
         "A caretaker on duty on weekday evenings."),
        "Migrant-led community groups and local associations",
        "Thirty groups using municipal spaces regularly within a year.",
        "8 000", "From the next school year"),
    "Reports of tension in public squares": P(
        "Community mediators in two squares with reported tensions",
        "Pairs of community mediators, one long-time resident and one newcomer, present in two squares on "
        "weekday afternoons.",
        ("Training in mediation and de-escalation.", "Monthly meetings with the neighbourhood police officer.",
         "A log of incidents and how they were resolved."),
        "People living around the two squares",
        "Fewer incidents reported; residents' survey before and after.",
        "22 000", "One year"),
    "Rental support scheme": P(
        "A rental guarantee scheme for refugee households",
        "The City guarantees the first three months' rent to landlords who rent to refugee households referred "
        "by members.",
        ("A guarantee fund managed by the City's social services.", "A standard lease explained in five languages.",
         "Follow-up visits by the referring member."),
        "Refugee households with an income but no guarantor",
        "Fifty leases signed in the first year, with few guarantee calls.",
        "75 000", "Two years"),
    "Community mediators in schools": P(
        "Community mediators in ten primary schools",
        "Community mediators speaking the families' languages help teachers and parents in ten primary schools.",
        ("One mediator for every two schools.", "Parents' meetings with interpretation each term.",
         "Training with the regional directorate of education."),
        "Refugee and migrant children, their parents and teachers",
        "Better attendance and more parents at school meetings.",
        "48 000", "One school year"),
    # -- Education and Learning -------------------------------------------------------------------
    "Enrolment of children in the new school year": P(
        "An enrolment support week before the school year",
        "In the last week of August, members and the City help families enrol children at school, with "
        "interpreters and vaccination checks.",
        ("Enrolment points at four community centres.", "Interpreters and a list of the documents needed.",
         "A hotline for head teachers."),
        "Refugee and migrant families with children of school age",
        "Every child in accommodation enrolled by the first day of school.",
        "7 500", "Every August"),
    "Reception classes: places and teachers": P(
        "More reception classes in the central districts",
        "Ask the ministry for eight more reception classes in the central districts, where waiting lists are "
        "longest, and offer municipal rooms for them.",
        ("A count of children waiting, by school.", "Municipal rooms offered where schools are full.",
         "Teacher training with the university."),
        "Children who do not speak Greek yet",
        "No waiting list for reception classes in the central districts.",
        "", "From the next school year"),
    "Greek language courses for adults": P(
        "Evening Greek courses with childcare",
        "Evening Greek courses for adults in municipal libraries, with childcare in the next room.",
        ("Three levels, four evenings a week.", "Qualified teachers from the members.",
         "Childcare by trained volunteers."),
        "Adult refugees and migrants, especially parents",
        "300 learners a year, most completing a level.",
        "36 000", "One school year"),
    "Homework support in libraries": P(
        "Homework clubs in five municipal libraries",
        "Homework clubs three afternoons a week in five libraries, with volunteer students and a coordinator.",
        ("Volunteers from the university.", "Books and a printer in each library.",
         "A coordinator shared by the five clubs."),
        "Refugee and migrant children in primary and secondary school",
        "Fewer children dropping out at the transition to secondary school.",
        "19 000", "One school year"),
    "School transport from accommodation sites": P(
        "School bus from accommodation sites to the neighbourhood schools",
        "A municipal bus takes children from the two accommodation sites to their schools and back.",
        ("Two routes, morning and afternoon.", "An escort on each bus.",
         "Timetables agreed with the head teachers."),
        "Children living in the accommodation sites",
        "Attendance of children from the sites at the level of their classmates.",
        "54 000", "One school year"),
    "Access to higher education": P(
        "A mentoring programme for refugee students entering university",
        "Each refugee student admitted to university gets a student mentor and help with registration, "
        "housing and the student card.",
        ("Mentors recruited through the universities' student unions.",
         "A welcome day at the start of the year.", "Small grants for books and transport."),
        "Refugees admitted to higher education",
        "Most mentored students completing their first year.",
        "15 000", "One academic year"),
    # -- Health and Wellbeing ---------------------------------------------------------------------
    "Access to primary health care without a social security number": P(
        "A temporary health card for people waiting for their PAAYPA",
        "The municipal clinics accept a temporary card issued by the members to people waiting for their "
        "social security number for health.",
        ("A card with photo and reference number.", "An agreement with the municipal clinics.",
         "Monthly figures on waiting times."),
        "Asylum seekers waiting for their social security number for health",
        "Nobody turned away from a municipal clinic while waiting.",
        "5 000", "One year"),
    "Mental health referrals": P(
        "A shared referral pathway for mental health support",
        "One referral form and one list of services, so that people needing mental health support reach a "
        "service that has space and speaks their language.",
        ("A directory of services, updated monthly.", "A referral form agreed with the public hospitals.",
         "Training for front-line staff."),
        "Refugees and migrants needing mental health support, survivors of torture included",
        "Referrals answered within two weeks.",
        "8 000", "Six months, then reviewed"),
    "Vaccination campaign": P(
        "A vaccination week at community centres",
        "A yearly vaccination week at four community centres, with the municipal clinics and interpreters.",
        ("Childhood vaccinations and the seasonal flu.", "Information in six languages.",
         "Records shared with the family doctor."),
        "Refugee and migrant families, children first",
        "Higher vaccination coverage among children in accommodation.",
        "12 500", "Every autumn"),
    "Cultural mediators in hospitals": P(
        "Cultural mediators on call for municipal clinics",
        "A pool of cultural mediators the municipal clinics can call, in person or by video.",
        ("Arabic, Farsi, Urdu, French and Somali.", "A booking line open on weekdays.",
         "Training on medical interpreting."),
        "Patients of the municipal clinics who do not speak Greek",
        "Mediators available for every appointment booked a day ahead.",
        "42 000", "One year"),
    "Psychosocial support for unaccompanied children": P(
        "Psychosocial support groups for unaccompanied children",
        "Weekly support groups in the shelters for unaccompanied children, led by psychologists and mediators.",
        ("Groups of eight, by language.", "Activities with sport and art.",
         "Referrals to specialists when needed."),
        "Unaccompanied children living in the city's shelters",
        "Every child in a shelter offered a place in a group.",
        "33 000", "One year"),
    "Health information in community languages": P(
        "Health information cards in community languages",
        "Short cards on how to reach a doctor, a pharmacy and emergency care, in eight languages.",
        ("Written with community health workers.", "Printed and on the City's site.",
         "Checked every year."),
        "Newcomers, especially those who do not read Greek",
        "Cards available at every municipal clinic and service centre.",
        "4 000", "Three months"),
    # -- Women Refugees and Gender Issues ---------------------------------------------------------
    "Safe spaces for women and girls": P(
        "A women's safe space in each municipal community centre",
        "A room reserved for women and girls two afternoons a week in each municipal community centre, with a "
        "female social worker.",
        ("Activities chosen by the women themselves.", "Information on rights and services.",
         "Childcare in the next room."),
        "Refugee and migrant women and girls",
        "Regular attendance and referrals to services where needed.",
        "26 000", "One year"),
    "Referral pathway for gender-based violence": P(
        "A single referral pathway for survivors of gender-based violence",
        "One pathway, agreed by the City's counselling centre, the police and the members, with interpreters at "
        "every step.",
        ("A one-page pathway in eight languages.", "A 24-hour number answered by the counselling centre.",
         "Training for all front-line staff."),
        "Survivors of gender-based violence among refugees and migrants",
        "Every survivor who asks is referred within a day.",
        "17 000", "Six months"),
    "Childcare during language courses": P(
        "Childcare during language and vocational courses",
        "Free childcare next to the classroom, so that mothers can attend language and vocational courses.",
        ("Trained childcare workers and volunteers.", "Rooms in libraries and community centres.",
         "Places booked with the course."),
        "Mothers of young children attending courses",
        "More women completing language and vocational courses.",
        "28 000", "One school year"),
    "Women's employment programme": P(
        "A women's employment programme with local businesses",
        "Training, internships and job placements for refugee and migrant women with local businesses.",
        ("Sectors chosen with the women: catering, care, retail.", "Internships of three months.",
         "Mentoring by women entrepreneurs."),
        "Refugee and migrant women looking for work",
        "Forty women in work after the programme.",
        "64 000", "One year"),
    "Sexual and reproductive health information": P(
        "Sexual and reproductive health sessions with women doctors",
        "Monthly information sessions led by women doctors, with interpreters, at community centres.",
        ("Topics chosen with the women.", "Referrals to the municipal clinics.", "Material in six languages."),
        "Refugee and migrant women and girls over 16",
        "Sessions attended by at least 200 women a year.",
        "9 000", "One year"),
    "16 days of activism: joint activities": P(
        "A joint programme for the 16 days of activism",
        "One programme of events by all members for the 16 days of activism against gender-based violence, "
        "published by the City.",
        ("A shared calendar and poster.", "An event at City Hall on 25 November.",
         "Activities in community languages."),
        "Women and girls, and the public",
        "Every member takes part; events attended in every district.",
        "6 000", "Every November"),
}


@dataclass(frozen=True)
class HistorySpec:
    """An older proposal (or one made to show a particular stage): its committee, its end state, when it was
    drafted and when its latest step was taken (days before loading), and for forwarded ones how long the City
    was given (days after forwarding)."""

    committee: str
    state: str
    text: ProposalText
    start_days: int
    end_days: int
    deadline_days: int = 60
    author: str = ""  # a demo login's key (content.DEMO_ACCOUNTS), else a member chosen by the seed
    invite: str = ""  # a demo login whose organisation is invited to co-sponsor and has not answered yet
    returned: bool = False  # returned for revision once on the way


H = HistorySpec
HISTORY: list[HistorySpec] = [
    H("access-legal-rights", "implemented", P(
        "Legal aid clinic at the Migrant Integration Centre",
        "A weekly legal aid clinic at the City's Migrant Integration Centre, staffed in turn by the members.",
        ("One afternoon a week.", "Interpreters on request.", "A shared case log."),
        "Migrants and refugees needing legal advice", "A clinic open every week of the year.", "8 000",
        "One year"), 900, 600),
    H("livelihoods-labour-market", "adopted", P(
        "Municipal internships for refugees with professional qualifications",
        "Ten six-month internships in municipal services for refugees with professional qualifications.",
        ("Engineering, accounting and social work first.", "A mentor in each service."),
        "Qualified refugees", "Ten interns a year, some hired afterwards.", "60 000", "Six months"), 640, 420),
    H("urbanisation-peaceful-coexistence", "not_adopted", P(
        "A municipal housing office for refugees",
        "A dedicated office in the City's social services to find and follow housing for refugee households.",
        ("Two housing advisers.", "A register of willing landlords."),
        "Refugee households looking for housing", "A hundred households housed a year.", "110 000",
        "Two years"), 600, 380),
    H("education-learning", "adopted_in_part", P(
        "Free public transport for adult learners",
        "Free travel on city buses for adults attending Greek courses run by the members.",
        ("A pass issued on the course's certificate of attendance.",),
        "Adult learners of Greek", "Higher attendance in evening courses.", "40 000", "One school year"),
        560, 330),
    H("health-wellbeing", "adopted", P(
        "Interpretation by phone for municipal clinics",
        "A phone interpretation service that the municipal clinics can call during consultations.",
        ("Eight languages, weekdays 8:00-20:00.",), "Patients of the municipal clinics",
        "Every consultation that needs it interpreted.", "30 000", "One year"), 520, 250),
    H("women-refugees-gender", "in_implementation", P(
        "Women's shelter places for survivors with children",
        "Ten places for survivors of gender-based violence with their children in the City's shelter.",
        ("Rooms adapted for families.", "A child psychologist."), "Survivors with children",
        "No survivor turned away for lack of a family place.", "85 000", "Two years"), 480, 120),
    H("access-legal-rights", "not_adopted", P(
        "Municipal ID card for residents without documents",
        "A City resident card for people without valid documents, accepted by municipal services.",
        ("Issued on proof of address.",), "Residents without valid documents",
        "Access to municipal services for every resident.", "", "One year"), 420, 200),
    H("livelihoods-labour-market", "forwarded", P(
        "Social clauses for refugee employment in municipal contracts",
        "Municipal service contracts include a clause favouring the employment of refugees and migrants.",
        ("A model clause drafted with the City's legal service.", "Monitoring by the procurement office."),
        "Refugees and migrants looking for work", "Fifty jobs created through municipal contracts.", "",
        "From next year's tenders"), 200, 75, deadline_days=30),
    H("education-learning", "forwarded", P(
        "Intercultural training for municipal nursery staff",
        "Training for the staff of municipal nurseries on welcoming refugee and migrant children and families.",
        ("Four modules over a year.", "Material translated for parents."), "Nursery staff and families",
        "Every municipal nursery trained.", "16 000", "One year"), 150, 45, deadline_days=30),
    H("health-wellbeing", "forwarded", P(
        "Mobile health unit for informal settlements",
        "A mobile unit with a doctor and a nurse visiting informal settlements once a week.",
        ("Basic care and referrals.", "Interpreters on board."), "People living in informal settlements",
        "Weekly visits to every settlement.", "95 000", "One year"), 90, 12, deadline_days=60),
    H("urbanisation-peaceful-coexistence", "endorsed", P(
        "Shared community gardens in two districts",
        "Two community gardens on municipal land, tended by residents and newcomers together.",
        ("Plots for families and schools.", "A gardener to advise."), "Residents of the two districts",
        "Sixty families gardening together.", "14 000", "From the spring"), 60, 20),
    H("women-refugees-gender", "declined", P(
        "A women-only swimming hour at the municipal pool",
        "One hour a week at the municipal pool reserved for women, with female lifeguards.",
        ("Saturday mornings.",), "Women who do not swim in mixed groups",
        "Regular attendance.", "5 000", "One year"), 90, 30),
    H("access-legal-rights", "returned", P(
        "Legal information sessions in reception centres",
        "Monthly legal information sessions in the reception centres on the asylum procedure and rights.",
        ("In the main languages of the residents.", "With the members' lawyers."),
        "Residents of reception centres", "Every resident offered a session in their language.", "4 500",
        "One year"), 30, 3, author="rep"),
    H("livelihoods-labour-market", "draft", P(
        "Driving lessons for refugee job seekers",
        "Subsidised driving lessons for refugees offered a job that needs a driving licence.",
        ("Lessons with an interpreter.", "Help with exchanging foreign licences."),
        "Refugee job seekers", "Thirty licences a year.", "12 000", "One year"), 6, 1, author="rep"),
    H("access-legal-rights", "draft", P(
        "Know-your-rights videos in community languages",
        "Short videos on rights and procedures, made with community members, in eight languages.",
        ("Scripts checked by the legal aid members.", "Shared on social media and in waiting rooms."),
        "Newcomers who prefer video to text", "Videos watched in every community.", "7 000", "Six months"),
        10, 2, invite="rep"),
    H("health-wellbeing", "submitted", P(
        "Dental care for children in accommodation",
        "Yearly dental check-ups for children living in accommodation, with the municipal dental clinic.",
        ("Check-ups at school.", "Treatment at the clinic."), "Children in accommodation",
        "Every child checked once a year.", "18 000", "One school year"), 14, 4),
    H("education-learning", "under_review", P(
        "Summer school for newly arrived teenagers",
        "A four-week summer school of Greek, maths and sport for teenagers who arrived during the year.",
        ("Mornings of lessons, afternoons of sport.",), "Teenagers who arrived during the year",
        "A smooth start at school in September.", "21 000", "Every July"), 25, 6, returned=True),
    H("women-refugees-gender", "on_agenda", P(
        "Self-defence classes for women and girls",
        "Free self-defence classes for women and girls at municipal sports centres.",
        ("Female instructors.", "Childcare during classes."), "Women and girls",
        "Two hundred participants a year.", "8 500", "One year"), 20, 2),
    H("urbanisation-peaceful-coexistence", "withdrawn", P(
        "A welcome café in the old market",
        "A café run by newcomers and residents in a room of the old municipal market.",
        ("Open weekday mornings.",), "Residents and newcomers", "A meeting place in the centre.", "9 000",
        "One year"), 50, 25),
]

# The state of a topic proposal the minutes did not decide on (cycled; a topic on a coming meeting's agenda gives
# a proposal on that agenda instead).
PRE_DECISION_CYCLE = ("submitted", "under_review", "returned", "draft", "withdrawn")
# A decided topic proposal's state, by the age of the meeting whose minutes hold the decision (cycled).
DECIDED_CYCLE = {
    "past-3": ("in_implementation", "adopted", "implemented", "not_adopted", "adopted_in_part"),
    "past-2": ("forwarded", "in_implementation", "adopted_in_part", "declined", "endorsed"),
    "past-1": ("endorsed", "forwarded", "declined"),
}

DEPARTMENTS = {
    "access-legal-rights": "Vice-Mayor's Office for Migrants and Refugees",
    "livelihoods-labour-market": "Directorate of Employment and Social Economy",
    "urbanisation-peaceful-coexistence": "Directorate of Social Solidarity",
    "education-learning": "Directorate of Education",
    "health-wellbeing": "Directorate of Public Health",
    "women-refugees-gender": "Directorate of Social Solidarity, Gender Equality Office",
}

RETURN_REASONS = [
    "Please add a budget breakdown and say which member runs it day to day.",
    "The target group is too broad: say how many people and where.",
    "Say how this relates to what the City already offers, to avoid duplication.",
]
REVISION_NOTES = ["Budget broken down and the lead member named.", "Target group and numbers made precise.",
                  "Explained how it complements the City's existing services."]
DECLINE_REASONS = [
    "The committee agrees with the aim but the City already funds a similar service from next year.",
    "The members could not agree on who would run it; the authors may file it again with a partner.",
]
WITHDRAW_REASONS = ["We found a donor to fund this ourselves; the committee's time is better spent elsewhere.",
                    "Our organisation can no longer lead this; we will come back with partners."]
CITY_REPLIES = {
    "adopt": "The City adopts the proposal and will fund it from next year's budget. The {department} will lead "
             "the implementation with the authors.",
    "adopt_in_part": "The City adopts the proposal in part: the first phase is funded; the rest will be "
                     "considered in next year's budget. Contact: {department}.",
    "not_adopt": "The City cannot adopt the proposal this year: the budget has been committed. The {department} "
                 "invites the committee to resubmit it in the next budget round.",
}
NOT_ADOPTED_REASON = "No budget this year."
COMMENTS = [
    "We support this. Our day centre could host it one afternoon a week.",
    "Could the authors say how people outside the centre of the city would be reached?",
    "Our experience with a similar pilot was good; happy to share our evaluation.",
    "Please make sure there are interpreters for Urdu and Somali too.",
    "The budget seems low for a full year; have you included the coordinator's time?",
    "Our members are ready to help with the translations.",
]
HIDDEN_COMMENT = ("Last month the family of Mr K., living on Acharnon Street, was refused again at the office; "
                  "his lawyer can confirm.")
HIDE_REASON = "It identifies a person who did not agree to be named. Please describe the case without details."
IMPLEMENTATION_ACTION = "Follow the implementation with the {department}"
