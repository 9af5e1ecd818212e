"""The portal's template components: facts, cards, status badges and filter forms.

Each one renders a template in templates/includes/, so that its markup (and the accessibility
that comes with Bootstrap Italia's markup) is written once; the pages give only the content.
"""

import functools
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.core.paginator import Page
from django.forms import BoundField, Form
from django.template.base import FilterExpression, Node, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from collabcity.city import Citation, citations
from collabcity.models import CityRecord
from collabcity.page_cache import kept_under_version

register = template.Library()

# The query parameter of the page number in paginated lists (see includes/pagination.html).
PAGE_PARAMETER = "pagina"

# Where {% fact %} tags leave their label and value for the {% facts %} around them.
FACTS_KEY = "portal_facts"

CARD_OPTIONS = {"url", "level", "badge", "class"}

# Bootstrap Italia's light badge backgrounds need dark text for the contrast (WCAG AA).
DARK_TEXT_COLOURS = {"warning", "light"}


@register.filter
def elided_page_range(page: Page):
    """Page numbers around the current one, with the paginator's ellipsis for the gaps."""
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


def render_component(context: Context, template_name: str, values: dict) -> str:
    """Render a component's template with only its own values, as an inclusion tag does."""
    component = context.template.engine.get_template(template_name)
    return component.render(context.new(values))


def options_of(bits: list[str], parser: Parser, tag: str, allowed: set[str]) -> dict:
    options = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError(f"{{% {tag} %}}: cannot read {' '.join(bits)!r}")
    unknown = set(options) - allowed
    if unknown:
        raise template.TemplateSyntaxError(f"{{% {tag} %}}: unknown options {sorted(unknown)}")
    return options


# --- Facts ------------------------------------------------------------------------------------


class FactsNode(Node):
    def __init__(self, nodelist: NodeList, columns: FilterExpression | None):
        self.nodelist = nodelist
        self.columns = columns

    def render(self, context: Context) -> str:
        facts: list[dict] = []
        with context.push({FACTS_KEY: facts}):
            self.nodelist.render(context)
        if not facts:
            return ""
        columns = self.columns.resolve(context) if self.columns else 4
        return render_component(
            context, "includes/facts.html", {"facts": facts, "columns": columns}
        )


class FactNode(Node):
    def __init__(self, label: FilterExpression, nodelist: NodeList, wide: bool):
        self.label = label
        self.nodelist = nodelist
        self.wide = wide

    def render(self, context: Context) -> str:
        if FACTS_KEY not in context:
            raise template.TemplateSyntaxError("{% fact %} belongs inside {% facts %}")
        value = self.nodelist.render(context)
        context[FACTS_KEY].append(
            {"label": self.label.resolve(context), "value": value, "wide": self.wide}
        )
        return ""


@register.tag
def facts(parser: Parser, token: Token) -> FactsNode:
    """Short facts about one thing (where, when, who) as a description list.

        {% facts columns=3 %}
          {% fact _("Quartiere") %}<a href="…">{{ quartiere.name }}</a>{% endfact %}
          {% if centre.phone %}{% fact _("Telefono") %}{{ centre.phone }}{% endfact %}{% endif %}
          {% fact _("Sorteggio") wide %}…{% endfact %}
        {% endfacts %}

    columns: how many facts share a row on wide screens, 2, 3 or 4 (the default); 1 lists
    them one under the other, as in a card. A wide fact takes a row of its own.
    """
    bits = token.split_contents()[1:]
    options = options_of(bits, parser, "facts", {"columns"})
    nodelist = parser.parse(("endfacts",))
    parser.delete_first_token()
    return FactsNode(nodelist, options.get("columns"))


@register.tag
def fact(parser: Parser, token: Token) -> FactNode:
    """One fact of a {% facts %}: its label, then its value up to {% endfact %}."""
    bits = token.split_contents()[1:]
    wide = bits[-1:] == ["wide"]
    if wide:
        bits.pop()
    if len(bits) != 1:
        raise template.TemplateSyntaxError('{% fact %} takes a label: {% fact _("Dove") %}')
    nodelist = parser.parse(("endfact",))
    parser.delete_first_token()
    return FactNode(parser.compile_filter(bits[0]), nodelist, wide)


# --- Cards ------------------------------------------------------------------------------------


class CardNode(Node):
    def __init__(self, title, options: dict, body: NodeList, footer: NodeList | None):
        self.title = title
        self.options = options
        self.body = body
        self.footer = footer

    def render(self, context: Context) -> str:
        values = {name: option.resolve(context) for name, option in self.options.items()}
        values.setdefault("level", 3)
        values["title"] = self.title.resolve(context)
        values["body"] = self.body.render(context)
        # A footer whose content is all conditional and false is left out, border included.
        footer = self.footer.render(context) if self.footer else ""
        values["footer"] = footer if footer.strip() else ""
        return render_component(context, "includes/card.html", values)


