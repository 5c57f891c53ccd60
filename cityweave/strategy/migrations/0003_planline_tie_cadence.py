"""Each plan line keeps its tie's cadence when the plan was made, so that accepting refuses a
line whose cadence the member changed since. Lines saved before this keep the tie's cadence now
(they are judged as before: by status only)."""

from typing import Any

from django.db import migrations, models


def record_cadences(apps: Any, schema_editor: Any) -> None:
    line_model = apps.get_model("strategy", "PlanLineRecord")
    tie_model = apps.get_model("stakeholders", "Tie")
    cadence = tie_model.objects.filter(pk=models.OuterRef("tie_id")).values("cadence_days")[:1]
    line_model.objects.filter(tie__isnull=False).update(tie_cadence_days=models.Subquery(cadence))


class Migration(migrations.Migration):
    dependencies = [
        ("stakeholders", "0007_tie_max_cadence_days"),
        ("strategy", "0002_plans"),
    ]

    operations = [
        migrations.AddField(
            model_name="planlinerecord",
            name="tie_cadence_days",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(record_cadences, migrations.RunPython.noop),
    ]
