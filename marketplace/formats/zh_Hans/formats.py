"""How Chinese pages, emails and text messages write dates and times (Django's named formats).

Templates name the format (``|date:"DATETIME_FORMAT"``) instead of spelling
one out, so each language writes a moment its own way: 2026年11月28日 星期六 09:00.
"""

# A slot's day and time, the weekday always said: residents plan by it.
DATETIME_FORMAT = "Y年n月j日 l H:i"
# A day heading (a slot list, a rota): the date and its weekday.
DATE_FORMAT = "Y年n月j日 l"
# Where room is short (a text message, a subject line): 11月28日 09:00.
SHORT_DATETIME_FORMAT = "n月j日 H:i"
MONTH_DAY_FORMAT = "n月j日"
TIME_FORMAT = "H:i"
