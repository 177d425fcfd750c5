"""Usage: manage.py grades_sources [--markdown]

Sections and students per source and term, as stored after the no-double-count
rule: what each source contributes to the grade data.
"""

from django.core.management.base import BaseCommand
from django.db.models import Count, F, Sum

from grades.models import GRADE_FIELDS, Grade


class Command(BaseCommand):
    help = "Sections and students per grade source and term."

    def add_arguments(self, parser):
        parser.add_argument("--markdown", action="store_true", help="a Markdown table")

    def handle(self, *args, markdown=False, **options):
        students = sum(F(field) for field in GRADE_FIELDS.values())
        rows = (
            Grade.objects.values("source", "term__slug", "term__sort_key")
            .annotate(sections=Count("id"), students=Sum(students))
            .order_by("term__sort_key", "source")
        )
        if markdown:
            self.stdout.write("| term | source | sections | students |")
            self.stdout.write("| --- | --- | ---: | ---: |")
        totals: dict[str, list[int]] = {}
        for row in rows:
            total = totals.setdefault(row["source"], [0, 0])
            total[0] += row["sections"]
            total[1] += row["students"]
            if markdown:
                self.stdout.write(
                    f"| {row['term__slug']} | {row['source']} | {row['sections']:,} | {row['students']:,} |"
                )
            else:
                self.stdout.write(
                    f"{row['term__slug']:<12} {row['source']:<10} {row['sections']:>7} {row['students']:>9}"
                )
        for source, (sections, people) in sorted(totals.items()):
            line = f"| **all terms** | **{source}** | **{sections:,}** | **{people:,}** |" if markdown else (
                f"{'all terms':<12} {source:<10} {sections:>7} {people:>9}")  # fmt: skip
            self.stdout.write(line)
