# ImportRun moved here from the catalog app: the table is kept and renamed, its rows survive.

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('catalog', '0002_course_number_index'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportRun',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('importer', models.CharField(max_length=64)),
                        ('started_at', models.DateTimeField()),
                        ('finished_at', models.DateTimeField()),
                        ('rows_read', models.PositiveIntegerField(default=0)),
                        ('created', models.PositiveIntegerField(default=0)),
                        ('updated', models.PositiveIntegerField(default=0)),
                        ('rejected', models.PositiveIntegerField(default=0)),
                    ],
                    options={
                        'ordering': ['-finished_at'],
                        'db_table': 'catalog_importrun',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name='importrun', table=None),
        migrations.AddField(
            model_name='importrun',
            name='details',
            field=models.JSONField(blank=True, default=list),
        ),
    ]
