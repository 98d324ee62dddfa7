"""French date-times read "3 décembre 2026 à 06:03" (Django's own French writes
"3 décembre 2026 06:03"); everything else is Django's French."""

DATETIME_FORMAT = "j F Y à H:i"
