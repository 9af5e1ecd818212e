from django.db import migrations

SKILL_CODES = [
    "accoglienza",
    "anziani",
    "bambini",
    "doposcuola",
    "verde",
    "manutenzione",
    "eventi",
    "cucina",
    "trasporto",
    "digitale",
    "lingue",
    "comunicazione",
    "amministrazione",
    "sport",
    "cultura",
]


def create_skills(apps, schema_editor):
    Skill = apps.get_model("volontariato", "Skill")
    for code in SKILL_CODES:
        Skill.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("volontariato", "0001_initial")]

    operations = [migrations.RunPython(create_skills, migrations.RunPython.noop)]
