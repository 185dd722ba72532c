"""Fixed text of the demo minutes: per agenda topic (the titles of committees/demo/meetings.py) what was said,
what was decided and which actions followed; progress notes, comments and the demo logins' own action items.

Everything here is fictional, written to read like the minutes of the ACCMR committees.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TopicNotes:
    discussion: str  # Markdown
    decision: str
    actions: tuple[tuple[str, str], ...]  # (title, description)


T = TopicNotes

TOPICS: dict[str, TopicNotes] = {
    # -- Access and Legal Rights ------------------------------------------------------------------
    "Delays in renewing residence permits": T(
        "Members reported that renewals of residence permits now take **four to six months**, while the expired "
        "permit is not always accepted by employers, banks and the public employment service.\n\n"
        "- Several legal aid providers see people lose jobs while waiting.\n"
        "- The municipal representative noted that the certificate of a pending application is valid but not "
        "widely known.",
        "The committee will ask the Decentralised Administration for a meeting on renewal delays and will "
        "circulate a one-page note on the validity of the certificate of pending application.",
        (("Draft the one-page note on certificates of pending application",
          "Plain language, in Greek and English; checked by two legal aid members before it goes out."),
         ("Request a meeting with the Decentralised Administration on renewals",
          "Letter signed by both co-chairs, with the figures collected by the members."))),
    "Free legal aid: referrals between members": T(
        "Referrals between legal aid providers are made by phone and email, and people are often sent to an "
        "organisation that has no free appointments. Members agreed that a shared referral form and a weekly "
        "update of available appointments would help.",
        "The committee adopts a shared referral form for free legal aid and asks members to update their "
        "available appointments every Monday.",
        (("Circulate the shared referral form to all legal aid members",
          "Include the list of contact points and the Monday update routine."),
         ("Collect each member's weekly legal aid capacity",
          "A simple table: organisation, languages, type of case, free appointments this week."))),
    "Access to tax and social security numbers": T(
        "Applicants for international protection still meet refusals at some tax offices when they ask for a tax "
        "number, and the social security number for foreigners (PAAYPA) is issued late. Members shared examples "
        "from the last month.",
        "The committee will document refusals at tax offices for two months and present the cases to the "
        "Independent Authority for Public Revenue.",
        (("Set up a shared log of refusals at tax offices",
          "Anonymised: date, office, document asked for, outcome."),)),
    "Interpreters at the citizens' service centres": T(
        "The citizens' service centres (KEP) have no interpreters; people bring children or neighbours to "
        "translate. The City's Migrant Integration Centre can lend cultural mediators two mornings a week.",
        "The committee supports a three-month pilot with cultural mediators at two citizens' service centres "
        "and will review it at its meeting after the pilot.",
        (("Agree the mediators' schedule with the two service centres",
          "Two mornings a week; Arabic, Farsi and French first."),
         ("Prepare a short feedback form for the interpreter pilot", ""))),
    "Update from the asylum service": T(
        "The regional asylum office reported on appointment waiting times and the new online registration "
        "platform. Members raised that people without a smartphone cannot book appointments.",
        "The committee asks member organisations to offer supported booking of asylum appointments at their "
        "day centres and will map where this is available.",
        (("Map where supported booking of asylum appointments is offered",
          "Address, opening hours, languages."),)),
    "Guide to municipal services for newcomers": T(
        "The draft guide to municipal services was presented. Members suggested adding social benefits, the "
        "municipal clinics and how to register children for nurseries.",
        "The committee approves the structure of the guide to municipal services, with the additions proposed, "
        "for translation into six languages.",
        (("Send the final text of the guide for translation",
          "Arabic, Farsi, French, Urdu, Ukrainian and Somali."),
         ("Check the guide's phone numbers and addresses with the municipal services", ""))),
    # -- Livelihoods and Access to the Labour Market ----------------------------------------------
    "Recognition of qualifications gained abroad": T(
        "Refugees with degrees wait more than a year for recognition, and many lack documents from their "
        "country. Members discussed the European Qualifications Passport for Refugees as an interim solution.",
        "The committee will hold an information session on the European Qualifications Passport for Refugees "
        "with the national recognition centre.",
        (("Organise the information session on the Qualifications Passport",
          "Venue, interpretation and invitation to job counsellors of all members."),)),
    "Apprenticeships with local employers": T(
        "The chamber of commerce offered twenty apprenticeship places in hospitality and retail. Members stressed "
        "that language support is needed during the first weeks.",
        "The committee endorses the apprenticeship scheme with the chamber of commerce and will match "
        "candidates from member organisations.",
        (("Collect candidates for the twenty apprenticeship places", "Deadline agreed with the chamber."),
         ("Arrange Greek language support for apprentices", ""))),
    "Job fair in the spring": T(
        "Planning of the spring job fair: date, venue and employers. Last year 400 job seekers and 35 employers "
        "took part; members proposed adding a corner for CV writing and interpretation.",
        "The committee will co-organise the spring job fair with the City, with a CV corner and interpreters.",
        (("Book the venue for the spring job fair", ""),
         ("Invite employers to the spring job fair", "Target: 40 employers, including small businesses."))),
    "Registration with the public employment service": T(
        "People are asked for documents they cannot have, such as a tax clearance certificate, when they "
        "register as unemployed. Members asked for clear written guidance to local offices.",
        "The committee will write to the public employment service asking for written guidance to local offices "
        "on the documents required from refugees.",
        (("Send the letter to the public employment service", "Signed by both co-chairs."),)),
    "Mapping vocational training places": T(
        "Members presented the first map of vocational training places open to refugees. Many courses require "
        "Greek at level B1, which few participants have.",
        "The committee will publish the map of vocational training places and propose courses with integrated "
        "language support.",
        (("Publish the map of vocational training places on the portal", ""),)),
    "Microcredit and self-employment": T(
        "Two members run business mentoring for refugees; access to a bank account is the first obstacle. "
        "The municipal office for entrepreneurship can host a monthly advice session.",
        "The committee supports a monthly advice session on self-employment at the municipal entrepreneurship "
        "office.",
        (("Start the monthly self-employment advice session", ""),)),
    # -- Urbanisation and Peaceful Coexistence ----------------------------------------------------
    "Housing after the end of accommodation programmes": T(
        "Families leaving the accommodation programme have thirty days to find a home. Members reported "
        "discrimination by landlords and rents above the rental allowance.",
        "The committee will propose to the City a transition scheme of six months with rent guarantees for "
        "families leaving the accommodation programme.",
        (("Draft the proposal for a housing transition scheme",
          "With figures on families leaving the programme in the next six months."),
         ("Collect examples of discrimination by landlords", "Anonymised."))),
    "Neighbourhood festival planning": T(
        "The neighbourhood festival will take place in June in the square of Kypseli. Community groups will "
        "cook, play music and run activities for children.",
        "The committee approves the programme of the neighbourhood festival and asks the City for the square and "
        "basic equipment.",
        (("Apply to the City for the use of the square", ""),
         ("Coordinate the volunteers for the festival", ""))),
    "Use of municipal spaces by community groups": T(
        "Migrant-led groups find it hard to get rooms for meetings and classes. The municipal community centres "
        "have free rooms in the evenings.",
        "The committee asks the City to open the community centres' rooms to community groups in the evenings, "
        "free of charge, under a simple agreement.",
        (("Draft a simple agreement for the use of community centre rooms", ""),)),
    "Reports of tension in public squares": T(
        "Members discussed incidents reported in two squares. The community centre and local associations "
        "propose joint activities and a regular presence of social workers in the evenings.",
        "The committee will set up a small group with the community centre to follow the situation in the two "
        "squares and report at each meeting.",
        (("Set up the working group on the two squares", ""),)),
    "Rental support scheme": T(
        "The rental support scheme has spent half its budget; applications from refugees are rare because the "
        "forms are only in Greek.",
        "The committee asks that the forms of the rental support scheme be translated and that members help "
        "people apply.",
        (("Translate the rental support application form", ""),)),
    "Community mediators in schools": T(
        "Community mediators helped in three schools last year; schools ask for more. Funding ends in December.",
        "The committee will include community mediators in schools in its proposals to the City for next year's "
        "budget.",
        (("Write the budget note on community mediators in schools", ""),)),
    # -- Education and Learning -------------------------------------------------------------------
    "Enrolment of children in the new school year": T(
        "Around 300 children living in the city are not enrolled. Obstacles: vaccination records, proof of "
        "address and transport.",
        "The committee will run an enrolment campaign in September with the Directorate of Education, with "
        "help desks in three neighbourhoods.",
        (("Organise three enrolment help desks", "Kypseli, Patissia and Kolonos."),
         ("Prepare the enrolment campaign leaflet", "In six languages."))),
    "Reception classes: places and teachers": T(
        "Reception classes lack teachers at the start of the year, and some schools have more children than "
        "places.",
        "The committee asks the Directorate of Education to publish the list of schools with reception classes "
        "and free places before the school year.",
        (("Request the list of reception classes and free places", ""),)),
    "Greek language courses for adults": T(
        "Waiting lists for Greek courses are long; evening and online courses are full. Members offer teachers "
        "but need rooms.",
        "The committee will coordinate a common waiting list for adult Greek courses and match rooms offered by "
        "the City with members' teachers.",
        (("Create the common waiting list for Greek courses", ""),
         ("Match rooms with volunteer teachers", ""))),
    "Homework support in libraries": T(
        "The municipal libraries can host homework support twice a week; volunteers are needed.",
        "The committee supports homework support in two municipal libraries from next month.",
        (("Recruit volunteers for homework support", "Ten volunteers for two libraries."),)),
    "School transport from accommodation sites": T(
        "Children living in accommodation far from school miss lessons when transport is late or cancelled.",
        "The committee will write to the Region about school transport from accommodation sites.",
        (("Send the letter on school transport to the Region", ""),)),
    "Access to higher education": T(
        "Young refugees need information on university admission, recognition of secondary school certificates "
        "and scholarships.",
        "The committee will hold an information day on higher education with two universities.",
        (("Organise the information day on higher education", ""),)),
    # -- Health and Wellbeing ---------------------------------------------------------------------
    "Access to primary health care without a social security number": T(
        "People without a social security number (AMKA/PAAYPA) are turned away by some health centres, "
        "including pregnant women and children.",
        "The committee asks the health region to remind health centres in writing that emergency care, "
        "pregnant women and children are treated regardless of documents.",
        (("Send the letter to the health region", ""),
         ("Collect cases of refusal at health centres", "Anonymised, for the health region."))),
    "Mental health referrals": T(
        "Waiting times for psychological support exceed three months. Members offer different services; a "
        "common referral list would help.",
        "The committee will produce a list of mental health services with their languages and waiting times, "
        "updated every month.",
        (("Compile the list of mental health services", ""),)),
    "Vaccination campaign": T(
        "The public health office plans a vaccination campaign for children; members will inform families and "
        "offer mediators.",
        "The committee supports the children's vaccination campaign with mediators and information in six "
        "languages.",
        (("Translate the vaccination campaign information", ""),
         ("Schedule mediators for the vaccination days", ""))),
    "Cultural mediators in hospitals": T(
        "Hospitals have too few cultural mediators; patients miss appointments for lack of interpretation.",
        "The committee will propose a pool of cultural mediators shared by two hospitals and the municipal "
        "clinics.",
        (("Draft the proposal for a shared pool of mediators", ""),)),
    "Psychosocial support for unaccompanied children": T(
        "Shelters for unaccompanied children report a rise in anxiety and sleep problems. Members discussed "
        "group activities and individual support.",
        "The committee will map psychosocial support for unaccompanied children and ask the shelters what is "
        "missing.",
        (("Survey the shelters for unaccompanied children", ""),)),
    "Health information in community languages": T(
        "Health information leaflets exist but are out of date and not in the languages most spoken.",
        "The committee will review the health information leaflets with community organisations and publish the "
        "updated versions on the portal.",
        (("Review the health leaflets with community organisations", ""),)),
    # -- Women Refugees and Gender Issues ---------------------------------------------------------
    "Safe spaces for women and girls": T(
        "Two safe spaces are full; women travel far to reach them. Members proposed a mobile session in the "
        "western neighbourhoods.",
        "The committee supports a weekly mobile safe-space session in the western neighbourhoods.",
        (("Find a venue for the mobile safe-space session", ""),)),
    "Referral pathway for gender-based violence": T(
        "The referral pathway for survivors of gender-based violence was updated; the municipal shelter and the "
        "counselling centre changed phone numbers.",
        "The committee adopts the updated referral pathway and asks every member to display it.",
        (("Print and distribute the updated referral pathway", ""),
         ("Train front-line staff on the referral pathway", "Two sessions, with interpretation."))),
    "Childcare during language courses": T(
        "Mothers drop out of language courses without childcare. Two members can run a childcare corner during "
        "evening courses.",
        "The committee will pilot childcare corners at two evening language courses.",
        (("Start the childcare corners at two courses", ""),)),
    "Women's employment programme": T(
        "The women's employment programme trained 40 women; 12 found jobs. Members discussed follow-up and "
        "childcare.",
        "The committee asks the programme's partners to include childcare support in the next round.",
        (("Write to the programme's partners about childcare support", ""),)),
    "Sexual and reproductive health information": T(
        "Members shared materials on sexual and reproductive health; some need cultural adaptation.",
        "The committee will adapt the sexual and reproductive health materials with women-led organisations.",
        (("Adapt the health materials with women-led organisations", ""),)),
    "16 days of activism: joint activities": T(
        "Members proposed joint activities for the 16 days of activism against gender-based violence: an "
        "information stand, a film screening and a walk.",
        "The committee approves the joint programme for the 16 days of activism.",
        (("Coordinate the programme for the 16 days of activism", ""),)),
    # -- topics every committee meets -------------------------------------------------------------
    "Updates from the members": T(
        "Members shared news: new staff, changes in opening hours, and two new projects starting next month.",
        "The committee asks members to send changes of contact points and services to the secretariat for the "
        "services map.",
        (("Update the services map with the members' changes", ""),)),
    "Follow-up of the previous meeting's actions": T(
        "The co-chairs went through the action items of the previous meeting: most are under way, two are "
        "overdue and one is blocked waiting for an answer from the ministry.",
        "The committee asks owners of overdue action items to report progress before the next meeting.",
        (("Remind owners of overdue action items", ""),)),
    "Working group reports": T(
        "The working groups reported on their work since the last meeting; the data working group needs more "
        "members.",
        "The committee invites members to join the data working group.",
        (("Circulate the call for members of the data working group", ""),)),
    "Proposal to the City: next steps": T(
        "Members discussed the proposal to be forwarded to the City and the timetable for the City's response.",
        "The committee will finalise the proposal and forward it to the City within the month.",
        (("Finalise the proposal for the City", "Incorporate the members' comments."),)),
}

OPENING = ("The co-chairs welcomed the members. The agenda was approved without changes.\n\n"
           "{present} people from {orgs} member organisations attended.")
CLOSING = ["No other business was raised.",
           "A member announced a training on trauma-informed communication next month; details will be circulated.",
           "The next meeting will be held at the same venue. Members were asked to suggest agenda items two weeks "
           "ahead."]

START_NOTES = ["Work has started; first contacts made.", "We have begun and shared a first draft with the co-chairs.",
               "Started this week with two colleagues."]
PROGRESS_NOTES = ["About half done; the rest depends on the answers we are waiting for.",
                  "Draft shared with the members for comments.", "Met the municipal service; a follow-up is planned."]
BLOCK_NOTES = ["Blocked: we are waiting for an answer from the ministry.",
               "Blocked until the City confirms the budget.", "Blocked: the venue is no longer available."]
DONE_NOTES = ["Done; the result was shared with all members.", "Completed and reported to the co-chairs.",
              "Done. Thanks to everyone who helped."]
CANCEL_REASONS = ["No longer needed: the ministry changed the procedure.",
                  "Cancelled: another committee has taken this over.", "Cancelled for lack of funding."]
COMMENTS = ["Please add that our organisation also offers appointments on Saturday mornings.",
            "In the second item, the figure should read 40, not 14.",
            "We would like the minutes to mention the interpreters who helped at the meeting.",
            "Could the decision name who will sign the letter?"]

# The demo logins' own action items: (login key in DEMO_ACCOUNTS, committee slug, meeting key, title,
# days from today to the due date, status). Due dates relative to the day of loading.
LOGIN_ACTIONS = [
    ("cochair", "access-legal-rights", "past-1", "Brief new legal aid partners on the shared referral form", 3, "open"),
    ("cochair", "access-legal-rights", "past-2", "Send the committee's letter on permit delays", -6, "in_progress"),
    ("cochair_city", "access-legal-rights", "past-1", "Confirm the interpreters' schedule with the service centres",
     5, "in_progress"),
    ("rep", "access-legal-rights", "past-1", "Share the legal aid referral contacts with all members", 2, "open"),
    ("rep", "livelihoods-labour-market", "past-2", "Collect CVs of job seekers for the spring job fair", -3,
     "in_progress"),
    ("rep", "women-refugees-gender", "past-3", "Translate the referral pathway leaflet into Farsi", -20, "done"),
    ("secretary", "education-learning", "past-1", "Circulate the list of schools with reception classes", 4, "open"),
    ("coordinator", "access-legal-rights", "past-1", "Add the committee's decisions to the City's action plan tracker",
     6, "in_progress"),
    ("coordinator", "health-wellbeing", "past-2", "Ask the Public Health Office for a contact point for mediators",
     -2, "blocked"),
]
