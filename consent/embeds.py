"""Which third-party players the site can embed, and their privacy-friendlier embed URLs."""

import dataclasses
import re
from urllib.parse import parse_qs, urlsplit

from . import conf
from .models import SitePurpose

EMBEDS_PURPOSE = SitePurpose.EMBEDS.value
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
VIMEO_ID = re.compile(r"^[0-9]{3,12}$")


@dataclasses.dataclass(frozen=True)
class Embed:
    provider: str
    page_url: str
    embed_url: str


def _youtube_id(parts):
    host = parts.hostname or ""
    if host == "youtu.be":
        return parts.path.strip("/").split("/")[0]
    if host.endswith("youtube.com") or host.endswith("youtube-nocookie.com"):
        segments = [segment for segment in parts.path.split("/") if segment]
        if parts.path.rstrip("/") == "/watch":
            return (parse_qs(parts.query).get("v") or [""])[0]
        if len(segments) >= 2 and segments[0] in {"embed", "shorts", "live", "v"}:
            return segments[1]
    return None


def parse(url):
    """The Embed for a YouTube or Vimeo address, or None for anything else."""
    try:
        parts = urlsplit(url or "")
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    video_id = _youtube_id(parts)
    if video_id is not None:
        if not YOUTUBE_ID.match(video_id):
            return None
        embed = Embed("YouTube", url, f"https://www.youtube-nocookie.com/embed/{video_id}")
    elif (parts.hostname or "").endswith("vimeo.com"):
        segments = [segment for segment in parts.path.split("/") if segment]
        video_id = segments[-1] if segments else ""
        if not VIMEO_ID.match(video_id):
            return None
        embed = Embed("Vimeo", url, f"https://player.vimeo.com/video/{video_id}?dnt=1")
    else:
        return None
    allowed = any(embed.embed_url.startswith(origin + "/") for origin in conf.EMBED_FRAME_ORIGINS)
    return embed if allowed else None
