from django.contrib import admin

from .models import Centre


@admin.register(Centre)
class CentreAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "quartiere", "organisation"]
    list_filter = ["kind", "quartiere__ambito"]
    search_fields = ["name", "address"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["quartiere", "organisation"]
    filter_horizontal = ["managers"]
    list_select_related = ["quartiere", "organisation"]
