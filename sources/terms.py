"""The term value object: 'fall-2023' parses and prints itself here and nowhere else."""

import re
from dataclasses import dataclass

SEASONS = ("spring", "summer", "fall")
_SLUG = re.compile(r"^(spring|summer|fall)-(\d{4})$")
_NAME = re.compile(r"^\s*(spring|summer|fall)\s+(\d{4})\s*$", re.IGNORECASE)


class InvalidTerm(ValueError):
    pass


@dataclass(frozen=True, order=True)
class TermRef:
    year: int
    season_index: int

    @property
    def season(self) -> str:
        return SEASONS[self.season_index]

    @classmethod
    def of(cls, season: str, year: int) -> "TermRef":
        season = season.lower()
        if season not in SEASONS:
            raise InvalidTerm(f"unknown season {season!r}")
        if not 1900 <= int(year) <= 2100:
            raise InvalidTerm(f"year {year} out of range")
        return cls(int(year), SEASONS.index(season))

    @classmethod
    def from_slug(cls, slug: str) -> "TermRef":
        """'fall-2023' -> TermRef(2023, fall)."""
        match = _SLUG.match((slug or "").strip().lower())
        if not match:
            raise InvalidTerm(f"{slug!r} is not a term like 'fall-2023'")
        return cls.of(match.group(1), int(match.group(2)))

    @classmethod
    def from_name(cls, name: str) -> "TermRef":
        """'Fall 2023' -> TermRef(2023, fall)."""
        match = _NAME.match(name or "")
        if not match:
            raise InvalidTerm(f"{name!r} is not a term like 'Fall 2023'")
        return cls.of(match.group(1), int(match.group(2)))

    @property
    def slug(self) -> str:
        return f"{self.season}-{self.year}"

    @property
    def name(self) -> str:
        return f"{self.season.capitalize()} {self.year}"

    @property
    def sis_id(self) -> str:
        """The SIS's term id: '2' + two-digit year + season digit (2 spring, 5 summer, 8 fall): Summer 2026 is 2265."""
        return f"2{self.year % 100:02d}{(2, 5, 8)[self.season_index]}"

    @classmethod
    def from_sis_id(cls, sis_id: str) -> "TermRef":
        """'2265' -> Summer 2026."""
        match = re.match(r"^2(\d{2})([258])$", (sis_id or "").strip())
        if not match:
            raise InvalidTerm(f"{sis_id!r} is not a SIS term id like 2265")
        return cls.of(SEASONS[(2, 5, 8).index(int(match.group(2)))], 2000 + int(match.group(1)))

    @classmethod
    def parse(cls, text: str) -> "TermRef":
        """A term however a person names it: 'summer-2026', 'Summer 2026' or the SIS's '2265'."""
        for reader in (cls.from_slug, cls.from_name, cls.from_sis_id):
            try:
                return reader(text)
            except InvalidTerm:
                continue
        raise InvalidTerm(f"{text!r} is not a term like 'summer-2026' or 2265")

    @property
    def sort_key(self) -> int:
        """Chronological order as one integer: 20233 < 20241 (spring 2024)."""
        return self.year * 10 + self.season_index + 1

    def __str__(self) -> str:
        return self.slug
