"""Rule 1: which bold text is a mention, and what its name is."""

from rassegna.mentions import extract_mentions, link_mentions


def names(html, max_words=6):
    return extract_mentions(html, max_words)


def test_visible_text_with_inner_markup_dropped_and_space_collapsed():
    html = (
        '<p><strong><span class="caps">NATO</span></strong>'
        " <strong>Kim\n  Jong&nbsp;Un</strong></p>"
    )
    assert names(html) == ["NATO", "Kim Jong Un"]


def test_surrounding_punctuation_is_trimmed_but_names_keep_their_own():
    html = (
        "<p><strong>Polonia,</strong> <strong>«Mosca»</strong> <strong>(PD)</strong>"
        " <strong>Partito Democratico (PD)</strong> <strong>S.p.A.</strong>"
        " <strong>Costa d’Avorio.</strong></p>"
    )
    assert names(html) == [
        "Polonia",
        "Mosca",
        "PD",
        "Partito Democratico (PD)",
        "S.p.A.",
        "Costa d’Avorio",
    ]


def test_empty_punctuation_only_and_long_bold_are_not_entities():
    html = (
        "<p><strong> </strong><strong>!!</strong>"
        "<strong>uno due tre quattro cinque sei sette</strong>"
        "<strong>uno due tre quattro cinque sei</strong></p>"
    )
    assert names(html) == ["uno due tre quattro cinque sei"]
    assert names(html, max_words=5) == []


def test_bold_inside_code_is_not_a_mention_and_nested_bold_counts_once():
    html = (
        "<pre><code><strong>Roma</strong></code></pre><p><code><strong>x</strong></code>"
        "<strong>Alto <strong>Adige</strong></strong></p>"
    )
    assert names(html) == ["Alto Adige"]


def test_links_wrap_mentions_and_never_nest_inside_an_existing_link():
    html = '<p><strong>Roma</strong> <a href="https://x.it"><strong>Milano</strong></a></p>'
    linked = link_mentions(html, 6, lambda name: {"href": f"/e/{name}"})
    assert linked == (
        '<p><a href="/e/Roma"><strong>Roma</strong></a>'
        ' <a href="https://x.it"><strong>Milano</strong></a></p>'
    )


def test_html_without_bold_is_returned_untouched():
    html = "<p>Nessuna &amp; entità</p>"
    assert link_mentions(html, 6, lambda name: {"href": "x"}) is html


def test_an_elided_article_in_front_is_not_part_of_the_name():
    html = (
        "<p><strong>l’Onu</strong> <strong>dell'Ue</strong> <strong>all’Italia</strong>"
        " <strong>nell’Unione europea</strong> <strong>un’Europa</strong>"
        " <strong>L’Aquila</strong> <strong>D’Alema</strong></p>"
    )
    assert names(html) == [
        "Onu",
        "Ue",
        "Italia",
        "Unione europea",
        "Europa",
        "L’Aquila",
        "D’Alema",
    ]


def test_bold_ending_with_a_colon_is_a_label_and_stays_unlinked():
    html = "<p><strong>Fonte:</strong> Ansa. <strong>Aggiornamento :</strong> ok</p>"
    assert names(html) == []
    assert link_mentions(html, 6, lambda name: {"href": "x"}) == html
