//! Typed events through Synapse: contents built as Rust values are sent,
//! then read back through `/messages`, `/sync` and the state endpoints, and
//! must come back as the same typed values. Unlike the surface table, which
//! records outcomes, every step here is an assertion.

use std::collections::BTreeMap;

use matrix_api::client_server::client::Client;
use matrix_api::client_server::types;
use matrix_api::events::{
    EventContent, RoomJoinRulesEventContent, RoomJoinRulesEventContentJoinRule,
    RoomMessageEmoteContent, RoomMessageEventContent, RoomMessageImageContent,
    RoomMessageNoticeContent, RoomMessageTextContent, RoomNameEventContent,
    RoomPowerLevelsEventContent, RoomTopicEventContent,
};
use matrix_api::runtime::ids::{EventId, MxcUri, RoomId, UserId};
use matrix_api::runtime::{Binary, IdOrJson, Lenient};
use serde_json::json;

use crate::world::{unique, PASSWORD};

/// What the flow sent, to find again in what Synapse answers.
struct Sent {
    room: RoomId,
    /// Each event sent, with the content it carried.
    events: Vec<(EventId, EventContent)>,
}

pub async fn run(synapse: &str) {
    let (client, alice) = register(synapse).await;
    let made = client
        .create_room(&types::CreateRoomRequest::default())
        .await
        .expect("Synapse creates the room");
    let mut sent = Sent {
        room: made.room_id,
        events: Vec::new(),
    };
    let image = upload(&client).await;
    assert_eq!(image.server_name(), alice.server_name());

    for content in messages(&image) {
        send(&client, &mut sent, content).await;
    }
    let custom = EventContent::Other {
        event_type: "org.example.custom".to_owned(),
        content: json!({ "answer": 42, "nested": { "list": [1, "two", null] } }),
    };
    send(&client, &mut sent, custom).await;
    for content in state(&client, &sent.room, &alice).await {
        set_state(&client, &mut sent, content).await;
    }

    read_messages(&client, &sent).await;
    read_sync(&client, &sent).await;
    read_filtered(&client, &alice, &sent).await;
    read_state(&client, &sent).await;
}

