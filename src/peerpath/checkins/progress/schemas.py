"""JSON shapes of the progress API: the same numbers as the page, for the member's own past."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel

from peerpath.checkins.progress.service import Progress


class WheelWindowRead(BaseModel):
    key: Literal["now", "days_30", "days_90"]
    label: str
    start: date | None
    end: date | None
    checkins: int


class WheelDimensionRead(BaseModel):
    key: str
    label: str
    # Averages of the member's own ratings (0..10); null means no ratings in that window.
    now: float | None
    days_30: float | None
    days_90: float | None


class WheelRead(BaseModel):
    windows: list[WheelWindowRead]
    dimensions: list[WheelDimensionRead]


class WeekRead(BaseModel):
    start: date
    end: date
    average: float | None  # null: no ratings that week, a gap (never a zero)
    ratings: int


class SeriesRead(BaseModel):
    key: str
    label: str
    kind: Literal["dimension", "hope", "connection"]
    weeks: list[WeekRead]


class ToolRead(BaseModel):
    tool: str
    uses: int
    yes: int
    somewhat: int
    no: int
    # yes = 1, somewhat = 0.5, no = 0, averaged over the member's own uses of the tool
    helped_score: float


class AchievedGoalRead(BaseModel):
    id: int
    title: str
    achieved_on: date


class GoalsAchievedRead(BaseModel):
    count: int
    goals: list[AchievedGoalRead]


class TimelineEventRead(BaseModel):
    kind: Literal["checkin", "setback", "coming_back"]
    day: date
    setback_id: int | None = None
    came_back_on: date | None = None  # setbacks: the day the member came back, if recorded
    days_without_checkin: int | None = None  # coming back: the break just before


class TimelineRead(BaseModel):
    start: date
    end: date
    events: list[TimelineEventRead]


class ProgressRead(BaseModel):
    member_id: int
    today: date
    days_with_checkin_last_30: int
    wheel: WheelRead
    series: list[SeriesRead]
    goals_achieved: GoalsAchievedRead
    tools: list[ToolRead]
    timeline: TimelineRead

    @classmethod
    def of(cls, p: Progress) -> ProgressRead:
        windows = [
            WheelWindowRead(
                key=w.key,
                label=w.label,
                start=w.span.start if w.span else None,
                end=w.span.end if w.span else None,
                checkins=w.checkins,
            )
            for w in p.wheel.windows
        ]
        dimensions = [
            WheelDimensionRead(
                key=r.key,
                label=r.label,
                now=r.values.get("now"),
                days_30=r.values.get("days_30"),
                days_90=r.values.get("days_90"),
            )
            for r in p.wheel.rows
        ]
        series = [
            SeriesRead(
                key=t.key,
                label=t.label,
                kind=t.key if t.key in ("hope", "connection") else "dimension",
                weeks=[
                    WeekRead(
                        start=w.span.start, end=w.span.end, average=w.average, ratings=w.ratings
                    )
                    for w in t.weeks
                ],
            )
            for t in p.trends
        ]
        events = [TimelineEventRead(kind="checkin", day=d) for d in p.timeline.checkin_days]
        events += [
            TimelineEventRead(
                kind="setback", day=s.happened_on, setback_id=s.id, came_back_on=s.came_back_on
            )
            for s in p.timeline.setbacks
        ]
        events += [
            TimelineEventRead(kind="coming_back", day=c.day, days_without_checkin=c.days_without)
            for c in p.timeline.comebacks
        ]
        order = {"setback": 0, "checkin": 1, "coming_back": 2}
        events.sort(key=lambda e: (e.day, order[e.kind]))
        return cls(
            member_id=p.member.id,
            today=p.today,
            days_with_checkin_last_30=p.days_with_checkin_last_30,
            wheel=WheelRead(windows=windows, dimensions=dimensions),
            series=series,
            goals_achieved=GoalsAchievedRead(
                count=len(p.goals_achieved),
                goals=[
                    AchievedGoalRead(id=g.id, title=g.title, achieved_on=g.achieved_on)
                    for g in p.goals_achieved
                ],
            ),
            tools=[
                ToolRead(
                    tool=t.tool,
                    uses=t.uses,
                    yes=t.yes,
                    somewhat=t.somewhat,
                    no=t.no,
                    helped_score=round(t.helped_score, 2),
                )
                for t in p.tools
            ],
            timeline=TimelineRead(
                start=p.timeline.span.start, end=p.timeline.span.end, events=events
            ),
        )
