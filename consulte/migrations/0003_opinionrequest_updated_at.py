import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("consulte", "0002_elections"),
    ]

    operations = [
        migrations.AddField(
            model_name="opinionrequest",
            name="updated_at",
            field=models.DateTimeField(
                auto_now=True, default=django.utils.timezone.now, verbose_name="modificato il"
            ),
            preserve_default=False,
        ),
    ]
