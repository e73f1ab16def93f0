"""How English pages, emails and text messages write dates and times (Django's named formats).

The same names as zh_Hans/formats.py: Saturday 28 November 2026, 09:00.
"""

DATETIME_FORMAT = "l j F Y, H:i"
DATE_FORMAT = "l j F Y"
SHORT_DATETIME_FORMAT = "j M H:i"
TIME_FORMAT = "H:i"
# MONTH_DAY_FORMAT stays Django's ("November 28"), as the provider console's plan messages say it.
