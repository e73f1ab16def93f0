"""The kinds of matter (事项类型) as data: fields, materials, statuses and the steps allowed from each.

``marketplace.matters.services`` reads these and nothing else to decide what
may happen to a matter; a new kind (issue 22's door-step demands, a
community's lecture request) is one more declaration here.

A status says whom the matter waits for (``staff``, ``applicant``,
``other_party``) and how many working days they have: that is the matter's
deadline while it stands there. A status waiting for nobody ends the matter.
A step says who may take it (``applicant``, ``staff``, ``other_party``,
``system``), from which statuses, and to which status it leads (``None``:
the status stays, e.g. assigning a handler).
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

APPLICANT, STAFF, OTHER_PARTY, SYSTEM = "applicant", "staff", "other_party", "system"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text, choice, date, number, boolean, phone, service (one of the kind's menu)
    required: bool = False
    choices: tuple = ()  # ((value, label), ...)
    help_text: str = ""


@dataclass(frozen=True)
class Material:
    kind: str
    label: str
    required: bool = False


@dataclass(frozen=True)
class Status:
    code: str
    label: str  # for staff
    resident_label: str  # for the applicant, in their words
    waits_for: str | None = None  # None: the matter has ended
    days: str | None = None  # the setting holding the working days allowed, if the wait has a deadline
    explanation: str = ""  # shown to the applicant while the matter stands here

    @property
    def is_closed(self):
        return self.waits_for is None

    def working_days(self):
        return getattr(settings, self.days) if self.days else None


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    by: tuple
    sources: tuple  # the statuses it may be taken from
    target: str | None = None
    needs_text: bool = False
    text_label: str = ""
    # A step that picks someone or something: "assignee" (a staff member), "organisation", or "booking"
    # (an appointment, linked through services.link_booking only).
    needs: str | None = None
    tells_applicant: bool = False
    confirm: str = ""  # what the console asks before an irreversible step


@dataclass(frozen=True)
class MatterKind:
    code: str
    prefix: str
    name: str
    description: str
    statuses: tuple
    steps: tuple
    first_status: str
    fields: tuple = ()
    materials: tuple = ()
    has_other_party: bool = False
    text_label: str = ""
    # The statuses an applicant's material may be added in.
    material_statuses: tuple = ()
    max_follow_ups: int = 0
    resident_may_submit: bool = True
    # The channels through which staff write one down for a resident when residents do not submit it
    # themselves (a grid worker's demand: "grid").
    staff_channels: tuple = ()
    # The catalogue category whose services are the kind's menu (a field of kind "service" picks one);
    # the matter goes to a provider offering the chosen service.
    menu_category: str = ""

    def status(self, code):
        for status in self.statuses:
            if status.code == code:
                return status
        if code == CLOSED_BY_SUPERVISOR.code:
            # Any kind's matter may end so (marketplace.matters.supervision.close_with_finding).
            return CLOSED_BY_SUPERVISOR
        raise KeyError(code)

    def step(self, action):
        for step in self.steps:
            if step.action == action:
                return step
        return None

    def steps_from(self, status_code, by):
        return [step for step in self.steps if status_code in step.sources and by in step.by]

    @property
    def open_statuses(self):
        return tuple(status.code for status in self.statuses if not status.is_closed)

    @property
    def closed_statuses(self):
        return tuple(status.code for status in self.statuses if status.is_closed)

    def material(self, kind):
        for material in self.materials:
            if material.kind == kind:
                return material
        return None


# Every kind's matter may end here: a supervisor closed it with a finding (督办办结).
CLOSED_BY_SUPERVISOR = Status(
    "closed_by_supervisor",
    _("Closed by the supervisor with a finding"),
    _("Closed by the supervisor: read the finding"),
)


# Steps most kinds share.
def _assign(sources):
    return Step("assign", _("Assign a handler"), (STAFF,), sources, None, needs="assignee")


def _transfer(sources, target):
    return Step(
        "transfer",
        _("Transfer to another organisation"),
        (STAFF,),
        sources,
        target,
        needs_text=True,
        text_label=_("Why it is transferred"),
        needs="organisation",
        tells_applicant=True,
    )


def _link_booking(sources):
    # Records an appointment of the applicant's in the timeline; the status stays (services.link_booking).
    return Step("link_booking", _("Link an appointment"), (STAFF,), sources, None, needs="booking")


def _withdraw(sources):
    return Step(
        "withdraw",
        _("Withdraw"),
        (APPLICANT,),
        sources,
        "withdrawn",
        text_label=_("Why you withdraw (optional)"),
        confirm=_("Withdraw this matter? It cannot be reopened."),
    )


WITHDRAWN = Status("withdrawn", _("Withdrawn by the applicant"), _("You withdrew it"))


LEGAL_QUESTION = MatterKind(
    code="legal_question",
    prefix="ZX",
    name=_("Written legal question"),
    description=_(
        "Ask a lawyer in writing. The duty lawyer of the station answers within the working days shown; "
        "you may ask one follow-up question and rate the answer."
    ),
    text_label=_("Your question"),
    fields=(
        Field(
            "category",
            _("What it is about"),
            kind="choice",
            required=True,
            choices=(
                ("family", _("Marriage, family and inheritance")),
                ("labour", _("Work and wages")),
                ("housing", _("Housing and neighbours")),
                ("consumer", _("Buying and services")),
                ("traffic", _("Traffic accidents")),
                ("debt", _("Loans and debts")),
                ("other", _("Something else")),
            ),
        ),
    ),
    materials=(Material("document", _("A document or photo that helps explain it")),),
    material_statuses=("submitted", "follow_up"),
    statuses=(
        Status(
            "submitted",
            _("Awaiting the answer"),
            _("Waiting for the lawyer's answer"),
            STAFF,
            "MATTER_QUESTION_ANSWER_DAYS",
        ),
        Status(
            "answered",
            _("Answered"),
            _("Answered: read it, ask one follow-up or rate it"),
            APPLICANT,
            "MATTER_QUESTION_RATE_DAYS",
            explanation=_(
                "Read the answer. If something is unclear, you may ask one follow-up question; otherwise rate the "
                "answer. Without either, the question closes on its own when the days allowed have passed."
            ),
        ),
        Status(
            "follow_up",
            _("Follow-up question awaiting the answer"),
            _("Waiting for the answer to your follow-up"),
            STAFF,
            "MATTER_QUESTION_ANSWER_DAYS",
        ),
        Status("closed", pgettext_lazy("matter status", "Closed"), pgettext_lazy("matter status", "Closed")),
        Status(
            "unresolved",
            _("Not resolved"),
            _("Not resolved: passed to the supervisor"),
            explanation=_(
                "You said the answer did not resolve your question: it has gone to the street's supervisor, "
                "who follows it up with the organisation."
            ),
        ),
        WITHDRAWN,
    ),
    first_status="submitted",
    max_follow_ups=1,
    steps=(
        _assign(("submitted", "follow_up")),
        _transfer(("submitted",), "submitted"),
        Step(
            "answer",
            _("Answer"),
            (STAFF,),
            ("submitted", "follow_up"),
            "answered",
            needs_text=True,
            text_label=_("The answer"),
            tells_applicant=True,
        ),
        Step(
            "follow_up",
            _("Ask a follow-up question"),
            (APPLICANT,),
            ("answered",),
            "follow_up",
            needs_text=True,
            text_label=_("Your follow-up question"),
        ),
        Step("rate", _("Rate the answer"), (APPLICANT,), ("answered",), "closed", text_label=_("A comment (optional)")),
        Step(
            "unresolved",
            _("Not resolved"),
            (APPLICANT,),
            ("answered",),
            "unresolved",
            text_label=_("What is still not resolved (optional)"),
            confirm=_("Say the answer did not resolve it? The question closes and goes to the supervisor."),
        ),
        Step("lapse", _("Closed after the waiting time"), (SYSTEM,), ("answered",), "closed", tells_applicant=True),
        _withdraw(("submitted", "follow_up")),
        _link_booking(("submitted", "answered", "follow_up")),
    ),
)


MEDIATION = MatterKind(
    code="mediation",
    prefix="TJ",
    name=_("People's mediation application"),
    description=_(
        "Ask a people's mediation committee to help you and the other party agree. Mediation is free and "
        "voluntary: the other party is asked by text message whether they take part."
    ),
    text_label=_("What the dispute is about"),
    has_other_party=True,
    fields=(
        Field(
            "category",
            _("Kind of dispute"),
            kind="choice",
            required=True,
            choices=(
                ("neighbours", _("Between neighbours")),
                ("family", _("Within a family")),
                ("property", _("Property management")),
                ("labour", _("Work and wages")),
                ("consumer", _("Buying and services")),
                ("other", _("Something else")),
            ),
        ),
    ),
    materials=(
        Material("evidence", _("Evidence (photos, contracts, receipts)")),
        Material("agreement", _("The mediation agreement (signed)")),
    ),
    material_statuses=("awaiting_other_party", "in_mediation"),
    statuses=(
        Status(
            "awaiting_other_party",
            _("Awaiting the other party's consent"),
            _("Waiting for the other party to agree to mediation"),
            OTHER_PARTY,
            "MATTER_MEDIATION_CONSENT_DAYS",
        ),
        Status(
            "in_mediation",
            _("In mediation"),
            _("In mediation: the mediator arranges the sessions with you"),
            STAFF,
            "MATTER_MEDIATION_DAYS",
        ),
        Status(
            "agreed",
            _("Agreement reached"),
            _("Agreement reached"),
            explanation=_(
                "You may ask the people's court to confirm the agreement (司法确认) within 30 days of its "
                "signing, together with the other party: a confirmed agreement can be enforced by the court. "
                "Bring both ID cards and the signed agreement to the court of the district."
            ),
        ),
        Status(
            "not_agreed",
            _("Ended without agreement"),
            _("Ended without an agreement"),
            explanation=_(
                "Mediation did not reach an agreement. You may still go to court, ask for arbitration where the "
                "dispute is one for it (labour disputes), or ask a lawyer of the station for advice (free)."
            ),
        ),
        Status(
            "refused",
            _("Refused"),
            _("Mediation is not taking place"),
            explanation=_(
                "Mediation needs both parties to agree to it. You may still go to court, ask for arbitration "
                "where the dispute is one for it, call the 12348 legal hotline, or book a free consultation."
            ),
        ),
        WITHDRAWN,
    ),
    first_status="awaiting_other_party",
    steps=(
        _assign(("awaiting_other_party", "in_mediation")),
        Step(
            "accept",
            _("Agrees to mediation"),
            (OTHER_PARTY,),
            ("awaiting_other_party",),
            "in_mediation",
            tells_applicant=True,
        ),
        Step(
            "decline",
            _("Declines mediation"),
            (OTHER_PARTY,),
            ("awaiting_other_party",),
            "refused",
            text_label=_("Why (optional)"),
            tells_applicant=True,
        ),
        Step(
            "refuse",
            _("Refuse the application"),
            (STAFF,),
            ("awaiting_other_party", "in_mediation"),
            "refused",
            needs_text=True,
            text_label=_("The reason, for the applicant"),
            tells_applicant=True,
            confirm=_("Refuse this application? The applicant is told the reason."),
        ),
        Step(
            "agree",
            _("Record the agreement"),
            (STAFF,),
            ("in_mediation",),
            "agreed",
            text_label=_("What was agreed, in short"),
            tells_applicant=True,
            confirm=_("Record that the parties agreed? Upload the signed agreement first."),
        ),
        Step(
            "no_agreement",
            _("Record no agreement"),
            (STAFF,),
            ("in_mediation",),
            "not_agreed",
            needs_text=True,
            text_label=_("What happened"),
            tells_applicant=True,
            confirm=_("End the mediation without an agreement?"),
        ),
        _withdraw(("awaiting_other_party", "in_mediation")),
        Step(
            "lapse",
            _("The other party did not answer in time"),
            (SYSTEM,),
            ("awaiting_other_party",),
            "refused",
            tells_applicant=True,
        ),
        _link_booking(("awaiting_other_party", "in_mediation")),
    ),
)


# The Legal Aid Law of the PRC (2021), art. 42: recipients of these pass the economic check outright
# (with the proof); art. 32: these claims need no economic check at all.
AID_CATEGORIES = (
    ("subsistence", _("I receive minimum living allowance (低保)")),
    ("extreme_poverty", _("I receive support for the extremely poor (特困供养)")),
    ("hardship", _("My family's income is below the local legal-aid standard")),
    ("unpaid_wages", _("I am a migrant worker claiming unpaid wages or compensation for a work injury")),
    ("domestic_violence", _("I am a victim of abuse, abandonment or domestic violence")),
    ("heroic_act", _("I claim rights arising from an act of bravery (见义勇为)")),
    ("martyr_family", _("I am a close relative of a hero or martyr protecting their reputation")),
    ("wrongful_conviction", _("I was acquitted on retrial and claim state compensation")),
    ("none", _("None of these")),
)
AID_NO_ECONOMIC_CHECK = ("unpaid_wages", "domestic_violence", "heroic_act", "martyr_family", "wrongful_conviction")
AID_PROOF_OF_HARDSHIP = ("subsistence", "extreme_poverty", "hardship")

LEGAL_AID = MatterKind(
    code="legal_aid",
    prefix="YZ",
    name=_("Legal aid application"),
    description=_(
        "Free legal representation for those who cannot afford a lawyer and for some claims by law. "
        "Answer the questions first to see whether you qualify and what to bring; the legal aid centre "
        "decides within 7 working days of a complete application."
    ),
    text_label=_("What you need legal aid for"),
    fields=(
        Field("category", _("Which of these applies to you"), kind="choice", required=True, choices=AID_CATEGORIES),
        Field(
            "matter",
            _("Kind of case"),
            kind="choice",
            required=True,
            choices=(
                ("labour", _("Work, wages and work injuries")),
                ("family", _("Maintenance, custody and family")),
                ("injury", _("Compensation for personal injury")),
                ("criminal", _("Defence in a criminal case")),
                ("other", _("Something else")),
            ),
        ),
    ),
    materials=(
        Material("id_card", _("ID card (both sides)"), required=True),
        Material("hardship_proof", _("Proof of hardship (低保 or 特困 certificate, or income statement)")),
        Material("case_evidence", _("Papers about the case (contract, pay records, court papers)")),
    ),
    material_statuses=("awaiting_materials", "submitted", "reviewing"),
    statuses=(
        Status(
            "awaiting_materials",
            _("Awaiting materials"),
            _("Waiting for your materials: the 7 working days start when they are complete"),
            APPLICANT,
            "MATTER_MATERIALS_DAYS",
            explanation=_(
                "Add the missing materials on your matter's page (a photo or a PDF), or bring them to the centre. "
                "The centre decides within 7 working days of receiving them complete."
            ),
        ),
        Status(
            "submitted",
            _("Received, to be reviewed"),
            _("Received: the centre decides within 7 working days"),
            STAFF,
            "MATTER_LEGAL_AID_DECISION_DAYS",
        ),
        Status(
            "reviewing",
            _("Under review"),
            _("Under review"),
            STAFF,
            "MATTER_LEGAL_AID_DECISION_DAYS",
        ),
        Status(
            "granted",
            _("Legal aid granted"),
            _("Legal aid granted"),
            explanation=_("The lawyer assigned to you will contact you. Keep your reference number."),
        ),
        Status(
            "refused",
            _("Legal aid refused"),
            _("Legal aid refused"),
            explanation=_(
                "If you disagree, you may object to the district's judicial administration bureau "
                "(司法局) within 5 working days of receiving this decision (Legal Aid Law, art. 49)."
            ),
        ),
        WITHDRAWN,
    ),
    first_status="submitted",
    steps=(
        _assign(("submitted", "reviewing", "awaiting_materials")),
        _transfer(("submitted", "reviewing"), "submitted"),
        Step("accept", _("Accept for review"), (STAFF,), ("submitted",), "reviewing", tells_applicant=True),
        Step(
            "request_materials",
            _("Ask for more materials"),
            (STAFF,),
            ("submitted", "reviewing"),
            "awaiting_materials",
            needs_text=True,
            text_label=_("Which materials are missing"),
            tells_applicant=True,
        ),
        Step(
            "materials_complete",
            _("Materials complete"),
            (APPLICANT, SYSTEM),
            ("awaiting_materials",),
            "submitted",
        ),
        Step(
            "grant",
            _("Grant legal aid"),
            (STAFF,),
            ("submitted", "reviewing"),
            "granted",
            needs_text=True,
            text_label=_("The lawyer assigned, and how they will contact the applicant"),
            tells_applicant=True,
            confirm=_("Grant legal aid? The applicant is told at once."),
        ),
        Step(
            "refuse",
            _("Refuse legal aid"),
            (STAFF,),
            ("submitted", "reviewing"),
            "refused",
            needs_text=True,
            text_label=_("The reason, for the applicant"),
            tells_applicant=True,
            confirm=_("Refuse legal aid? The applicant is told the reason and how to object."),
        ),
        _withdraw(("awaiting_materials", "submitted", "reviewing")),
    ),
)


FOLLOW_UP = MatterKind(
    code="follow_up",
    prefix="HF",
    name=pgettext_lazy("matter kind", "Follow-up of a poor rating"),
    description=_(
        "A rating of two stars or fewer: the provider answers, and the resident says whether it is resolved."
    ),
    text_label=_("The rating's comment"),
    resident_may_submit=False,
    statuses=(
        Status(
            "open",
            _("Awaiting the provider's answer"),
            _("Waiting for the provider's answer"),
            STAFF,
            "FOLLOW_UP_ANSWER_DAYS",
        ),
        Status(
            "answered",
            _("Awaiting the resident's confirmation"),
            _("Answered: tell us whether it is resolved"),
            APPLICANT,
            "FOLLOW_UP_CONFIRM_DAYS",
        ),
        Status("resolved", _("Resolved"), _("Resolved")),
        Status("unresolved", _("Not resolved"), _("Not resolved")),
        Status("lapsed", _("Closed without the resident's confirmation"), _("Closed without your answer")),
    ),
    first_status="open",
    steps=(
        _assign(("open",)),
        Step(
            "answer",
            _("Answer"),
            (STAFF,),
            ("open",),
            "answered",
            needs_text=True,
            text_label=_("The answer"),
            tells_applicant=True,
        ),
        Step("resolved", _("Resolved"), (APPLICANT,), ("answered",), "resolved", text_label=_("A comment (optional)")),
        Step(
            "unresolved",
            _("Not resolved"),
            (APPLICANT,),
            ("answered",),
            "unresolved",
            text_label=_("A comment (optional)"),
        ),
        Step("lapse", _("Closed after the waiting time"), (SYSTEM,), ("answered",), "lapsed"),
    ),
)


DEMAND = MatterKind(
    code="demand",
    prefix="SQ",
    name=_("Demand raised at the door"),
    description=_(
        "What a resident needs, heard by their grid worker at the door and sent to the organisation that can do "
        "it: it accepts the demand or sends it back with a reason, and closes it with what was done."
    ),
    text_label=_("What is needed"),
    resident_may_submit=False,
    staff_channels=("grid",),
    fields=(
        Field(
            "category",
            _("What it is about"),
            kind="choice",
            required=True,
            choices=(
                ("repair", _("Repairs and public facilities")),
                ("environment", _("Cleanliness and environment")),
                ("safety", _("Safety")),
                ("neighbours", _("Neighbours and disputes")),
                ("care", _("Care of the elderly or disabled")),
                ("legal", _("Legal help")),
                ("other", _("Something else")),
            ),
        ),
        Field("place", _("Where (building or courtyard)"), required=True),
    ),
    materials=(Material("photo", _("A photo of it")),),
    material_statuses=("dispatched", "in_hand"),
    statuses=(
        Status(
            "dispatched",
            _("Dispatched, awaiting acceptance"),
            _("Sent to the organisation, waiting for it to accept"),
            STAFF,
            "MATTER_DEMAND_ACCEPT_DAYS",
        ),
        Status(
            "in_hand",
            _("Accepted, being done"),
            _("Accepted: the organisation is working on it"),
            STAFF,
            "MATTER_DEMAND_DAYS",
        ),
        Status(
            "returned",
            _("Sent back"),
            _("Sent back by the organisation"),
            explanation=_(
                "The organisation sent it back with the reason shown. Your grid worker may send it elsewhere."
            ),
        ),
        Status("done", _("Done"), _("Done")),
    ),
    first_status="dispatched",
    steps=(
        _assign(("dispatched", "in_hand")),
        _transfer(("dispatched",), "dispatched"),
        Step("accept", _("Accept the demand"), (STAFF,), ("dispatched",), "in_hand", tells_applicant=True),
        Step(
            "send_back",
            _("Send back"),
            (STAFF,),
            ("dispatched",),
            "returned",
            needs_text=True,
            text_label=_("Why it is sent back"),
            tells_applicant=True,
            confirm=_("Send this demand back? The grid worker and the resident are told the reason."),
        ),
        Step(
            "complete",
            _("Close with what was done"),
            (STAFF,),
            ("in_hand",),
            "done",
            needs_text=True,
            text_label=_("What was done"),
            tells_applicant=True,
            confirm=_("Close this demand as done?"),
        ),
    ),
)


# "法律九进": where the law is brought. The requesting organisation says which it is; the topics are the
# legal-education services of the catalogue (the kind's menu).
OUTREACH_VENUES = (
    ("organ", _("A government office (进机关)")),
    ("village", _("A village (进乡村)")),
    ("community", _("A community (进社区)")),
    ("school", _("A school (进学校)")),
    ("company", _("A company (进企业)")),
    ("unit", _("A public institution (进单位)")),
    ("religious", _("A place of religious activity (进宗教活动场所)")),
    ("barracks", _("A military camp (进军营)")),
    ("online", _("Online (进网络)")),
)

OUTREACH_REQUEST = MatterKind(
    code="outreach_request",
    prefix="JJ",
    name=_("Request a legal lecture or check-up visit (法律九进)"),
    description=_(
        "A community, school, company or other organisation asks for a legal lecture or a legal check-up visit "
        "from the menu of legal-education services. The provider answers within the working days shown and "
        "arranges the session with you."
    ),
    text_label=_("What the audience would like to hear about, and other possible dates"),
    menu_category="legal-education",
    fields=(
        Field("service", _("Topic from the menu"), kind="service", required=True),
        Field("organisation_name", _("Name of the requesting organisation"), required=True),
        Field("venue", _("Kind of organisation"), kind="choice", required=True, choices=OUTREACH_VENUES),
        Field("contact_name", _("Contact person"), required=True),
        Field("contact_phone", _("Contact person's mobile number"), kind="phone", required=True),
        Field("preferred_date", _("Preferred date"), kind="date", required=True),
        Field("audience", _("Expected audience (people)"), kind="number", required=True),
        Field(
            "address",
            _("Address of the session"),
            required=True,
            help_text=_("For an online session, the platform or meeting link."),
        ),
    ),
    statuses=(
        Status(
            "submitted",
            _("Awaiting the provider's answer"),
            _("Waiting for the provider to accept"),
            STAFF,
            "MATTER_OUTREACH_ANSWER_DAYS",
        ),
        Status(
            "accepted",
            _("Accepted, session to be scheduled"),
            _("Accepted: the provider arranges the date with you"),
            STAFF,
            "MATTER_OUTREACH_SCHEDULE_DAYS",
        ),
        Status(
            "scheduled",
            _("Session scheduled"),
            _("Session scheduled"),
            STAFF,
            explanation=_("The session's date and time are shown below. Tell the provider if anything changes."),
        ),
        Status(
            "held",
            _("Session held"),
            _("Session held"),
            explanation=_("Thank you for inviting us. You may request another topic from the menu at any time."),
        ),
        Status(
            "declined",
            _("Declined"),
            _("The provider cannot take it"),
            explanation=_(
                "The reason is shown below. You may request the topic again with other dates, or choose another "
                "provider or topic from the menu."
            ),
        ),
        WITHDRAWN,
    ),
    first_status="submitted",
    steps=(
        _assign(("submitted", "accepted", "scheduled")),
        # To another provider offering the topic (services.transfer_targets).
        _transfer(("submitted",), "submitted"),
        Step("accept", _("Accept the request"), (STAFF,), ("submitted",), "accepted", tells_applicant=True),
        Step(
            "decline",
            _("Decline the request"),
            (STAFF,),
            ("submitted", "accepted"),
            "declined",
            needs_text=True,
            text_label=_("The reason, for the requester"),
            tells_applicant=True,
            confirm=_("Decline this request? The requester is told the reason."),
        ),
        # Through services.schedule_session only: it makes the session's slot.
        Step(
            "schedule",
            _("Schedule the session"),
            (STAFF,),
            ("accepted",),
            "scheduled",
            needs="session",
            tells_applicant=True,
        ),
        # Through services.record_session_held only: it records the attendance.
        Step(
            "held",
            _("Record the session as held"),
            (STAFF,),
            ("scheduled",),
            "held",
            needs="attendance",
            text_label=_("What was done"),
            tells_applicant=True,
        ),
        _withdraw(("submitted", "accepted")),
    ),
)


KINDS = {kind.code: kind for kind in (LEGAL_QUESTION, MEDIATION, LEGAL_AID, FOLLOW_UP, DEMAND, OUTREACH_REQUEST)}


def kind_of(code):
    return KINDS.get(code)


def submittable():
    """The kinds a resident applies for themselves, in the order offered."""
    return [kind for kind in KINDS.values() if kind.resident_may_submit]
