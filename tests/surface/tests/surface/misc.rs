//! Discovery, capabilities, VoIP and the third-party lookups that Synapse
//! answers by asking the application service (`local.rs`).

use matrix_api::client_server::types;

use crate::harness::Surface;
use crate::local::PROTOCOL;
use crate::world::User;

pub async fn discovery(s: &Surface, alice: &User) {
    let anon = s.anonymous();
    s.json("getVersions", anon.get_versions()).await;
    s.json("getWellknown", anon.get_wellknown()).await;
    s.json("getWellknownSupport", anon.get_wellknown_support())
        .await;
    s.json("getWellknownPolicy", anon.get_wellknown_policy())
        .await;
    s.json("getCapabilities", alice.client.get_capabilities())
        .await;
    s.json("getTurnServer", alice.client.get_turn_server())
        .await;
}

pub async fn third_party(s: &Surface, alice: &User) {
    let c = &alice.client;
    s.json("getProtocols", c.get_protocols()).await;
    s.json("getProtocolMetadata", c.get_protocol_metadata(PROTOCOL))
        .await;
    let fields = [("room".to_owned(), "lobby".to_owned())].into();
    let query = types::QueryLocationByProtocolQuery { fields };
    s.json(
        "queryLocationByProtocol",
        c.query_location_by_protocol(PROTOCOL, &query),
    )
    .await;
    let query = types::QueryLocationByAliasQuery {
        alias: "#surface-bridge_lobby:localhost".to_owned(),
    };
    s.json("queryLocationByAlias", c.query_location_by_alias(&query))
        .await;
    let fields = [("name".to_owned(), "someone".to_owned())].into();
    let query = types::QueryUserByProtocolQuery { fields };
    s.json(
        "queryUserByProtocol",
        c.query_user_by_protocol(PROTOCOL, &query),
    )
    .await;
    let query = types::QueryUserByIdQuery {
        userid: "@surface-bridge_someone:localhost".to_owned(),
    };
    s.json("queryUserByID", c.query_user_by_id(&query)).await;
}
