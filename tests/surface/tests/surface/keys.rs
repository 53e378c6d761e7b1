//! End-to-end encryption: device keys, cross-signing, to-device messages and
//! server-side key backups. The keys are made up: Synapse stores them without
//! checking the cryptography, except for cross-signing signatures (see the table).

use std::collections::BTreeMap;

use matrix_api::client_server::types;
use matrix_api::runtime::ids::RoomId;
use serde_json::json;

use crate::harness::Surface;
use crate::world::{object, password_auth, unique, User};

/// 32 bytes in unpadded base64, the shape of a Curve25519 or Ed25519 key.
const KEY: &str = "SurfaceTestKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
const MASTER: &str = "MasterTestKeyAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

pub async fn devices(s: &Surface, alice: &User, bob: &User) {
    let c = &alice.client;
    let own = |pairs: &[(&str, String)]| -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    };
    let device_keys = types::DeviceKeys::new(
        alice.id.clone(),
        alice.device.clone(),
        vec!["m.olm.v1.curve25519-aes-sha2".to_owned()],
        own(&[
            (&format!("curve25519:{}", alice.device), KEY.to_owned()),
            (&format!("ed25519:{}", alice.device), KEY.to_owned()),
        ]),
        BTreeMap::new(),
    );
    let one_time = [(
        "curve25519:AAAAAQ".to_owned(),
        types::UploadKeysRequestOneTimeKeysValue::String(KEY.to_owned()),
    )];
    let upload = types::UploadKeysRequest {
        device_keys: Some(device_keys),
        one_time_keys: Some(one_time.into()),
        ..Default::default()
    };
    s.json("uploadKeys", c.upload_keys(&upload)).await;
    let query = types::QueryKeysRequest {
        timeout: Some(1000),
        ..types::QueryKeysRequest::new([(alice.id.to_string(), vec![])].into())
    };
    s.json("queryKeys", bob.client.query_keys(&query)).await;
    let wanted = [(alice.device.clone(), "curve25519".to_owned())].into();
    let claim = types::ClaimKeysRequest {
        timeout: Some(1000),
        ..types::ClaimKeysRequest::new([(alice.id.to_string(), wanted)].into())
    };
    s.json("claimKeys", bob.client.claim_keys(&claim)).await;
    let now = types::SyncQuery {
        timeout: Some(0),
        ..Default::default()
    };
    if let Some(synced) = s.json("sync", c.sync(&now)).await {
        let changes = types::GetKeysChangesQuery {
            from: synced.next_batch.clone(),
            to: synced.next_batch,
        };
        s.json("getKeysChanges", c.get_keys_changes(&changes)).await;
    }
    let message = object(json!({ "body": "psst" }));
    let messages = [(bob.id.to_string(), [("*".to_owned(), message)].into())];
    let to_device = types::SendToDeviceRequest::new(messages.into());
    let txn = unique("txn");
    let sent = c.send_to_device("org.example.surface", &txn, &to_device);
    s.json("sendToDevice", sent).await;
    cross_signing(s, alice).await;
}

async fn cross_signing(s: &Surface, alice: &User) {
    let master = types::CrossSigningKey::new(
        alice.id.clone(),
        vec![types::CrossSigningKeyUsageItem::Master],
        [(format!("ed25519:{MASTER}"), MASTER.to_owned())].into(),
    );
    let body = types::UploadCrossSigningKeysRequest {
        master_key: Some(master),
        auth: Some(password_auth(&alice.id, None)),
        ..Default::default()
    };
    let c = &alice.client;
    s.json("uploadCrossSigningKeys", c.upload_cross_signing_keys(&body))
        .await;
    let signed = object(json!({
        "user_id": alice.id,
        "device_id": alice.device,
        "algorithms": ["m.olm.v1.curve25519-aes-sha2"],
        "keys": { format!("ed25519:{}", alice.device): KEY },
        "signatures": { alice.id.as_str(): { format!("ed25519:{MASTER}"): "bogus" } },
    }));
    let signatures = [(
        alice.id.to_string(),
        [(alice.device.clone(), signed)].into(),
    )]
    .into();
    s.json(
        "uploadCrossSigningSignatures",
        c.upload_cross_signing_signatures(&signatures),
    )
    .await;
}

