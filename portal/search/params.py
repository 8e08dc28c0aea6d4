"""The URL parameters of a search: what a search can ask for, read from and written back
to the query string (the canonical URL of a search)."""

from dataclasses import dataclass, field

from portal import numbers

PAGE_SIZE = 20
SORTS = ("relevance", "newest", "pay", "closing")
POSTED_WITHIN = (1, 7, 14, 30)
PAY_STEPS = (20, 25, 30, 35, 40, 50)  # dollars per hour
HOURS_BUCKETS = {"under-20": (0, 20), "20-30": (20, 30), "30-plus": (30, 200)}
# values read of one list filter (region, occupation, ...): more than a person ticks, and
# a bound on the work and the page (each value is a chip whose link repeats the others)
MAX_VALUES = 20


@dataclass
class SearchParams:
    """Everything a search can ask for; also the canonical URL of a search."""

    q: str = ""
    region: list[int] = field(default_factory=list)
    community: list[int] = field(default_factory=list)
    occupation: list[int] = field(default_factory=list)
    type: list[str] = field(default_factory=list)
    agency: list[int] = field(default_factory=list)
    pay: int | None = None  # minimum dollars per hour
    hours: list[str] = field(default_factory=list)  # keys of HOURS_BUCKETS
    hours_min: int | None = None  # an explicit hours-per-week range
    hours_max: int | None = None
    pooled: bool = False
    posted: int | None = None  # within N days
    sort: str = "relevance"
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "SearchParams":
        def ints(name):  # ids: anything else is ignored (portal.numbers)
            return numbers.ids(args.getlist(name)[:MAX_VALUES])

        def one_int(name, allowed=None):
            number = numbers.arg(args, name, 0, numbers.INT_MAX)
            return number if allowed is None or number in allowed else None

        from portal.models.jobs import EMPLOYMENT_TYPES

        sort = args.get("sort", "")
        return cls(
            q=" ".join(args.get("q", "").split())[:200],
            region=ints("region"),
            community=ints("community"),
            occupation=ints("occupation"),
            type=sorted({t for t in args.getlist("type") if t in EMPLOYMENT_TYPES}),
            agency=ints("agency"),
            pay=one_int("pay"),
            hours=sorted({h for h in args.getlist("hours") if h in HOURS_BUCKETS}),
            hours_min=one_int("hmin"),
            hours_max=one_int("hmax"),
            pooled=args.get("pooled") in ("1", "on", "true", "yes"),
            posted=one_int("posted", POSTED_WITHIN),
            sort=sort
            if sort in SORTS and (sort != "relevance" or args.get("q", "").strip())
            else ("relevance" if args.get("q", "").strip() else "newest"),
            page=max(1, min(one_int("page") or 1, 500)),
        )

    def to_args(self, **changes) -> dict:
        """Canonical query-string arguments (sorted, defaults left out)."""
        values = {**self.__dict__, **changes}
        args: dict = {}
        if values["q"]:
            args["q"] = values["q"]
        for name in ("region", "community", "occupation", "type", "agency", "hours"):
            if values[name]:
                args[name] = sorted(values[name])
        if values["pay"]:
            args["pay"] = values["pay"]
        if values["hours_min"] is not None:
            args["hmin"] = values["hours_min"]
        if values["hours_max"] is not None:
            args["hmax"] = values["hours_max"]
        if values["pooled"]:
            args["pooled"] = 1
        if values["posted"]:
            args["posted"] = values["posted"]
        default_sort = "relevance" if values["q"] else "newest"
        if values["sort"] != default_sort and (values["q"] or values["sort"] != "relevance"):
            args["sort"] = values["sort"]
        if values["page"] > 1:
            args["page"] = values["page"]
        return args

    def toggled(self, name: str, value) -> dict:
        """URL arguments with one filter value added or removed (back to page 1)."""
        current = list(getattr(self, name))
        current = [v for v in current if v != value] if value in current else current + [value]
        return self.to_args(**{name: current, "page": 1})

    @property
    def has_filters(self) -> bool:
        return bool(
            self.region
            or self.community
            or self.occupation
            or self.type
            or self.agency
            or self.pay
            or self.hours
            or self.pooled
            or self.posted
            or self.hours_min is not None
            or self.hours_max is not None
        )
