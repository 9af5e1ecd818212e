"""The portal's template components: facts, cards, status badges and filter forms.

Each one renders a template in templates/includes/, so that its markup (and the accessibility
that comes with Bootstrap Italia's markup) is written once; the pages give only the content.
"""

from urllib.parse import urlencode

from django import template
from django.core.paginator import Page
from django.forms import Form
from django.template.base import FilterExpression, Node, NodeList, Parser, Token, token_kwargs
from django.template.context import Context
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from collabcity.city import Citation, citations
from collabcity.models import CityRecord

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


@register.simple_tag
def select_options(choices, current) -> str:
    """{% select_options field.field.choices current %}: the <option>s of a select, grouped in
    <optgroup>s where a choice's label is a list of (value, label) pairs, the one equal to
    `current` selected. Written here rather than in includes/field.html: a template loop took
    1.5 ms over the 60 quartieri of every form that asks for one."""
    chosen = str(current)

    def option(value, label) -> str:
        value = "" if value is None else str(value)
        selected = mark_safe(" selected") if value == chosen else ""  # noqa: S308
        return format_html('<option value="{}"{}>{}</option>', value, selected, label)

    parts = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            parts.append(format_html('<optgroup label="{}">', value))
            parts.extend(option(*pair) for pair in label)
            parts.append(mark_safe("</optgroup>"))  # noqa: S308
        else:
            parts.append(option(value, label))
    return mark_safe("".join(parts))  # noqa: S308  (every part above went through format_html)


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
