from polis.core.rows import link_maker


def test_a_link_made_once_is_the_reversed_url_of_every_key():
    from django.urls import reverse

    detail = link_maker("practices:detail")
    for pk in (1, 42, 10**12):
        assert detail(pk) == reverse("practices:detail", args=[pk])
