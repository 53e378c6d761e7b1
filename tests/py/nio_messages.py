"""A real Matrix client (matrix-nio) sending and receiving messages.

Usage: nio_messages.py BASE_URL USER PASSWORD ROOM_ID

The user must exist and may join the room. The user logs in, joins, syncs,
sends a text message with `room_send`, syncs again, and reads the room back
with `room_messages` from the sync's token; then it syncs, long-polling, until
a message whose body starts with "Reply" arrives (the test sends one once it
sees nio's message on the server). Prints what it saw as JSON; exits non-zero
on any error.
"""
import asyncio
import json
import sys

from nio import (
    AsyncClient,
    JoinResponse,
    LoginResponse,
    RoomMessagesResponse,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)

BODY = "Hello from matrix-nio"


def expect(response, kind, what):
    if not isinstance(response, kind):
        raise SystemExit(f"{what} failed: {response}")
    return response


def texts(events):
    """The text messages among nio's parsed events, as plain dicts."""
    return [
        {"event_id": e.event_id, "sender": e.sender, "body": e.body}
        for e in events
        if isinstance(e, RoomMessageText)
    ]


async def main(base, user, password, room_id):
    client = AsyncClient(base, user)
    try:
        expect(await client.login(password, device_name="nio"), LoginResponse, "login")
        expect(await client.join(room_id), JoinResponse, "join")
        first = expect(await client.sync(timeout=0, full_state=True), SyncResponse, "first sync")
        synced = texts(first.rooms.join[room_id].timeline.events)
        sent = expect(
            await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": BODY}),
            RoomSendResponse,
            "room_send",
        )
        # A sync brings nio's own message back; its token is where paging starts.
        echo = expect(await client.sync(timeout=0), SyncResponse, "second sync")
        if room_id in echo.rooms.join:
            synced += texts(echo.rooms.join[room_id].timeline.events)
        page = expect(
            await client.room_messages(room_id, start=client.next_batch, limit=50),
            RoomMessagesResponse,
            "room_messages",
        )
        paged = texts(page.chunk)
        # Wait for the reply with long-polling syncs, as clients do.
        replies = []
        for _ in range(20):
            news = expect(await client.sync(timeout=5000), SyncResponse, "sync")
            room = news.rooms.join.get(room_id)
            if room is not None:
                synced += texts(room.timeline.events)
                replies = [t for t in synced if t["body"].startswith("Reply")]
                if replies:
                    break
        print(json.dumps({
            "user_id": client.user_id,
            "sent_event_id": sent.event_id,
            "synced": synced,
            "paged": paged,
            "replies": replies,
        }))
    finally:
        await client.close()


asyncio.run(main(*sys.argv[1:5]))
