"""Arabic as this site writes it: dates "27 نوفمبر 2025" (day, month, year, no comma after the
month), date-times "27 نوفمبر 2025، 14:05", and numbers with Western digits and a full stop as
the decimal separator ("4.45 ميغابايت"), as Arabic publications with Western digits do.
Django's own Arabic formats write "27 نوفمبر، 2025" and "4,45"."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
