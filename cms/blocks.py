"""StreamField blocks of the service guide (办事指南) and of articles.

A guide is made of the sections residents look for in a government service
guide, each a block, so every guide reads in the same order and editors
cannot forget a section's heading or style it differently.
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock
from wagtailmedia.blocks import AudioChooserBlock, VideoChooserBlock

from marketplace.links import validate_safe_link


class MaterialBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("material"), max_length=200)
    note = blocks.CharBlock(label=_("note"), required=False, max_length=300, help_text=_("Original or copy, how many"))

    class Meta:
        label = _("material")
        icon = "doc-full"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("step"), max_length=200)
    detail = blocks.TextBlock(label=_("detail"), required=False)

    class Meta:
        label = _("step")
        icon = "list-ol"


class LegalBasisBlock(blocks.StructBlock):
    law = blocks.CharBlock(label=_("law or regulation"), max_length=200)
    article = blocks.CharBlock(label=_("article"), required=False, max_length=100)
    url = blocks.URLBlock(label=_("link"), required=False, validators=[validate_safe_link])

    class Meta:
        label = _("legal basis")
        icon = "doc-full-inverse"


class QuestionBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("question"), max_length=300)
    answer = blocks.RichTextBlock(label=_("answer"), features=["bold", "link", "ol", "ul"])

    class Meta:
        label = _("question and answer")
        icon = "help"


class DownloadBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("document"))
    title = blocks.CharBlock(label=_("link text"), required=False, help_text=_("Defaults to the document's title"))

    class Meta:
        label = _("download")
        icon = "download"


GUIDE_TEXT_FEATURES = ["bold", "link", "ol", "ul", "document-link"]


class ServiceGuideBlock(blocks.StreamBlock):
    who = blocks.RichTextBlock(label=_("Who can apply"), features=GUIDE_TEXT_FEATURES, icon="group")
    materials = blocks.ListBlock(MaterialBlock(), label=_("Required materials"), icon="doc-full")
    steps = blocks.ListBlock(StepBlock(), label=_("Steps"), icon="list-ol")
    fees = blocks.RichTextBlock(label=_("Fees"), features=GUIDE_TEXT_FEATURES, icon="tag")
    legal_basis = blocks.ListBlock(LegalBasisBlock(), label=_("Legal basis"), icon="doc-full-inverse")
    faq = blocks.ListBlock(QuestionBlock(), label=_("Questions and answers"), icon="help")
    downloads = blocks.ListBlock(DownloadBlock(), label=_("Downloads"), icon="download")
    notes = blocks.RichTextBlock(label=_("Good to know"), features=GUIDE_TEXT_FEATURES, icon="info-circle")

    class Meta:
        block_counts = {name: {"max_num": 1} for name in ("who", "materials", "steps", "fees", "legal_basis", "faq")}


class ConsultationBlock(blocks.StructBlock):
    """Learn, then book: an article leads to the service that answers its questions."""

    service = blocks.PageChooserBlock(label=_("service"), page_type="cms.ServicePage")
    heading = blocks.CharBlock(label=_("heading"), required=False, max_length=100)
    text = blocks.TextBlock(label=_("text"), required=False, max_length=300)

    class Meta:
        label = _("Book a consultation on this topic")
        icon = "date"
        template = "cms/blocks/consultation_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quotation"))
    source = blocks.CharBlock(label=_("source"), required=False, max_length=200)

    class Meta:
        label = _("quotation")
        icon = "openquote"
        template = "cms/blocks/quote_block.html"


class MediaBlock(blocks.StructBlock):
    """Video or audio with a transcript or summary, so it can be read as well as heard."""

    transcript = blocks.RichTextBlock(
        label=_("transcript or summary"),
        required=False,
        features=["bold", "link", "ol", "ul"],
        help_text=_("For residents who cannot hear or watch it"),
    )


class VideoBlock(MediaBlock):
    video = VideoChooserBlock(label=_("video"))

    class Meta:
        label = _("video")
        icon = "media"
        template = "cms/blocks/video_block.html"


class AudioBlock(MediaBlock):
    audio = AudioChooserBlock(label=_("audio"))

    class Meta:
        label = _("audio")
        icon = "media"
        template = "cms/blocks/audio_block.html"


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("paragraph"), features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])
    image = ImageBlock(label=_("image"), template="cms/blocks/image_block.html")
    quote = QuoteBlock()
    video = VideoBlock()
    audio = AudioBlock()
    consultation = ConsultationBlock()
