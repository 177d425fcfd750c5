"""Usage: manage.py course_candidates [--data-dir DIR] [--verdict merge|link|apart] [--code CODE] [--tsv]

Reads every catalog source (writing nothing) and lists each pair of codes the
evidence relates: what the import decides (merge: the first code became the
second; link: cross-listed; apart), by which rule, the evidence, and for a
lineage the last term under the older code. Pairs left apart are the ones to
review: a line in catalog/reviewed/courses.txt settles each, for example

    merge | CNM 190 | NWMEDIA 190 | the Center for New Media's course became New Media's
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from catalog.importers.reader import CatalogSources
from sources.importing import ImportReport


class Command(BaseCommand):
    help = "List the lineage and cross-listing candidates with their evidence and what the import decides."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=None, help="defaults to BT_DATA_DIR")
        parser.add_argument("--verdict", choices=["merge", "link", "apart"], help="only this decision")
        parser.add_argument("--code", help="only pairs with this course code (canonical spelling: ELENG 126)")
        parser.add_argument("--tsv", action="store_true", help="tab-separated, with a header row")

    def handle(self, *args, data_dir=None, verdict=None, code=None, tsv=False, **options):
        state = CatalogSources(Path(data_dir or settings.BT_DATA_DIR), ImportReport()).read_all()
        candidates = [
            c
            for c in state.candidates
            if (verdict is None or c.verdict == verdict) and (code is None or code.upper() in c.codes)
        ]
        candidates.sort(key=lambda c: ({"merge": 0, "link": 1, "apart": 2}[c.verdict], c.rule, c.codes))
        columns = ["decision", "rule", "first", "second", "until", "evidence", "reason"]
        if tsv:
            self.stdout.write("\t".join(columns))
        for c in candidates:
            values = [c.verdict, c.rule, c.codes[0], c.codes[1], c.until.name if c.until else "",
                      "; ".join(c.evidence), c.reason]  # fmt: skip
            if tsv:
                self.stdout.write("\t".join(values))
            else:
                arrow = "->" if c.verdict == "merge" else "~"
                until = f" (until {values[4]})" if values[4] else ""
                why = f" [{c.reason}]" if c.reason else ""
                self.stdout.write(f"{c.verdict:5} {c.codes[0]} {arrow} {c.codes[1]}{until}: {c.rule}; {values[5]}{why}")
        if not tsv:
            counts = {v: sum(1 for c in candidates if c.verdict == v) for v in ("merge", "link", "apart")}
            self.stdout.write(f"{len(candidates)} pairs: {counts['merge']} merged, {counts['link']} linked, "
                              f"{counts['apart']} left apart")  # fmt: skip
