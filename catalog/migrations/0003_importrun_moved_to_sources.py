# ImportRun now belongs to the sources app (sources/migrations/0001_initial.py renames its table).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('catalog', '0002_course_number_index'),
        ('sources', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='ImportRun')],
            database_operations=[],
        ),
    ]
