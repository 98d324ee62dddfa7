"""The site's bitmap icons, drawn with Pillow from the same shapes as static/img/favicon.svg.

Browsers that read `<link rel="icon">` use the SVG. Others ask for fixed addresses that no
page names: `/favicon.ico` (feed readers, older browsers, crawlers) and
`/apple-touch-icon.png` (iOS home screens). Those two files live in reportsite/root/, which
WhiteNoise serves at the site root (WHITENOISE_ROOT). They are checked in (about 2 KB each);
after changing the SVG, redraw them with

    .venv/bin/python -m reportsite.icons
"""

from pathlib import Path

from PIL import Image, ImageDraw

ROOT_FILES = Path(__file__).resolve().parent / "root"
NAVY = "#0b2545"
# favicon.svg's path on its 32 × 32 grid: the bar of the "I" and the "A" with its counter.
BAR = [(9, 9), (12, 9), (12, 23), (9, 23)]
LETTER_A = [(15, 23), (20, 9), (23, 9), (28, 23), (24.8, 23), (23.8, 20), (18.2, 20), (17.2, 23)]
COUNTER = [(20, 17.4), (23.8, 17.4), (21.9, 12)]


def draw(size, rounded=True):
    """The icon, `size` pixels square (drawn 8× larger, then reduced for smooth edges)."""
    big = size * 8
    scale = big / 32
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    # iOS rounds home-screen icons itself and shows transparent corners black.
    pen.rounded_rectangle((0, 0, big - 1, big - 1), radius=6 * scale if rounded else 0, fill=NAVY)
    for shape, colour in ((BAR, "white"), (LETTER_A, "white"), (COUNTER, NAVY)):
        pen.polygon([(x * scale, y * scale) for x, y in shape], fill=colour)
    return image.resize((size, size), Image.LANCZOS)


def main():
    ROOT_FILES.mkdir(exist_ok=True)
    draw(48).save(ROOT_FILES / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    draw(180, rounded=False).convert("RGB").save(
        ROOT_FILES / "apple-touch-icon.png", optimize=True
    )
    for path in sorted(ROOT_FILES.iterdir()):
        print(f"{path}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
