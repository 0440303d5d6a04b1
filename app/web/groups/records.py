"""What is kept about a group: its export (JSON, CSV) and its removal (the retention purge is
in retention_purge.py: it runs from the start, the pages only when first asked for)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.store.groups import GroupRecords
from app.translatable import translatable
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.group_page import group_page
from app.web.spreadsheet import plain_cell

router = APIRouter(include_in_schema=False)


@router.post("/groups/{group_id}/purge", response_class=HTMLResponse)
async def purge_group(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    mine: FACILITATING,
    confirm_name: Annotated[str, Form()] = "",
) -> Response:
    if confirm_name.strip() != mine.group.name:
        return await group_page(
            request,
            svc,
            accounts,
            mine,
            422,
            error=translatable(
                "To remove the group, please type its name exactly as shown. Nothing has "
                "been removed."
            ),
        )
    await to_thread.run_sync(accounts.groups.purge_group, mine.group.id)
    return RedirectResponse("/groups", status_code=303)


def export_document(records: GroupRecords) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(json.dumps(asdict(records), default=str))
    return document


def _download(body: str, media_type: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.get("/groups/{group_id}/export.json")
async def export_json(accounts: ACCOUNTS, mine: FACILITATING) -> Response:
    records = await to_thread.run_sync(accounts.groups.records, mine.group)
    body = json.dumps(export_document(records), ensure_ascii=False, indent=2)
    return _download(body, "application/json", "group-records.json")


def export_rows(records: GroupRecords) -> list[list[object]]:
    """One row a record; every cell a spreadsheet could run as a formula is made plain."""
    rows: list[list[object]] = [["record", "date", "kind", "detail", "name"]]
    rows += [["member", m.added_on, "", "", m.preferred_name] for m in records.members]
    rows += [
        ["guideline", g.agreed_on or "", "" if g.retired_on is None else "retired", g.text, ""]
        for g in records.guidelines
    ]
    rows += [["guideline review", on, "", "", ""] for on in records.guideline_reviews]
    rows += [["session", s.meeting_on, "", "", ""] for s in records.sessions]
    rows += [
        ["action", a.due_on, a.kind.value, a.detail, a.peer_name or ""] for a in records.actions
    ]
    rows += [["apology", on, "", "", name] for name, on in records.apologies]
    rows += [
        ["cancelled meeting", c.meeting_on, "", c.reason, ""] for c in records.cancelled_meetings
    ]
    return [[plain_cell(cell) for cell in row] for row in rows]


@router.get("/groups/{group_id}/export.csv")
async def export_csv(accounts: ACCOUNTS, mine: FACILITATING) -> Response:
    records = await to_thread.run_sync(accounts.groups.records, mine.group)
    out = io.StringIO()
    csv.writer(out).writerows(export_rows(records))
    return _download(out.getvalue(), "text/csv", "group-records.csv")
