"""Small real images for tests, made with Pillow: shapes with known boxes, and broken files."""
import io
import random

from PIL import Image, ImageDraw

COLOURS = {"circle": (220, 40, 40), "square": (40, 160, 60), "triangle": (40, 80, 220)}


def png(width: int = 96, height: int = 64, *, seed: int = 0, shapes: list[dict] | None = None,
        fmt: str = "PNG") -> bytes:
    """An image with `shapes` ([{label, x, y, w, h}]) drawn on a seeded background."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), tuple(rng.randrange(150, 255) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for shape in shapes or []:
        x, y, w, h = shape["x"], shape["y"], shape["w"], shape["h"]
        colour = COLOURS.get(shape["label"], (0, 0, 0))
        if shape["label"] == "circle":
            draw.ellipse([x, y, x + w - 1, y + h - 1], fill=colour)
        elif shape["label"] == "triangle":
            draw.polygon([(x, y + h - 1), (x + w - 1, y + h - 1), (x + w / 2, y)], fill=colour)
        else:
            draw.rectangle([x, y, x + w - 1, y + h - 1], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


def shapes_image(seed: int, width: int = 96, height: int = 64) -> tuple[bytes, list[dict]]:
    rng = random.Random(seed)
    boxes = []
    for _ in range(rng.randint(1, 2)):
        label = rng.choice(sorted(COLOURS))
        w, h = rng.randint(16, 30), rng.randint(16, 30)
        boxes.append({"label": label, "x": rng.randint(0, width - w), "y": rng.randint(0, height - h), "w": w, "h": h})
    return png(width, height, seed=seed, shapes=boxes), boxes
