"""A per-issue mute becomes a per-issue choice of channel: existing mutes are kept as "none"."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("alerts", "0002_delivery_claims_preferences_push"),
        ("issues", "0002_optional_point_address_id_media_url"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="issuemute", name="issue_mute_once"),
        migrations.RenameModel(old_name="IssueMute", new_name="IssueAlertChoice"),
        migrations.RenameField(
            model_name="issuealertchoice", old_name="created_at", new_name="chosen_at"
        ),
        migrations.AlterField(
            model_name="issuealertchoice",
            name="citizen",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="accounts.citizen",
            ),
        ),
        # Every existing row was a mute: it becomes the choice "none".
        migrations.AddField(
            model_name="issuealertchoice",
            name="channel",
            field=models.CharField(
                choices=[("email", "E-mail"), ("sms", "SMS"), ("none", "No alerts")],
                default="none",
                max_length=8,
            ),
            preserve_default=False,
        ),
        migrations.AddConstraint(
            model_name="issuealertchoice",
            constraint=models.UniqueConstraint(
                fields=("citizen", "issue"), name="issue_alert_choice_once"
            ),
        ),
    ]