async fn register(synapse: &str) -> (Client, UserId) {
    let body = types::RegisterRequest {
        username: Some(unique("typed")),
        password: Some(PASSWORD.to_owned()),
        auth: Some(types::AuthenticationData {
            r#type: Some("m.login.dummy".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let registered = Client::new(synapse)
        .register(&types::RegisterQuery::default(), &body)
        .await
        .expect("Synapse registers the user");
    let token = registered.access_token.expect("registration logs in");
    (
        Client::new(synapse).with_access_token(token),
        registered.user_id,
    )
}

/// Uploads the image, and downloads it back with its declared headers.
async fn upload(client: &Client) -> MxcUri {
    let pixel = Binary {
        content_type: "image/png".to_owned(),
        data: PNG.to_vec(),
    };
    let query = types::UploadContentQuery {
        filename: Some("pixel.png".to_owned()),
    };
    let uri = client
        .upload_content(&query, &pixel)
        .await
        .expect("Synapse stores the image")
        .content_uri;
    let server = uri.server_name().parse().expect("a server name");
    let download = client
        .get_content_authed(&server, uri.media_id(), &Default::default())
        .await
        .expect("Synapse serves the image");
    let types::GetContentAuthedResponse::Ok(answer) = download else {
        panic!("a local download is no redirect: {download:?}");
    };
    assert_eq!(answer.body.data, PNG);
    assert_eq!(answer.body.content_type, "image/png");
    assert!(
        answer.content_disposition.contains("pixel.png"),
        "the required Content-Disposition names the upload: {}",
        answer.content_disposition
    );
    uri
}

/// A 1x1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xff, 0xff, 0x3f,
    0x00, 0x05, 0xfe, 0x02, 0xfe, 0xa7, 0x35, 0x81, 0x84, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A text, a notice, an emote and an image, as `m.room.message` contents.
fn messages(image: &MxcUri) -> Vec<EventContent> {
    let message = |content| EventContent::RoomMessage(Box::new(content));
    let text = RoomMessageTextContent {
        format: Some("org.matrix.custom.html".to_owned()),
        formatted_body: Some("<b>typed</b> text".to_owned()),
        ..RoomMessageTextContent::new("typed text")
    };
    let picture = RoomMessageImageContent {
        url: Some(image.clone()),
        ..RoomMessageImageContent::new("pixel.png")
    };
    vec![
        message(RoomMessageEventContent::Text(Box::new(text))),
        message(RoomMessageEventContent::Notice(Box::new(
            RoomMessageNoticeContent::new("typed notice"),
        ))),
        message(RoomMessageEventContent::Emote(Box::new(
            RoomMessageEmoteContent::new("sends a typed emote"),
        ))),
        message(RoomMessageEventContent::Image(Box::new(picture))),
    ]
}

/// Name, topic, join rules and power levels. The power levels are the
/// room's own, read as a typed content, with two changes.
async fn state(client: &Client, room: &RoomId, alice: &UserId) -> Vec<EventContent> {
    let query = types::GetRoomStateWithKeyQuery {
        format: Some(types::GetRoomStateWithKeyFormat::Event),
    };
    let current = client
        .get_room_state_with_key(room, "m.room.power_levels", "", &query)
        .await
        .expect("the room has power levels");
    let types::GetRoomStateWithKeyResponse::StateEvent(event) = current else {
        panic!("`format=event` answers with the whole event: {current:?}");
    };
    let EventContent::RoomPowerLevels(levels) = event.content else {
        panic!("power levels are typed: {:?}", event.content);
    };
    // Room version 12 leaves the creator out of `users` (creators outrank
    // everyone); earlier versions list it at 100.
    if let Some(level) = levels.users.as_ref().and_then(|u| u.get(alice.as_str())) {
        assert_eq!(*level, 100, "the creator has every power");
    }
    let mut events = levels.events.clone().unwrap_or_default();
    events.insert("org.example.custom".to_owned(), 10);
    let levels = RoomPowerLevelsEventContent {
        events: Some(events),
        state_default: Some(60),
        ..*levels
    };
    vec![
        EventContent::RoomName(Box::new(RoomNameEventContent::new("Typed room"))),
        EventContent::RoomTopic(Box::new(RoomTopicEventContent::new("Sent as Rust values"))),
        EventContent::RoomJoinRules(Box::new(RoomJoinRulesEventContent::new(
            RoomJoinRulesEventContentJoinRule::Public,
        ))),
        EventContent::RoomPowerLevels(Box::new(levels)),
    ]
}

async fn send(client: &Client, sent: &mut Sent, content: EventContent) {
    let answer = client
        .send_message(&sent.room, &unique("txn"), &content)
        .await
        .unwrap_or_else(|e| panic!("Synapse takes the {}: {e}", content.event_type()));
    sent.events.push((answer.event_id, content));
}

async fn set_state(client: &Client, sent: &mut Sent, content: EventContent) {
    let answer = client
        .set_room_state_with_key(&sent.room, "", &content)
        .await
        .unwrap_or_else(|e| panic!("Synapse sets the {}: {e}", content.event_type()));
    sent.events.push((answer.event_id, content));
}

/// Every sent event, found by its id among `events`, carries the content sent.
fn assert_all_back(
    what: &str,
    sent: &Sent,
    events: impl IntoIterator<Item = (EventId, EventContent)>,
) {
    let back: BTreeMap<String, EventContent> = events
        .into_iter()
        .map(|(id, content)| (id.to_string(), content))
        .collect();
    for (id, content) in &sent.events {
        let got = back
            .get(id.as_str())
            .unwrap_or_else(|| panic!("{what} lacks {id} ({})", content.event_type()));
        assert_eq!(got, content, "{what}: {id} came back changed");
        if content.event_type() != "org.example.custom" {
            assert!(
                !matches!(got, EventContent::Other { .. }),
                "{what}: {id} is not typed: {got:?}"
            );
        }
    }
}

/// The typed items of a lenient list, failing on any that did not fit.
fn typed<T: std::fmt::Debug>(what: &str, items: Vec<Lenient<T>>) -> Vec<T> {
    items
        .into_iter()
        .map(|item| match item {
            Lenient::Typed(event) => event,
            Lenient::Raw(json) => panic!("{what}: an event did not decode: {json}"),
        })
        .collect()
}

async fn read_messages(client: &Client, sent: &Sent) {
    let query = types::GetRoomEventsQuery {
        from: None,
        to: None,
        dir: types::GetEventsDir::B,
        limit: Some(100),
        filter: None,
    };
    let page = client
        .get_room_events(&sent.room, &query)
        .await
        .expect("Synapse pages the room");
    let events = typed("/messages", page.chunk);
    assert_all_back(
        "/messages",
        sent,
        events.into_iter().map(|e| (e.event_id, e.content)),
    );
}

async fn read_sync(client: &Client, sent: &Sent) {
    let query = types::SyncQuery {
        filter: Some(IdOrJson::Json(timeline_filter(
            types::RoomEventFilter::default(),
        ))),
        ..Default::default()
    };
    let sync = client.sync(&query).await.expect("Synapse syncs");
    let joined = sync.rooms.and_then(|r| r.join).unwrap_or_default();
    let room = joined
        .get(sent.room.as_str())
        .unwrap_or_else(|| panic!("/sync lists the room: {:?}", joined.keys()));
    let timeline = room.timeline.clone().expect("the room has a timeline");
    let events = typed("/sync", timeline.events);
    assert_all_back(
        "/sync",
        sent,
        events.into_iter().map(|e| (e.event_id, e.content)),
    );
}

/// A sync filter whose room timeline is `timeline`, with room for every event sent.
fn timeline_filter(timeline: types::RoomEventFilter) -> types::Filter {
    types::Filter {
        room: Some(types::RoomFilter {
            timeline: Some(types::RoomEventFilter {
                limit: Some(100),
                ..timeline
            }),
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// Typed filters reach Synapse: inline on `/messages`, by ID on `/sync`,
/// and each answer holds the events of the filtered type and no other.
async fn read_filtered(client: &Client, alice: &UserId, sent: &Sent) {
    let only = |event_type: &str| types::RoomEventFilter {
        types: Some(vec![event_type.to_owned()]),
        ..Default::default()
    };
    let sent_of = |event_type: &str| {
        let ids = sent
            .events
            .iter()
            .filter(|(_, c)| c.event_type() == event_type);
        let ids: Vec<String> = ids.map(|(id, _)| id.to_string()).collect();
        assert!(!ids.is_empty(), "the flow sent no {event_type}");
        ids
    };

    let query = types::GetRoomEventsQuery {
        from: None,
        to: None,
        dir: types::GetEventsDir::B,
        limit: Some(100),
        filter: Some(only("m.room.message")),
    };
    let page = client
        .get_room_events(&sent.room, &query)
        .await
        .expect("Synapse pages the room through a filter");
    let events = typed("/messages?filter", page.chunk);
    let mut seen: Vec<String> = events.iter().map(|e| e.event_id.to_string()).collect();
    assert!(
        events
            .iter()
            .all(|e| e.content.event_type() == "m.room.message"),
        "/messages?filter returned other types"
    );
    seen.reverse();
    assert_eq!(seen, sent_of("m.room.message"), "/messages?filter");

    let made = client
        .define_filter(alice, &timeline_filter(only("m.room.topic")))
        .await
        .expect("Synapse stores the filter");
    let query = types::SyncQuery {
        filter: Some(IdOrJson::Id(made.filter_id)),
        ..Default::default()
    };
    let sync = client
        .sync(&query)
        .await
        .expect("Synapse syncs by filter ID");
    let joined = sync.rooms.and_then(|r| r.join).unwrap_or_default();
    let timeline = joined
        .get(sent.room.as_str())
        .and_then(|room| room.timeline.clone())
        .expect("/sync?filter=<id> lists the room's timeline");
    let events = typed("/sync?filter=<id>", timeline.events);
    let seen: Vec<String> = events.iter().map(|e| e.event_id.to_string()).collect();
    assert_eq!(seen, sent_of("m.room.topic"), "/sync?filter=<id>");
}

async fn read_state(client: &Client, sent: &Sent) {
    let state = client
        .get_room_state(&sent.room)
        .await
        .expect("Synapse lists the state");
    let state = typed("/state", state);
    let stateful: Vec<(EventId, EventContent)> = state
        .iter()
        .map(|e| (e.event_id.clone(), e.content.clone()))
        .collect();
    let sent_state = Sent {
        room: sent.room.clone(),
        events: sent
            .events
            .iter()
            .filter(|(id, _)| stateful.iter().any(|(e, _)| e == id))
            .cloned()
            .collect(),
    };
    assert_eq!(
        sent_state.events.len(),
        4,
        "name, topic, join rules, power levels"
    );
    assert_all_back("/state", &sent_state, stateful);

    let query = types::GetRoomStateWithKeyQuery {
        format: Some(types::GetRoomStateWithKeyFormat::Event),
    };
    for (id, content) in &sent_state.events {
        let one = client
            .get_room_state_with_key(&sent.room, content.event_type(), "", &query)
            .await
            .expect("Synapse has the state event");
        let types::GetRoomStateWithKeyResponse::StateEvent(event) = one else {
            panic!("`format=event` answers with the whole event: {one:?}");
        };
        assert_eq!(&event.event_id, id);
        assert_eq!(&event.content, content);
    }
}
