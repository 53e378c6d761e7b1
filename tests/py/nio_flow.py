"""A real Matrix client (matrix-nio) driving a membership flow.

Usage: nio_flow.py BASE_URL ALICE BOB PASSWORD

Both users must exist. Alice creates a room and invites Bob, Bob joins, Alice
kicks Bob with a reason. Prints the room id as JSON; exits non-zero on any error.
"""
import asyncio
import json
import sys

from nio import (
    AsyncClient,
    JoinResponse,
    LoginResponse,
    RoomCreateResponse,
    RoomInviteResponse,
    RoomKickResponse,
)


def expect(response, kind, what):
    if not isinstance(response, kind):
        raise SystemExit(f"{what} failed: {response}")
    return response


async def main(base, alice_name, bob_name, password):
    alice = AsyncClient(base, alice_name)
    bob = AsyncClient(base, bob_name)
    try:
        expect(await alice.login(password, device_name="nio"), LoginResponse, "alice's login")
        expect(await bob.login(password, device_name="nio"), LoginResponse, "bob's login")
        room = expect(await alice.room_create(name="nio room"), RoomCreateResponse, "room creation")
        expect(await alice.room_invite(room.room_id, bob.user_id), RoomInviteResponse, "invite")
        expect(await bob.join(room.room_id), JoinResponse, "join")
        expect(
            await alice.room_kick(room.room_id, bob.user_id, reason="nio says bye"),
            RoomKickResponse,
            "kick",
        )
        print(json.dumps({"room_id": room.room_id, "alice": alice.user_id, "bob": bob.user_id}))
    finally:
        await alice.close()
        await bob.close()


asyncio.run(main(*sys.argv[1:5]))
