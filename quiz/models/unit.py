"""Units: the tree of regions, departments, enterprises, schools and communities."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db

#: A unit's materialised path ("/1/4/12/"), compared byte by byte: collation "C" on
#: PostgreSQL, whose linguistic collations would ignore the slashes. Then a subtree is one
#: index range (quiz.services.units.in_subtree), wherever a path is kept.
PathString = sa.String(255).with_variant(sa.String(255, collation="C"), "postgresql")


class UnitKind(enum.StrEnum):
    province = "province"
    city = "city"
    county = "county"
    township = "township"
    department = "department"
    enterprise = "enterprise"
    school = "school"
    community = "community"
    village = "village"
    other = "other"


class Unit(db.Model):
    __tablename__ = "unit"
    __table_args__ = (
        sa.CheckConstraint("headcount >= 0", name="headcount_not_negative"),
        sa.CheckConstraint("parent_id IS NULL OR parent_id <> id", name="not_own_parent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stable public identifier, used in links and QR codes (`?unit=CODE`) and in imports.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(20), default=UnitKind.other.value)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    #: Ids from the root down to this unit, e.g. "/1/4/12/": a subtree is a prefix match.
    path: Mapped[str] = mapped_column(PathString, index=True, default="")
    #: People this unit itself expects to take part (its subtree's figure is the sum).
    headcount: Mapped[int] = mapped_column(default=0)
    #: When the unit was retired: kept for past figures, no longer offered at registration.
    retired_at: Mapped[dt.datetime | None]

    parent: Mapped[Unit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Unit]] = relationship(back_populates="parent", order_by="Unit.code")

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"
