"""The demo's pictures (drawn here), documents, recordings and videos (from ``demo/media/``)."""

import random
from io import BytesIO
from pathlib import Path

from django.core.files import File
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtailmedia.models import get_media_model

from demo import data as demo_data

MEDIA_DIR = Path(__file__).resolve().parent / "media"


def draw_picture(key, spec):
    """A landscape in the picture's colours: the same key always draws the same picture."""
    rng = random.Random(key)
    width, height = 960, 540
    picture = PillowImage.new("RGB", (width, height), spec.sky)
    draw = ImageDraw.Draw(picture)
    horizon = int(height * 0.62)
    draw.polygon(
        [
            (0, height),
            (0, horizon),
            *((x, horizon - rng.randint(0, 90)) for x in range(0, width + 1, 120)),
            (width, height),
        ],
        fill=spec.ground,
    )
    for _shape in range(spec.shapes):
        x, y = rng.randint(60, width - 180), rng.randint(60, horizon - 40)
        size = rng.randint(50, 120)
        if rng.random() < 0.5:
            draw.ellipse((x, y, x + size, y + size), fill=spec.accent)
        else:
            draw.rounded_rectangle((x, y, x + size * 1.4, y + size), radius=14, fill=spec.accent)
    buffer = BytesIO()
    picture.save(buffer, format="JPEG", quality=70)
    return buffer


def seed_library():
    """The demo's pictures (drawn now, each with its alt text), documents and recordings, found by title."""
    Image, Document, Media = get_image_model(), get_document_model(), get_media_model()
    created = 0
    images = {
        image.title: image for image in Image.objects.filter(title__in=[i.title for i in demo_data.IMAGES.values()])
    }
    library = {"images": {}, "documents": {}, "media": {}}
    for key, spec in demo_data.IMAGES.items():
        image = images.get(spec.title)
        if image is None:
            image = Image(
                title=spec.title,
                description=spec.description,
                file=ImageFile(draw_picture(key, spec), name=f"{key}.jpg"),
            )
            image._set_image_file_metadata()
            image.save()
            created += 1
        library["images"][key] = image
    documents = {d.title: d for d in Document.objects.filter(title__in=[d.title for d in demo_data.DOCUMENTS.values()])}
    for key, spec in demo_data.DOCUMENTS.items():
        document = documents.get(spec.title)
        if document is None:
            with open(MEDIA_DIR / spec.file, "rb") as source:
                document = Document(title=spec.title, file=File(source, name=spec.file))
                document._set_document_file_metadata()
                document.save()
            created += 1
        library["documents"][key] = document
    media = {m.title: m for m in Media.objects.filter(title__in=[m.title for m in demo_data.MEDIA.values()])}
    for key, spec in demo_data.MEDIA.items():
        item = media.get(spec.title)
        if item is None:
            with open(MEDIA_DIR / spec.file, "rb") as source:
                item = Media.objects.create(
                    title=spec.title,
                    file=File(source, name=spec.file),
                    type=spec.type,
                    duration=spec.duration,
                    width=spec.width or None,
                    height=spec.height or None,
                )
            created += 1
        library["media"][key] = item
    return library, created