/// A backup version taken through every backup operation, then deleted.
pub async fn backup(s: &Surface, alice: &User, room: &RoomId) {
    let c = &alice.client;
    let auth_data = object(json!({ "public_key": KEY, "signatures": {} }));
    let create = types::PostRoomKeysVersionRequest::new(
        types::RoomKeysVersionAlgorithm::MMegolmBackupV1Curve25519AesSha2,
        auth_data.clone(),
    );
    let Some(made) = s
        .json("postRoomKeysVersion", c.post_room_keys_version(&create))
        .await
    else {
        return;
    };
    let v = made.version;
    s.json(
        "getRoomKeysVersionCurrent",
        c.get_room_keys_version_current(),
    )
    .await;
    s.json("getRoomKeysVersion", c.get_room_keys_version(&v))
        .await;
    let update = types::PutRoomKeysVersionRequest {
        version: Some(v.clone()),
        ..types::PutRoomKeysVersionRequest::new(
            types::RoomKeysVersionAlgorithm::MMegolmBackupV1Curve25519AesSha2,
            auth_data,
        )
    };
    s.json("putRoomKeysVersion", c.put_room_keys_version(&v, &update))
        .await;
    backup_keys(s, alice, room, &v).await;
    s.json("deleteRoomKeysVersion", c.delete_room_keys_version(&v))
        .await;
}

async fn backup_keys(s: &Surface, alice: &User, room: &RoomId, v: &str) {
    let c = &alice.client;
    let session_data = object(json!({ "ephemeral": KEY, "ciphertext": KEY, "mac": "mac" }));
    let key = types::KeyBackupData::new(0, 0, false, session_data);
    let sessions = types::RoomKeyBackup::new([("session-a".to_owned(), key.clone())].into());
    let all = types::RoomKeys::new([(room.to_string(), sessions.clone())].into());
    // The room-key operations take the room ID as a plain string.
    let room = room.as_str();
    let version = v.to_owned();
    let put = types::PutRoomKeysQuery { version };
    s.json("putRoomKeys", c.put_room_keys(&put, &all)).await;
    let version = v.to_owned();
    let get = types::GetRoomKeysQuery { version };
    s.json("getRoomKeys", c.get_room_keys(&get)).await;
    let version = v.to_owned();
    let put = types::PutRoomKeysByRoomIdQuery { version };
    let in_room = c.put_room_keys_by_room_id(room, &put, &sessions);
    s.json("putRoomKeysByRoomId", in_room).await;
    let version = v.to_owned();
    let get = types::GetRoomKeysByRoomIdQuery { version };
    let in_room = c.get_room_keys_by_room_id(room, &get);
    s.json("getRoomKeysByRoomId", in_room).await;
    let version = v.to_owned();
    let put = types::PutRoomKeyBySessionIdQuery { version };
    let one = c.put_room_key_by_session_id(room, "session-b", &put, &key);
    s.json("putRoomKeyBySessionId", one).await;
    let version = v.to_owned();
    let get = types::GetRoomKeyBySessionIdQuery { version };
    let one = c.get_room_key_by_session_id(room, "session-b", &get);
    s.json("getRoomKeyBySessionId", one).await;
    let version = v.to_owned();
    let delete = types::DeleteRoomKeyBySessionIdQuery { version };
    let one = c.delete_room_key_by_session_id(room, "session-b", &delete);
    s.json("deleteRoomKeyBySessionId", one).await;
    let version = v.to_owned();
    let delete = types::DeleteRoomKeysByRoomIdQuery { version };
    let in_room = c.delete_room_keys_by_room_id(room, &delete);
    s.json("deleteRoomKeysByRoomId", in_room).await;
    let version = v.to_owned();
    let delete = types::DeleteRoomKeysQuery { version };
    s.json("deleteRoomKeys", c.delete_room_keys(&delete)).await;
}
