"""The image form of the CMS (WAGTAILIMAGES_IMAGE_FORM_BASE); apart from cms.forms, which
the page models import, because Wagtail's image forms query permissions on import."""

from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm


class ImageForm(BaseImageForm):
    """Every image needs alt text: the description a screen reader reads out."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].required = True
            self.fields["description"].label = _("Alt text (description)")
            self.fields["description"].help_text = _(
                "Say what the picture shows for someone who cannot see it, e.g. “律师在社区工作站为居民解答问题”."
            )
