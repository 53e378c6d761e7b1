//! Events: sending, reading back, relations, receipts and the sync streams.

use matrix_api::client_server::types;
use matrix_api::events::{EventContent, RoomMessageEventContent, RoomMessageTextContent};
use matrix_api::runtime::ids::EventId;
use serde_json::json;

use crate::harness::Surface;
use crate::rooms::Room;
use crate::world::{unique, User};

/// The events `send` made, for the reads after it.
pub struct Sent {
    pub root: EventId,
    pub reply: EventId,
}

/// An `m.room.message` of msgtype `m.text`, as an event content.
fn text_message(text: RoomMessageTextContent) -> EventContent {
    EventContent::RoomMessage(Box::new(RoomMessageEventContent::Text(Box::new(text))))
}

/// Sends a message, a threaded reply to it, and a redacted one.
pub async fn send(s: &Surface, alice: &User, room: &Room) -> Option<Sent> {
    let c = &alice.client;
    let hello = text_message(RoomMessageTextContent::new("hello surface"));
    let root = s
        .json(
            "sendMessage",
            c.send_message(&room.id, &unique("txn"), &hello),
        )
        .await?
        .event_id;
    // The text content declares no `m.relates_to`: it travels in `extra`.
    let relation = json!({ "rel_type": "m.thread", "event_id": root });
    let reply = text_message(RoomMessageTextContent {
        extra: [("m.relates_to".to_owned(), relation)].into(),
        ..RoomMessageTextContent::new("in a thread")
    });
    let reply = s
        .json(
            "sendMessage",
            c.send_message(&room.id, &unique("txn"), &reply),
        )
        .await?
        .event_id;
    let txn = unique("txn");
    let doomed = c.send_message(&room.id, &txn, &hello);
    if let Some(doomed) = s.json("sendMessage", doomed).await {
        let why = types::RedactEventRequest {
            reason: Some("Testing".to_owned()),
            ..Default::default()
        };
        let txn = unique("txn");
        let redact = c.redact_event(&room.id, &doomed.event_id, &txn, &why);
        s.json("redactEvent", redact).await;
    }
    Some(Sent { root, reply })
}

/// Reads the room's events back in every way the API offers (the deprecated
/// ways too: they are operations of the spec all the same).
#[allow(deprecated)]
pub async fn read(s: &Surface, alice: &User, room: &Room, sent: &Sent) {
    let c = &alice.client;
    let (id, root) = (&room.id, &sent.root);
    s.json("getOneRoomEvent", c.get_one_room_event(id, root))
        .await;
    s.json("getOneEvent", c.get_one_event(root)).await;
    let none = Default::default();
    let around = c.get_event_context(id.as_str(), root.as_str(), &none);
    s.json("getEventContext", around).await;
    let back = types::GetRoomEventsQuery {
        from: None,
        to: None,
        dir: types::GetEventsDir::B,
        limit: Some(20),
        filter: None,
    };
    s.json("getRoomEvents", c.get_room_events(id, &back)).await;
    let none = Default::default();
    let all = c.get_relating_events(id, root, &none);
    s.json("getRelatingEvents", all).await;
    let none = Default::default();
    let threads = c.get_relating_events_with_rel_type(id, root, "m.thread", &none);
    s.json("getRelatingEventsWithRelType", threads).await;
    let none = Default::default();
    let typed = c.get_relating_events_with_rel_type_and_event_type(
        id,
        root,
        "m.thread",
        "m.room.message",
        &none,
    );
    s.json("getRelatingEventsWithRelTypeAndEventType", typed)
        .await;
    s.json(
        "getThreadRoots",
        c.get_thread_roots(id.as_str(), &Default::default()),
    )
    .await;
    let now = types::GetEventByTimestampQuery {
        ts: 0,
        dir: types::GetEventByTimestampDir::F,
    };
    s.json("getEventByTimestamp", c.get_event_by_timestamp(id, &now))
        .await;
    let search = types::SearchRequest::new(types::Categories {
        room_events: Some(types::RoomEventsCriteria::new("hello")),
        ..Default::default()
    });
    s.json("search", c.search(&Default::default(), &search))
        .await;
}

/// Read markers, receipts, typing and reporting, as bob.
pub async fn markers(s: &Surface, bob: &User, room: &Room, sent: &Sent) {
    let c = &bob.client;
    let marker = types::SetReadMarkerRequest {
        m_fully_read: Some(sent.root.to_string()),
        m_read: Some(sent.root.to_string()),
        ..Default::default()
    };
    let (id, root) = (room.id.as_str(), sent.root.as_str());
    s.json("setReadMarker", c.set_read_marker(id, &marker))
        .await;
    let unthreaded = types::PostReceiptRequest::default();
    let receipt = c.post_receipt(
        &room.id,
        &types::PostReceiptReceiptType::MRead,
        &sent.reply,
        &unthreaded,
    );
    s.json("postReceipt", receipt).await;
    let typing = types::SetTypingRequest {
        timeout: Some(1000),
        ..types::SetTypingRequest::new(true)
    };
    s.json("setTyping", c.set_typing(&room.id, &bob.id, &typing))
        .await;
    let report = types::ReportEventRequest {
        reason: Some("Testing".to_owned()),
        ..Default::default()
    };
    s.json("reportEvent", c.report_event(id, root, &report))
        .await;
}

/// The sync family, each with a zero timeout so that none of them waits.
#[allow(deprecated)]
pub async fn streams(s: &Surface, alice: &User, room: &Room) {
    let c = &alice.client;
    let now = types::SyncQuery {
        timeout: Some(0),
        ..Default::default()
    };
    s.json("sync", c.sync(&now)).await;
    let initial = types::InitialSyncQuery {
        limit: Some(5),
        archived: None,
    };
    s.json("initialSync", c.initial_sync(&initial)).await;
    let events = types::GetEventsQuery {
        from: None,
        timeout: Some(0),
    };
    s.json("getEvents", c.get_events(&events)).await;
    let peek = types::PeekEventsQuery {
        from: None,
        timeout: Some(0),
        room_id: room.id.to_string(),
    };
    s.json("peekEvents", c.peek_events(&peek)).await;
    s.json("getNotifications", c.get_notifications(&Default::default()))
        .await;
}
