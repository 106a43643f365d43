from django import template

from polis.practices.rows import status_badge

register = template.Library()
register.filter("status_badge", status_badge)
