"""Images in rich text (welcome message, group introductions, pages) through
Wagtail's signed serve view, as the directory's logos: media is never served
directly, and whoever may read the page gets its images, whatever the image's
collection. Wagtail imports this module to learn its image formats; ours keep
the names, labels and sizes of its defaults."""

from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.images.formats import Format, register_image_format, unregister_image_format
from wagtail.images.shortcuts import get_rendition_or_not_found
from wagtail.images.views.serve import generate_image_url


class SignedImageFormat(Format):
    def image_to_html(self, image, alt_text, extra_attributes=None):
        rendition = get_rendition_or_not_found(image, self.filter_spec)  # for its width and height
        attributes = {
            **(extra_attributes or {}),
            "src": generate_image_url(image, self.filter_spec),
            "width": rendition.width,
            "height": rendition.height,
            "alt": alt_text,
        }
        if self.classname:
            attributes["class"] = self.classname
        return format_html("<img{}>", flatatt(attributes))


for name, label, classname, filter_spec in (
    ("fullwidth", _("Full width"), "richtext-image full-width", "width-800"),
    ("left", _("Left-aligned"), "richtext-image left", "width-500"),
    ("right", _("Right-aligned"), "richtext-image right", "width-500"),
):
    unregister_image_format(name)
    register_image_format(SignedImageFormat(name, label, classname, filter_spec))
