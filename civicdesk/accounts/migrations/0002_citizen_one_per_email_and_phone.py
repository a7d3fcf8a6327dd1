"""One citizen row per e-mail and per phone number among people without an account.

Before the unique keys can be added, rows that already share an e-mail or a phone (made by
two first contacts at the same moment) are merged into the oldest: every row pointing to
a duplicate points to the oldest instead; where that would break a unique key (the same
person pushing or following an issue twice, two phone profiles) the duplicate's row goes.
Push counts are recounted for the issues whose pushes moved. A phone shared by citizens
with different e-mails is two people on one phone (e-mail matches first): the number stays
with the oldest and the others keep their e-mail."""

from collections import defaultdict

from django.db import IntegrityError, migrations, models, transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

ANONYMOUS_ACTIVE = Q(user__isnull=True, erased_at__isnull=True)


def _duplicate_groups(Citizen, field):
    """{value: [ids, oldest first]} for values held by more than one anonymous citizen."""
    shared = (
        Citizen.objects.filter(ANONYMOUS_ACTIVE)
        .exclude(**{field: ""})
        .values(field)
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list(field, flat=True)
    )
    groups = defaultdict(list)
    rows = Citizen.objects.filter(ANONYMOUS_ACTIVE, **{f"{field}__in": list(shared)})
    for pk, value in rows.order_by("id").values_list("id", field):
        groups[value].append(pk)
    return groups


def _references(apps):
    """(model, field name) of every foreign key and one-to-one pointing to a citizen."""
    Citizen = apps.get_model("accounts", "Citizen")
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.local_fields
        if field.is_relation and field.remote_field.model is Citizen
    ]


def _merge(apps, keeper, duplicate, references):
    """Move what points to `duplicate` to `keeper`, fill the keeper's empty contact fields
    from it, and delete it. Returns the ids of issues whose pushes changed."""
    Push = apps.get_model("issues", "Push")
    touched = set(Push.objects.filter(citizen_id=duplicate).values_list("issue_id", flat=True))
    for model, name in references:
        for pk in model.objects.filter(**{f"{name}_id": duplicate}).values_list("pk", flat=True):
            try:
                with transaction.atomic():
                    model.objects.filter(pk=pk).update(**{f"{name}_id": keeper.pk})
            except IntegrityError:
                # The keeper has this row already (a push, a follow, a profile).
                model.objects.filter(pk=pk).delete()
    Citizen = apps.get_model("accounts", "Citizen")
    other = Citizen.objects.get(pk=duplicate)
    for field in ("name", "email", "phone"):
        if not getattr(keeper, field) and getattr(other, field):
            setattr(keeper, field, getattr(other, field))
    other.delete()
    keeper.save(update_fields=["name", "email", "phone"])
    # A duplicate's push of the keeper's own report is no push.
    Push.objects.filter(citizen_id=keeper.pk, issue__reporter_id=keeper.pk).delete()
    return touched


def merge_duplicate_citizens(apps, schema_editor):
    Citizen = apps.get_model("accounts", "Citizen")
    Issue = apps.get_model("issues", "Issue")
    Push = apps.get_model("issues", "Push")
    references = _references(apps)
    touched = set()
    for field in ("email", "phone"):
        # Recomputed after the e-mails' merge: a merge may have filled in a phone.
        for ids in _duplicate_groups(Citizen, field).values():
            keeper = Citizen.objects.get(pk=ids[0])
            for duplicate in Citizen.objects.filter(pk__in=ids[1:]).order_by("id"):
                if field == "phone" and duplicate.email and duplicate.email != keeper.email:
                    Citizen.objects.filter(pk=duplicate.pk).update(phone="")
                else:
                    touched |= _merge(apps, keeper, duplicate.pk, references)
    if touched:
        pushes = Push.objects.filter(issue=OuterRef("pk")).values("issue").annotate(n=Count("id"))
        Issue.objects.filter(pk__in=touched).update(
            push_count=Coalesce(Subquery(pushes.values("n")), 0)
        )
    if schema_editor.connection.vendor == "postgresql":
        # Check the moved keys now: PostgreSQL refuses to index a table with pending checks.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("alerts", "0003_issue_mute_becomes_issue_alert_choice"),
        ("backoffice", "0002_contact_views"),
        ("following", "0001_follows_and_api_report_keys"),
        ("issues", "0006_issue_asset"),
        ("phonelines", "0001_phone_lines_sessions_and_messages"),
    ]

    operations = [
        migrations.RunPython(merge_duplicate_citizens, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="citizen",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("erased_at__isnull", True),
                    ("user__isnull", True),
                    models.Q(("email", ""), _negated=True),
                ),
                fields=("email",),
                name="citizen_one_per_email",
            ),
        ),
        migrations.AddConstraint(
            model_name="citizen",
            constraint=models.UniqueConstraint(
                condition=models.Q(
                    ("erased_at__isnull", True),
                    ("user__isnull", True),
                    models.Q(("phone", ""), _negated=True),
                ),
                fields=("phone",),
                name="citizen_one_per_phone",
            ),
        ),
    ]
