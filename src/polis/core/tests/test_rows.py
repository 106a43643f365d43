from polis.core.rows import link_maker


def test_a_link_made_once_is_the_reversed_url_of_every_key():
    from django.urls import reverse

    detail = link_maker("practices:detail")
    for pk in (1, 42, 10**12):
        assert detail(pk) == reverse("practices:detail", args=[pk])


def test_a_table_body_escapes_the_values_it_places_and_keeps_safe_html():
    from django.utils.html import format_html

    from polis.core.rows import table_body

    rows = [
        {"name": "Rossi & <b>figli</b>", "badge": format_html("<b>{}</b>", "in vigore")},
        {"name": "Bianchi", "badge": ""},
    ]
    assert table_body(rows, "<tr><td>{name}</td><td>{badge}</td></tr>") == (
        "<tr><td>Rossi &amp; &lt;b&gt;figli&lt;/b&gt;</td><td><b>in vigore</b></td></tr>"
        "<tr><td>Bianchi</td><td></td></tr>"
    )