@register.tag
def card(parser: Parser, token: Token) -> CardNode:
    """A Bootstrap Italia card (it-card): a heading, a body and, optionally, a footer.

        {% card centre.name url=centre.get_absolute_url level=3 %}
          <p class="it-card-text">…</p>
        {% cardfooter %}
          <span class="it-card-category">{{ centre.get_kind_display }}</span>
        {% endcard %}

    The title is the first argument. Options: url (the title links to it), level (of the
    heading, 3 by default), badge (a label shown as a badge before the title, such as
    «Non letta»), class (more classes for the card).
    """
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% card %} takes a title first")
    title = parser.compile_filter(bits.pop(0))
    options = options_of(bits, parser, "card", CARD_OPTIONS)
    body = parser.parse(("cardfooter", "endcard"))
    footer = None
    if parser.next_token().contents == "cardfooter":
        footer = parser.parse(("endcard",))
        parser.delete_first_token()
    return CardNode(title, options, body, footer)


# --- Addresses ----------------------------------------------------------------------------------


@register.simple_tag
def route(name: str) -> str:
    """{% route "profile" %}: what {% url "profile" %} gives, for an address without
    arguments, worked out once per process, URL configuration and script prefix. For the
    parts of a page rendered on every request (the receipt of a vote, the staff link of the
    person's menu): reversing an address costs as much as rendering a dozen tags."""
    return _reversed(name, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _reversed(name: str, urlconf: str, _script_prefix: str) -> str:
    # The prefix is in the key only: reverse() reads it again, the same.
    return reverse(name, urlconf=urlconf)


# --- Icons --------------------------------------------------------------------------------------


@register.simple_tag
def icon(name: str, css_class: str = "") -> str:
    """{% icon "it-user" "icon-primary" %}: an icon of Bootstrap Italia's sprite, hidden from
    assistive technology (the text beside it says what it means). A tag rather than an include:
    the header of every signed-in page has two."""
    return format_html(
        '<svg class="icon{}" aria-hidden="true" focusable="false"><use href="{}#{}"></use></svg>',
        f" {css_class}" if css_class else "",
        static("bootstrap-italia/svg/sprites.svg"),
        name,
    )


# --- Status badge -----------------------------------------------------------------------------


@register.simple_tag
def status_badge(obj) -> str:
    """{% status_badge agreement %}: the object's status as a badge.

    The colour of each status is declared once, by the programme, in its model's STATUS_COLOURS
    (status → Bootstrap Italia colour): the core knows no programme's statuses.
    """
    colour = type(obj).STATUS_COLOURS[obj.status]
    text = " text-dark" if colour in DARK_TEXT_COLOURS else ""
    return format_html(
        '<span class="badge bg-{}{}">{}</span>', colour, text, obj.get_status_display()
    )


# --- Select options ---------------------------------------------------------------------------


@register.simple_tag(takes_context=True)
def select_options(context: Context, choices, current) -> str:
    """{% select_options field.field.choices current %}: the <option>s of a select, grouped in
    <optgroup>s where a choice's label is a list of (value, label) pairs, the one equal to
    `current` selected. Written here rather than in includes/field.html: a template loop took
    1.5 ms over the 60 quartieri of every form that asks for one. Choices that say what they
    are made of (`kept_as`: tracked tables only) are written once per page version."""
    name = getattr(choices, "kept_as", None)
    if name:
        parts = kept_under_version(context.get("request"), name, lambda: _option_parts(choices))
    else:
        parts = _option_parts(choices)
    chosen = str(current)
    return mark_safe(  # noqa: S308  (every part went through format_html in _option_parts)
        "".join(selected if value == chosen else plain for value, plain, selected in parts)
    )


def _option_parts(choices) -> list[tuple[str | None, str, str]]:
    """(value, the HTML, the HTML when selected) of each option; value None for the <optgroup>
    tags around them."""

    def option(value, label) -> tuple[str, str, str]:
        value = "" if value is None else str(value)
        return (
            value,
            format_html('<option value="{}">{}</option>', value, label),
            format_html('<option value="{}" selected>{}</option>', value, label),
        )

    parts = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            group = format_html('<optgroup label="{}">', value)
            parts.append((None, group, group))
            parts.extend(option(*pair) for pair in label)
            parts.append((None, "</optgroup>", "</optgroup>"))
        else:
            parts.append(option(value, label))
    return parts


# --- Form fields ------------------------------------------------------------------------------

# Attributes the markup below writes itself, never from the widget's attrs.
OWN_ATTRIBUTES = frozenset({"type", "class", "value"})


@register.simple_tag(takes_context=True)
def form_field(context: Context, field: BoundField, toggle: bool = False) -> str:
    """{% form_field field %}: one bound field in Bootstrap Italia style (label, control, help
    text and errors), the body of includes/field.html. Written here rather than as a template:
    the template's conditions and nested includes took 0.5 ms a field, on every form.

    Django adds aria-describedby (<id>_helptext, <id>_error) and aria-invalid to the widget's
    attrs, so the help and error elements carry exactly those ids (field_messages).
    toggle=True renders a checkbox as a Bootstrap Italia toggle."""
    if field.is_hidden:
        return str(field)
    kind = field.widget_type
    if kind == "select":
        return _select_field(context, field)
    widget = field.subwidgets[0].data
    attrs = _widget_attrs(widget["attrs"])
    messages = field_messages(field)
    invalid = " is-invalid" if field.errors else ""
    if kind == "checkbox" and toggle:
        return format_html(
            '<div class="form-check form-check-group"><div class="toggles">'
            '<label for="{}">{}<input type="checkbox" name="{}"{}><span class="lever"></span>'
            "</label></div>{}</div>",
            field.id_for_label,
            field.label,
            field.html_name,
            attrs,
            messages,
        )
    if kind == "checkbox":
        return format_html(
            '<div class="form-check"><input type="checkbox" name="{}"{}{}>'
            '<label for="{}">{}</label>{}</div>',
            field.html_name,
            mark_safe(' class="is-invalid"') if field.errors else "",  # noqa: S308
            attrs,
            field.id_for_label,
            field.label,
            messages,
        )
    label = format_html(
        '<label for="{}" class="active">{}</label>', field.id_for_label, field.label
    )
    if kind == "textarea":
        value = field.value()
        control = format_html(
            '<textarea name="{}" class="form-control{}"{}>{}</textarea>',
            field.html_name,
            invalid,
            attrs,
            "" if value is None else value,
        )
    else:
        value = widget["value"]
        control = format_html(
            '<input type="{}" name="{}" class="form-control{}"{}{}>',
            widget["attrs"].get("type") or widget["type"],
            field.html_name,
            invalid,
            format_html(' value="{}"', str(value)) if value is not None else "",
            attrs,
        )
    return format_html('<div class="form-group">{}{}{}</div>', label, control, messages)


def _select_field(context: Context, field: BoundField) -> str:
    own = [
        ' class="is-invalid" aria-invalid="true"' if field.errors else "",
        format_html(' aria-describedby="{}"', field.aria_describedby)
        if field.aria_describedby
        else "",
        " required" if field.field.required else "",
        " disabled" if field.field.disabled else "",
    ]
    return format_html(
        '<div class="select-wrapper"><label for="{}">{}</label>'
        '<select name="{}" id="{}"{}{}>{}</select>{}</div>',
        field.id_for_label,
        field.label,
        field.html_name,
        field.id_for_label,
        mark_safe("".join(own)),  # noqa: S308  (constants, and format_html's output)
        _widget_attrs(field.field.widget.attrs),
        select_options(context, field.field.choices, field.value() or ""),
        field_messages(field),
    )


def _widget_attrs(attrs: dict) -> str:
    """The widget's attributes but those the markup writes itself: a True one by its name
    alone, a False or None one not at all."""
    return format_html_join(
        "",
        "{}",
        (
            (
                format_html(" {}", name)
                if value is True
                else format_html(' {}="{}"', name, str(value)),
            )
            for name, value in attrs.items()
            if name not in OWN_ATTRIBUTES and value is not False and value is not None
        ),
    )


@register.simple_tag
def field_messages(field: BoundField) -> str:
    """{% field_messages field %}: a field's errors and help text, under the ids Django's
    aria-describedby names."""
    parts = []
    if field.errors:
        parts.append(
            format_html(
                '<div class="invalid-feedback d-block" id="{}_error">{}</div>',
                field.auto_id,
                format_html_join(mark_safe("<br>"), "{}", ((error,) for error in field.errors)),
            )
        )
    if field.help_text:
        parts.append(
            format_html(
                '<div class="form-text" id="{}_helptext">{}</div>',
                field.auto_id,
                mark_safe(field.help_text),  # noqa: S308  (help texts are ours, and may hold markup)
            )
        )
    return mark_safe("".join(parts))  # noqa: S308  (format_html's output)


# --- Filter form ------------------------------------------------------------------------------


@register.inclusion_tag("includes/filter_form.html", takes_context=True)
def filter_form(context: Context, form: Form, title: str, columns: int = 4) -> dict:
    """{% filter_form filter.form title=_("Filtra le attività") %}: the filters of a list page.

    Every list filters the same way: the form's fields, one «Filtra» button, the form's errors
    above them, and a link that takes the filters away. The page's other parameters (the
    calendar's view and date) are kept; the page number is not, as the list changes.
    columns: how many fields share a row, as in {% facts %}; 1 stacks them, for a side column.
    """
    request = context["request"]
    kept = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in form.fields and name != PAGE_PARAMETER
        for value in values
    ]
    return {
        "form": form,
        "title": title,
        "columns": columns,
        "action": request.path,
        "kept": kept,
        "is_filtered": any(request.GET.get(name) for name in form.fields),
        "reset_url": request.path + ("?" + urlencode(kept) if kept else ""),
    }


@register.simple_tag
def city_citations(record: CityRecord) -> list[Citation]:
    """The sources of a record of the city data, for includes/citations.html."""
    return citations(record)
