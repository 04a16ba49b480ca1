"""Photos for the demo data, drawn at seed time with Pillow (nothing is downloaded).

Each is an honest illustration, not a fake photograph: a coloured card with the product's
(or community's) Thai name in Noto Sans Thai, its English name and the word "ภาพประกอบ"
(illustration), so nobody mistakes it for the community's real product. The card goes
through the same door as a member's upload (``products.forms.processed_photos``:
checked, metadata-free JPEG plus WebP thumbnail).
"""

from functools import cache
from io import BytesIO

import fontpkg_noto_sans_thai
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

SIZE = (1200, 900)
# Background and ink per product category (and for a community): calm, high contrast.
COLOURS = {
    "food": ("#8a4b12", "#fff6e8"),
    "drink": ("#5b3a1e", "#fbeedd"),
    "agriculture": ("#2f6b2a", "#eef7e6"),
    "craft": ("#6b3f7a", "#f6ecfa"),
    "textile": ("#1d4f91", "#e9f0fb"),
    "herbal": ("#146c5b", "#e7f6f1"),
    "souvenir": ("#8a2f3c", "#fcecee"),
    "other": ("#3d4a52", "#eef2f4"),
    "community": ("#0b5e55", "#e3f1ee"),
}


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = next((fontpkg_noto_sans_thai.ROOT / "files").glob("NotoSansThai*.ttf"))
    font = ImageFont.truetype(str(path), size)
    font.set_variation_by_name("Bold" if bold else "Regular")
    return font


def _lines(draw, text: str, font, width: int) -> list[str]:
    """Break at spaces to fit ``width``; a Thai name without spaces stays whole (shrunk)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


def _fitted(draw, text: str, width: int, size: int, bold: bool):
    """The largest font up to ``size`` at which ``text`` fits ``width`` in at most 2 lines."""
    while size > 24:
        font = _font(size, bold)
        lines = _lines(draw, text, font, width)
        if len(lines) <= 2 and all(draw.textlength(li, font=font) <= width for li in lines):
            return font, lines
        size -= 6
    return _font(24, bold), _lines(draw, text, _font(24, bold), width)


def illustration(name_th: str, name_en: str, caption: str, kind: str) -> SimpleUploadedFile:
    """A PNG card (as an upload) with the Thai name large, the English name and a caption."""
    background, ink = COLOURS.get(kind, COLOURS["other"])
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    margin = 90
    width = SIZE[0] - 2 * margin
    draw.rounded_rectangle((40, 40, SIZE[0] - 40, SIZE[1] - 40), radius=36, outline=ink, width=6)
    font, lines = _fitted(draw, name_th, width, 120, bold=True)
    y = 250 if len(lines) == 1 else 190
    for line in lines:
        draw.text((SIZE[0] / 2, y), line, font=font, fill=ink, anchor="mm")
        y += font.size * 1.45
    if name_en:
        english, english_lines = _fitted(draw, name_en, width, 56, bold=False)
        for line in english_lines:
            draw.text((SIZE[0] / 2, y + 20), line, font=english, fill=ink, anchor="mm")
            y += english.size * 1.4
    if caption:
        draw.text((SIZE[0] / 2, SIZE[1] - 170), caption, font=_font(44), fill=ink, anchor="mm")
    draw.text((SIZE[0] - margin, SIZE[1] - 90), "ภาพประกอบ", font=_font(36), fill=ink, anchor="rm")
    buffer = BytesIO()
    image.save(buffer, "PNG", optimize=True)
    slug = "".join(c for c in name_en.lower().replace(" ", "-") if c.isalnum() or c == "-")
    return SimpleUploadedFile(f"{slug or 'demo'}.png", buffer.getvalue(), content_type="image/png")
