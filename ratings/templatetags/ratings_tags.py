from django import template

from ratings.forms import stars_label

register = template.Library()


@register.filter
def stars_in_words(stars):
    """ "4 stars – good", so a rating never rests on the star glyphs alone."""
    return stars_label(int(stars))
