"""SQLModel tables, enums and schemas: no queries, no services. Importing this registers every table."""

from models.base import SQLModel
from models.calendar import Holiday, HolidaySource, HolidayYear, Setting
from models.case import (
    Case,
    CaseEvent,
    CaseMeeting,
    CaseParty,
    CasePause,
    CaseStatus,
    CaseUnit,
    Category,
    Channel,
    MeetingKind,
    Outcome,
    PartyRole,
    PauseKind,
    Route,
    Satisfaction,
    UnitRole,
)
from models.document import Attachment, AttachmentKind, Document, DocumentKind
from models.geography import Community, CommunityKind, Grid, Street, StreetKind
from models.mediation import (
    Agreement,
    MediationCase,
    MediationKind,
    MediationMediator,
    MediationSession,
    MediationStatus,
    Mediator,
    MediatorLevel,
    Mentorship,
)
from models.person import Gender, Person
from models.supervision import (
    LetterKind,
    LetterStatus,
    LetterTrigger,
    SpotCheck,
    SpotCheckItem,
    SpotCheckStatus,
    SupervisionLetter,
)
from models.unit import Unit, UnitKind
from models.user import ApiToken, Role, User

metadata = SQLModel.metadata

__all__ = [name for name in dir() if not name.startswith("_")]
