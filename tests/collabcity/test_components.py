"""The template components of templates/includes/ and collabcity/templatetags/portal.py."""

import pytest
from django import forms
from django.apps import apps
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory
from django.utils.safestring import mark_safe

from accordi.models import Agreement, Status


def render(source: str, **context) -> str:
    return Template("{% load i18n portal %}" + source).render(Context(context))


def test_facts_are_terms_and_descriptions_in_order():
    html = render(
        '{% facts %}{% fact _("Dove") %}Via Roma 1{% endfact %}'
        "{% fact label %}<b>{{ value }}</b>{% endfact %}{% endfacts %}",
        label="Chi",
        value="Auser & co",
    )

    assert html.index("<dt>Dove</dt>") < html.index("<dd>Via Roma 1</dd>") < html.index("<dt>Chi")
    assert "<dd><b>Auser &amp; co</b></dd>" in html


def test_facts_leave_out_a_fact_whose_condition_is_false():
    html = render(
        '{% facts %}{% if phone %}{% fact _("Telefono") %}{{ phone }}{% endfact %}{% endif %}'
        '{% fact _("E-mail") %}a@b.it{% endfact %}{% endfacts %}',
        phone="",
    )

    assert "Telefono" not in html
    assert "<dt>E-mail</dt>" in html


def test_facts_without_any_fact_render_nothing():
    assert (
        render(
            "{% facts %}{% if no %}{% fact _('X') %}x{% endfact %}{% endif %}{% endfacts %}"
        ).strip()
        == ""
    )


def test_facts_share_a_row_by_columns_and_a_wide_fact_takes_a_row():
    html = render(
        '{% facts columns=3 %}{% fact _("A") %}a{% endfact %}{% fact _("B") wide %}b{% endfact %}'
        "{% endfacts %}"
    )

    assert '<dl class="facts row my-4">' in html
    assert '<div class="col-12 col-md-4 mb-3">' in html
    assert '<div class="col-12 mb-3">' in html


def test_facts_in_one_column_are_a_plain_list():
    html = render('{% facts columns=1 %}{% fact _("A") %}a{% endfact %}{% endfacts %}')

    assert '<dl class="facts mb-0">' in html
    assert "col-" not in html


def test_a_fact_outside_facts_is_an_error():
    with pytest.raises(TemplateSyntaxError):
        render('{% fact _("A") %}a{% endfact %}')


def test_card_title_links_to_its_url_at_the_given_level():
    html = render(
        '{% card title url=url level=2 %}<p class="it-card-text">Testo</p>{% endcard %}',
        title="Orti <urbani>",
        url="/accordi/orti/",
    )

    assert '<article class="it-card it-card-height-full rounded shadow-sm border">' in html
    assert (
        '<h2 class="it-card-title h5"><a href="/accordi/orti/">Orti &lt;urbani&gt;</a></h2>' in html
    )
    assert '<div class="it-card-body"><p class="it-card-text">Testo</p></div>' in html


def test_card_without_url_has_a_plain_title_and_an_empty_footer_is_left_out():
    html = render(
        "{% card 'Auser' %}corpo{% cardfooter %}{% if kind %}{{ kind }}{% endif %}{% endcard %}",
        kind="",
    )

    assert '<h3 class="it-card-title h5">Auser</h3>' in html
    assert "<footer" not in html


def test_card_footer_badge_and_class():
    html = render(
        "{% card 'Avviso' badge=_('Non letta') class='inbox-unread' %}corpo"
        '{% cardfooter %}<span class="it-card-category">Tema</span>{% endcard %}'
    )

    assert 'border inbox-unread"' in html
    assert '<span class="badge bg-primary me-2">Non letta</span>Avviso' in html
    assert '<footer class="it-card-related it-card-footer"><span class="it-card-category">' in html


def test_card_rejects_an_unknown_option():
    with pytest.raises(TemplateSyntaxError):
        render("{% card 'T' colour='red' %}x{% endcard %}")


def test_status_badge_takes_the_colour_the_model_declares():
    concluded = Agreement(status=Status.CONCLUDED)
    withdrawn = Agreement(status=Status.WITHDRAWN)

    assert render("{% status_badge a %}", a=concluded) == (
        '<span class="badge bg-dark">Concluso</span>'
    )
    assert render("{% status_badge a %}", a=withdrawn) == (
        '<span class="badge bg-secondary">Ritirato</span>'
    )


