from wagtail import blocks


class LinkOutBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="Intitulé")
    url = blocks.URLBlock(label="Adresse")
    description = blocks.CharBlock(label="Description", required=False)

    class Meta:
        icon = "link-external"
        label = "Lien externe"
        template = "workgroups/blocks/link_out.html"


class IntroBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(label="Intertitre", form_classname="title", template="workgroups/blocks/heading.html")
    paragraph = blocks.RichTextBlock(
        label="Paragraphe", features=["bold", "italic", "link", "ol", "ul", "document-link"]
    )
    quote = blocks.BlockQuoteBlock(label="Citation")


class AgendaItemBlock(blocks.StructBlock):
    title = blocks.CharBlock(label="Point")
    detail = blocks.TextBlock(label="Précisions", required=False)

    class Meta:
        icon = "list-ul"
        label = "Point à l'ordre du jour"
