from django import template

register = template.Library()


@register.inclusion_tag("directory/includes/group_partners.html", takes_context=True)
def group_partners(context, page):
    """A group's "Partenaires et contacts": its directory organisations and
    contacts, then its free links out (``partner_links``)."""
    links = list(page.directory_partners.select_related("organisation", "contact__organisation").all())
    return {"links": links, "user": context.get("user"), "page": page}