@pytest.mark.parametrize(
    "model",
    [model for model in apps.get_models() if hasattr(model, "STATUS_COLOURS")],
    ids=lambda model: model._meta.label,
)
def test_every_status_has_a_badge_colour(model):
    statuses = {value for value, _label in model._meta.get_field("status").choices}

    assert set(model.STATUS_COLOURS) == statuses


class PlaceFilterForm(forms.Form):
    quartiere = forms.ChoiceField(
        label="Quartiere", choices=[("", "Tutti"), ("orologio", "Orologio")], required=False
    )


def render_filter_form(query: str) -> str:
    request = RequestFactory().get("/centri-sociali/calendario/" + query)
    form = PlaceFilterForm(request.GET)
    return render("{% filter_form form title='Filtra le attività' %}", request=request, form=form)


def test_filter_form_keeps_the_pages_other_parameters_but_not_the_page_number():
    html = render_filter_form("?vista=elenco&quartiere=orologio&pagina=3")

    assert '<input type="hidden" name="vista" value="elenco">' in html
    assert 'name="pagina"' not in html
    assert '<button type="submit" class="btn btn-primary">Filtra</button>' in html
    assert 'href="/centri-sociali/calendario/?vista=elenco">Togli i filtri</a>' in html


def test_filter_form_offers_no_reset_when_nothing_is_filtered():
    html = render_filter_form("?vista=elenco")

    assert "Togli i filtri" not in html
    assert "alert" not in html


def test_filter_form_shows_that_a_filter_is_not_valid():
    html = render_filter_form("?quartiere=atlantide")

    assert "Alcuni filtri non sono validi." in html
    assert 'id="id_quartiere_error"' in html


def test_breadcrumb_goes_from_home_through_section_and_parent_to_the_page():
    html = Template(
        '{% include "includes/breadcrumb.html" with section_url="/consulte/" '
        'section_label="Consulte" parent_url="/consulte/ambito-a/" parent_label="Ambito A" '
        'current="Riunione" %}'
    ).render(Context())

    home = html.index('<a href="/">Pagina iniziale</a>')
    section = html.index('<a href="/consulte/">Consulte</a>')
    parent = html.index('<a href="/consulte/ambito-a/">Ambito A</a>')
    current = html.index('<li class="breadcrumb-item active" aria-current="page">Riunione</li>')
    assert home < section < parent < current


def test_breadcrumb_of_a_programme_page_has_home_only_above_it():
    html = Template('{% include "includes/breadcrumb.html" with current="Accordi" %}').render(
        Context()
    )

    assert html.count('class="breadcrumb-item"') == 1


@pytest.mark.parametrize("chosen", ["", "sant-agostino-x", "2"])
def test_select_options_are_the_options_djangos_select_would_write(db, chosen):
    from django.test.html import parse_html

    from collabcity.forms import QuartiereChoiceField
    from tests.factories import AmbitoFactory, QuartiereFactory

    for code in "AB":
        ambito = AmbitoFactory(code=code)
        QuartiereFactory(name=f"Quartiere {code}", ambito=ambito)
    QuartiereFactory(name='Sant\'Agostino & <b>"x"</b>', slug="sant-agostino-x", ambito=ambito)
    grouped = list(QuartiereChoiceField().choices)
    flat = [("", "---"), (1, "Uno"), (2, "Due & <i>tre</i>")]

    for choices in (grouped, flat):
        ours = render(
            "<select name=q>{% select_options choices current %}</select>",
            choices=choices,
            current=chosen,
        )
        django = forms.Select(choices=choices).render("q", chosen)
        assert parse_html(ours) == parse_html(django)
        assert "<b>" not in ours and "<i>" not in ours


class EveryKindOfField(forms.Form):
    name = forms.CharField(
        label="Nome & <cognome>", help_text=mark_safe("Come <em>ti</em> chiami"), max_length=5
    )
    agree = forms.BooleanField(label="Accetto")
    news = forms.BooleanField(label="Notizie", required=False, initial=True)
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    kind = forms.ChoiceField(
        choices=[("", "---"), ("a", "A & b"), ("b", "B")],
        widget=forms.Select(attrs={"data-x": "1", "autofocus": True, "hidden": False}),
    )
    when = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    secret = forms.CharField(widget=forms.HiddenInput)


