"""Value types the parser produces: frozen, typed, and JSON-ready."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["open", "done"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ParsedItem(_Frozen):
    """One corrective or preventative measure, as the document states it."""

    text: str
    owner: str | None = None
    due: dt.date | None = None
    priority: str | None = None
    type: str | None = None
    status: Status | None = None
    tracker_ref: str | None = None
    explicit_id: str | None = Field(
        default=None, description="An id the document gives the item (ID column or comment)."
    )
    section: str = Field(description="Heading or label of the measures section it came from.")
    group: str | None = Field(default=None, description="Group label it was listed under.")
    details: str | None = Field(default=None, description="Sub-bullets and further paragraphs.")
    line: int = Field(description="1-based line of the item in the file.")


class Incident(_Frozen):
    id: str
    id_from_document: bool = Field(
        default=False, description="The id was written in front matter, not derived from the name."
    )
    title: str
    date: dt.date | None = None
    metadata: dict[str, str] = Field(default_factory=dict)


class Note(_Frozen):
    """Why the parser decided as it did about one line: taken as an item by a rule, or skipped."""

    line: int
    text: str
    taken: bool
    rule: str = Field(description="What found it, or why it is not a measure.")


class ParsedDocument(_Frozen):
    path: str
    incident: Incident
    items: tuple[ParsedItem, ...] = ()
    warnings: tuple[str, ...] = ()
    notes: tuple[Note, ...] = Field(
        default=(), description="Filled only when the parse is asked to explain itself."
    )
