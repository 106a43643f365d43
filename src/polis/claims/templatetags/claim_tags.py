from django import template

from polis.claims.rows import sla_cell

register = template.Library()
register.filter("sla_cell", sla_cell)
