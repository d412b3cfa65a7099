"""Staff-side roles are Django groups; their names are data (created by a migration), not translations."""

from django.utils.translation import gettext_lazy as _

MINISTRY_STAFF = "ministry_staff"
EXPERT = "advisory_expert"
SUBCOMMITTEE_MEMBER = "subcommittee_member"
SUBCOMMITTEE_CHAIR = "subcommittee_chair"
SECRETARIAT = "committee_secretariat"
COMMITTEE_MEMBER = "committee_member"

STAFF_ROLES = {
    MINISTRY_STAFF: _("Ministry staff"),
    EXPERT: _("Expert advisory panel member"),
    SUBCOMMITTEE_MEMBER: _("Specialized complex subcommittee member"),
    SUBCOMMITTEE_CHAIR: _("Specialized complex subcommittee chair"),
    SECRETARIAT: _("Committee secretariat"),
    COMMITTEE_MEMBER: _("National Advanced Strategic Industry Committee member"),
}
