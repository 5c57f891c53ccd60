"""Fill each tie's last contact from the interaction history (see cityweave.engagement.contacts)."""

from collections import defaultdict

from django.db import migrations
from django.db.models import F, Max


def fill(apps, schema_editor):
    Tie = apps.get_model("stakeholders", "Tie")
    Participants = apps.get_model("engagement", "Interaction").participants.through
    live = Participants.objects.filter(interaction__deleted_at__isnull=True)
    singles = dict(
        live.values("stakeholder_id")
        .annotate(last=Max("interaction__occurred_at"))
        .values_list("stakeholder_id", "last")
        .order_by()
    )
    pairs = {
        (a, b): last
        for a, b, last in live.filter(stakeholder_id__lt=F("interaction__participants"))
        .values("stakeholder_id", "interaction__participants")
        .annotate(last=Max("interaction__occurred_at"))
        .values_list("stakeholder_id", "interaction__participants", "last")
        .order_by()
    }
    by_time = defaultdict(list)
    rows = Tie._base_manager.values_list(
        "pk", "source_id", "source__is_internal", "target_id", "target__is_internal"
    )
    for pk, source, source_internal, target, target_internal in rows.iterator():
        ends = sorted(
            [
                e
                for e, internal in ((source, source_internal), (target, target_internal))
                if not internal
            ]
            or [source, target]
        )
        last = singles.get(ends[0]) if len(ends) == 1 else pairs.get((ends[0], ends[1]))
        if last is not None:
            by_time[last].append(pk)
    for last, pks in by_time.items():
        Tie._base_manager.filter(pk__in=pks).update(last_contact_at=last)


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0002_initial"),
        ("stakeholders", "0003_tie_last_contact_at"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
