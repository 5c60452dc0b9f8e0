from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Contact, ContributionRate, EpciMember, FundingConvention, LeaderGroup, Organisation


class OrganisationViewSet(SnippetViewSet):
    model = Organisation
    icon = "group"
    menu_label = "Organisations"
    list_display = ["name", "kind", "website"]
    list_filter = ["kind"]
    search_fields = ["name"]


class ContactViewSet(SnippetViewSet):
    model = Contact
    icon = "user"
    menu_label = "Contacts"
    list_display = ["last_name", "first_name", "role", "organisation"]
    list_filter = ["organisation__kind"]
    search_fields = ["last_name", "first_name", "role"]


class EpciMemberViewSet(SnippetViewSet):
    model = EpciMember
    icon = "site"
    menu_label = "EPCI membres"
    list_display = ["organisation", "short_name", "department"]
    list_filter = ["department"]


class ContributionRateViewSet(SnippetViewSet):
    model = ContributionRate
    icon = "decimal"
    menu_label = "Taux de participation"
    list_display = ["year", "rate"]


class LeaderGroupViewSet(SnippetViewSet):
    model = LeaderGroup
    icon = "globe"
    menu_label = "GAL LEADER"
    list_display = ["name", "structure", "animateur"]


class FundingConventionViewSet(SnippetViewSet):
    model = FundingConvention
    icon = "doc-full"
    menu_label = "Conventions"
    list_display = ["partner", "signed_on", "ends_on", "amount"]


class DirectoryViewSetGroup(SnippetViewSetGroup):
    menu_label = "Annuaire"
    menu_icon = "group"
    menu_order = 250
    items = (
        OrganisationViewSet,
        ContactViewSet,
        EpciMemberViewSet,
        ContributionRateViewSet,
        LeaderGroupViewSet,
        FundingConventionViewSet,
    )


register_snippet(DirectoryViewSetGroup)
