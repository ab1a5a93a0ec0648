"""The audit timeline's filters: who and when, copied onto each link of the history chain, with the
indexes that serve the timeline's keyset pages; and the copies filled in for links written before."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


# Every history table there is at this migration; a table added later is linked with these from the start.
HISTORY_TABLES = [
    "register_historicalabsence", "register_historicalattendanceinvitation", "register_historicalattendancerecord",
    "register_historicalattendancerequest", "register_historicaldeclaration",
    "register_historicaldeclarationconfirmation", "register_historicalgroupmeeting",
    "register_historicalinformationcopy", "register_historicalinformationprovided", "register_historicalmembership",
    "register_historicalnotification", "register_historicalorganization", "register_historicalperson",
    "register_historicalpost",
]


def copy_who_and_when(table: str) -> str:
    """Fill the copies of links written before this migration from their history rows (portable SQL)."""
    row = f'SELECT h.{{column}} FROM "{table}" h WHERE h.history_id = CAST(register_historylink.row_id AS BIGINT)'
    return (
        f'UPDATE register_historylink SET history_date = ({row.format(column="history_date")}), '
        f'history_user_id = ({row.format(column="history_user_id")}) WHERE "table" = \'{table}\''
    )


# Then make the copies never go back along the chain, as new links are written (a running maximum).
NEVER_BACK_IN_TIME = (
    "UPDATE register_historylink SET history_date = running.latest FROM ("
    "SELECT position, MAX(history_date) OVER (ORDER BY position) AS latest FROM register_historylink"
    ") AS running WHERE register_historylink.position = running.position "
    "AND running.latest > register_historylink.history_date"
)


class Migration(migrations.Migration):

    dependencies = [
        ('register', '0007_history_reasons_in_full'),
    ]

    operations = [
        migrations.AddField(
            model_name='historylink',
            name='history_date',
            field=models.DateTimeField(help_text="When the change was made (the history row's date; never earlier than the link before's).", null=True),
        ),
        migrations.AddField(
            model_name='historylink',
            name='history_user',
            field=models.ForeignKey(db_constraint=False, db_index=False, help_text='Who made the change (copied from the history row). No constraint: checking it would slow every write.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddIndex(
            model_name='historylink',
            index=models.Index(fields=['table', 'position'], name='register_link_table_pos'),
        ),
        migrations.AddIndex(
            model_name='historylink',
            index=models.Index(fields=['history_user', 'position'], name='register_link_user_pos'),
        ),
        migrations.AddIndex(
            model_name='historylink',
            index=models.Index(fields=['history_date', 'position'], name='register_link_date_pos'),
        ),
    ] + [migrations.RunSQL(copy_who_and_when(table), migrations.RunSQL.noop) for table in HISTORY_TABLES] + [
        migrations.RunSQL(NEVER_BACK_IN_TIME, migrations.RunSQL.noop),
    ]
