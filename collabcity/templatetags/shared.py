"""`{% shared "name" [value ...] %}...{% endshared %}`: a part of a page that is the same for
every visitor, served from the cache to logged-in people as well (see collabcity/page_cache.py).

The values after the name join the key, for a part that differs with something the page's
address and language do not say. The part is always rendered as an anonymous visitor would see
it: the person's own buttons, names and counts go outside it.
"""

from django import template
from django.template.base import Node, NodeList, Parser, Token

from collabcity.page_cache import anonymous_context, shared_fragment

register = template.Library()


class SharedNode(Node):
    def __init__(self, nodelist: NodeList, name, vary_on: list):
        self.nodelist = nodelist
        self.name = name
        self.vary_on = vary_on

    def render(self, context) -> str:
        values = [self.name.resolve(context), *(value.resolve(context) for value in self.vary_on)]
        name = ":".join(map(str, values))

        def render() -> str:
            with context.push(anonymous_context()):
                return self.nodelist.render(context)

        return shared_fragment(getattr(context, "request", None), name, render)


@register.tag
def shared(parser: Parser, token: Token) -> SharedNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("{% shared %} needs a name")
    nodelist = parser.parse(("endshared",))
    parser.delete_first_token()
    name, *vary_on = (parser.compile_filter(bit) for bit in bits)
    return SharedNode(nodelist, name, vary_on)
