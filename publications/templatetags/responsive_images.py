"""`{% responsive_image %}`: an uploaded image as `<picture>` with its stored renditions.

Reads only the rendition list stored on the model (publications.renditions), so it adds
no query and no file access to a page.
"""

from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def responsive_image(
    image, renditions, alt, sizes, css_class="", eager=False, priority=False, alt_lang="",
    hidden=False,
):
    """Render `image` for a slot `sizes` wide.

    `alt_lang`: the attributes that mark the alternative text's language when it is not the
    page's (an English fallback: `obj|fallback_language:"cover_alt"`). `hidden`: assistive
    technology skips the image, as text beside it already says what it shows (its alt text
    is still displayed if the image fails to load).

    Images load lazily unless `eager` (the first cover of a page, a candidate for the
    largest paint); `priority` also fetches it ahead of other images (the page's hero).
    """
    if priority:
        loading = mark_safe(' fetchpriority="high"')
    elif eager:
        loading = ""
    else:
        loading = mark_safe(' loading="lazy"')
    class_attr = format_html(' class="{}"', css_class) if css_class else ""
    class_attr = format_html(
        "{}{}{}", class_attr, alt_lang, mark_safe(' aria-hidden="true"') if hidden else ""
    )
    if not renditions or not renditions.get("webp") or renditions.get("source") != image.name:
        # Not yet made for this file (just saved, or before `manage.py
        # regenerate_renditions`): the original, which is as free of metadata.
        if not image:
            return ""
        # Dimensions from the model's width/height fields: image.width would open the file.
        width = getattr(image.instance, image.field.width_field or "", None) or ""
        height = getattr(image.instance, image.field.height_field or "", None) or ""
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}"{}{} decoding="async">',
            image.url, alt, width, height, class_attr, loading,
        )
    srcset = format_html_join(
        ", ", "{} {}w", ((default_storage.url(r["name"]), r["width"]) for r in renditions["webp"])
    )
    fallback = renditions["fallback"]
    return format_html(
        '<picture class="responsive-image">'
        '<source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" alt="{}" width="{}" height="{}"{}{} decoding="async">'
        "</picture>",
        srcset,
        sizes,
        default_storage.url(fallback["name"]),
        alt,
        fallback["width"],
        fallback["height"],
        class_attr,
        loading,
    )
