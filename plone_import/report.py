"""Counts per Plone content type, with the reasons for what was skipped or failed."""

from collections import defaultdict

OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")
LABELS = {"created": "créés", "updated": "mis à jour", "unchanged": "inchangés", "skipped": "ignorés",
          "failed": "en échec"}  # fmt: skip


class Report:
    def __init__(self):
        self.counts = defaultdict(lambda: dict.fromkeys(OUTCOMES, 0))
        self.problems = []  # (outcome, type, path, reason)
        self.notes = []

    def add(self, kind, outcome, path="", reason=""):
        self.counts[kind][outcome] += 1
        if outcome in ("skipped", "failed"):
            self.problems.append((outcome, kind, path, reason))

    def total(self, outcome):
        return sum(row[outcome] for row in self.counts.values())

    @property
    def failed(self):
        return self.total("failed")

    def lines(self):
        width = max([len(k) for k in self.counts] + [12])
        yield "Type".ljust(width) + "".join(LABELS[o].rjust(12) for o in OUTCOMES)
        for kind in sorted(self.counts):
            yield kind.ljust(width) + "".join(str(self.counts[kind][o]).rjust(12) for o in OUTCOMES)
        yield "Total".ljust(width) + "".join(str(self.total(o)).rjust(12) for o in OUTCOMES)
        for outcome, kind, path, reason in self.problems:
            label = "IGNORÉ" if outcome == "skipped" else "ÉCHEC"
            yield f"{label} {kind} {path} : {reason}"
        for note in self.notes:
            yield f"Note : {note}"
