"""Arabic date and time as Django writes Arabic dates ("25 نوفمبر، 2025"), with the time."""

DATETIME_FORMAT = "j F، Y، H:i"
