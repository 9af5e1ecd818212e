from django import forms
from django.utils.translation import gettext_lazy as _


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Il tuo commento sulla bozza"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Lo leggono il personale del Comune e i referenti delle altre parti."),
    )