FIELD_MARKUP = {
    "name": '<div class="form-group"><label for="id_name" class="active">Nome &amp; &lt;cognome&gt;'
    '</label><input type="text" name="name" class="form-control is-invalid" value="troppo lungo"'
    ' maxlength="5" id="id_name" required aria-invalid="true"'
    ' aria-describedby="id_name_helptext id_name_error"><div class="invalid-feedback d-block"'
    ' id="id_name_error">Assicurati che questo valore non contenga più di 5 caratteri (ne ha 12).'
    '</div><div class="form-text" id="id_name_helptext">Come <em>ti</em> chiami</div></div>',
    "agree": '<div class="form-check"><input type="checkbox" name="agree" class="is-invalid"'
    ' id="id_agree" required aria-invalid="true" aria-describedby="id_agree_error">'
    '<label for="id_agree">Accetto</label><div class="invalid-feedback d-block"'
    ' id="id_agree_error">Questo campo è obbligatorio.</div></div>',
    "body": '<div class="form-group"><label for="id_body" class="active">Body</label>'
    '<textarea name="body" class="form-control" cols="40" rows="3" id="id_body">a&lt;i&gt;'
    "</textarea></div>",
    "kind": '<div class="select-wrapper"><label for="id_kind">Kind</label><select name="kind"'
    ' id="id_kind" required data-x="1" autofocus><option value="">---</option>'
    '<option value="a">A &amp; b</option><option value="b" selected>B</option></select></div>',
    "when": '<div class="form-group"><label for="id_when" class="active">When</label>'
    '<input type="date" name="when" class="form-control" value="2026-01-02" id="id_when"></div>',
    "secret": '<input type="hidden" name="secret" value="s" id="id_secret">',
}


@pytest.mark.parametrize("name", FIELD_MARKUP)
def test_a_field_is_written_in_bootstrap_italia_markup_with_its_errors_and_help(name):
    from django.test.html import parse_html

    form = EveryKindOfField(
        {"name": "troppo lungo", "body": "a<i>", "kind": "b", "when": "2026-01-02", "secret": "s"}
    )

    html = render('{% include "includes/field.html" %}', field=form[name])

    assert parse_html(html) == parse_html(FIELD_MARKUP[name])


def test_a_checkbox_with_toggle_is_a_bootstrap_italia_toggle_switched_as_its_value():
    from django.test.html import parse_html

    field = EveryKindOfField()["news"]

    html = render('{% include "includes/field.html" with toggle=True %}', field=field)

    assert parse_html(html) == parse_html(
        '<div class="form-check form-check-group"><div class="toggles"><label for="id_news">'
        'Notizie<input type="checkbox" name="news" id="id_news" checked>'
        '<span class="lever"></span></label></div></div>'
    )


def test_an_icon_is_the_sprites_symbol_hidden_from_assistive_technology():
    from django.test.html import parse_html

    html = render('{% icon "it-user" "icon-primary" %}{% icon "it-pa" %}')

    assert parse_html(html) == parse_html(
        '<svg class="icon icon-primary" aria-hidden="true" focusable="false">'
        '<use href="/static/bootstrap-italia/svg/sprites.svg#it-user"></use></svg>'
        '<svg class="icon" aria-hidden="true" focusable="false">'
        '<use href="/static/bootstrap-italia/svg/sprites.svg#it-pa"></use></svg>'
    )


ROUTED = ["profile", "inbox", "admin:index", "account_logout", "consulte:receipt_lookup"]


@pytest.mark.parametrize("name", ROUTED)
def test_route_gives_what_url_gives(name):
    route = Template("{% load portal %}{% route name %}").render(Context({"name": name}))
    url = Template("{% url name %}").render(Context({"name": name}))

    assert route == url


def test_route_follows_the_script_prefix_and_the_url_configuration(settings):
    from django.urls import clear_script_prefix, set_script_prefix

    render = Template("{% load portal %}{% route 'profile' %}").render
    assert render(Context()) == "/profilo/"
    set_script_prefix("/portale/")
    try:
        assert render(Context()) == "/portale/profilo/"
    finally:
        clear_script_prefix()
    settings.ROOT_URLCONF = "tests.collabcity.moved_urls"
    assert render(Context()) == "/altrove/profilo/"
