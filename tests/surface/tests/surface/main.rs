//! Every client-server operation of the bindings generated from the newest
//! spec, against the Synapse that `tests/run` starts.
//!
//! Each operation ends as the table in `surface/table.rs` says: decoded (and
//! re-encoded to compare with the body Synapse sent), a Matrix error for a
//! stated reason, a known gap of the generated client, or skipped. The test
//! fails when an outcome differs from the table, in either direction.

mod accounts;
mod bridge;
mod challenge;
mod events;
mod harness;
mod identity;
mod keys;
mod local;
mod media;
mod merged_server;
mod misc;
mod negotiated;
mod personal;
mod proxy;
mod report;
mod rooms;
mod table;
mod typed;
mod world;

use harness::Surface;

/// Synapse's URL and the application-service port, or `None` (skipped)
/// outside CI when `tests/run` did not provide them.
fn peers() -> Option<(String, u16)> {
    let url = std::env::var("SYNAPSE_URL").ok();
    let port = std::env::var("SURFACE_APPSERVICE_PORT").ok();
    match (url, port.and_then(|p| p.parse().ok())) {
        (Some(url), Some(port)) => Some((url, port)),
        _ => {
            assert!(
                std::env::var_os("CI").is_none(),
                "SYNAPSE_URL or SURFACE_APPSERVICE_PORT is not set: run `bash tests/run`"
            );
            eprintln!("SKIPPED: SYNAPSE_URL is not set; `bash tests/run` starts Synapse");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_server_operation() {
    let Some((synapse, appservice_port)) = peers() else {
        return;
    };
    let gateway = local::serve(appservice_port).await;
    let s = Surface::new(proxy::Proxy::start(&synapse).await);
    let admin_name = std::env::var("SURFACE_ADMIN").unwrap_or_else(|_| "surface-admin".into());

    let (alice, refresh) = world::register(&s, "alice").await;
    let (bob, _) = world::register(&s, "bob").await;
    let (carol, _) = world::register(&s, "carol").await;
    misc::discovery(&s, &alice).await;
    accounts::run(&s, &alice, refresh).await;
    identity::third_party_ids(&s, &alice).await;
    identity::sso(&s).await;
    let admin = world::admin(&s, &admin_name).await;
    identity::admin(&s, &admin, &bob).await;

    let room = rooms::create(&s, &alice, &bob).await;
    rooms::read(&s, &alice, &room).await;
    rooms::space(&s, &alice, &room).await;
    rooms::membership(&s, &alice, &carol, &room).await;
    rooms::extras(&s, &alice, &bob, &room).await;
    identity::appservice(&s, &room.id).await;
    if let Some(sent) = events::send(&s, &alice, &room).await {
        events::read(&s, &alice, &room, &sent).await;
        events::markers(&s, &bob, &room, &sent).await;
    }
    events::streams(&s, &alice, &room).await;
    personal::run(&s, &alice, &room).await;
    personal::push(&s, &alice, &gateway).await;
    media::run(&s, &alice).await;
    keys::devices(&s, &alice, &bob).await;
    keys::backup(&s, &alice, &room.id).await;
    misc::third_party(&s, &alice).await;
    accounts::endings(&s).await;

    report::check(&s.outcomes());
}

/// Typed contents sent to Synapse come back as the same typed values.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_events_round_trip_through_synapse() {
    let Some((synapse, _)) = peers() else {
        return;
    };
    typed::run(&synapse).await;
}

/// A 401 that asks for interactive authentication is `Error::InteractiveAuth`,
/// answered with the session it opened.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactive_auth_is_its_own_error() {
    let Some((synapse, _)) = peers() else {
        return;
    };
    challenge::run(&synapse).await;
}

/// An application service registers its users and acts as them (`user_id`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bridge_registers_and_acts_as_its_users() {
    let Some((synapse, _)) = peers() else {
        return;
    };
    bridge::run(&synapse).await;
}

/// A client merged from several releases picks its paths from `/versions`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merged_client_calls_the_paths_the_server_speaks() {
    let Some((synapse, _)) = peers() else {
        return;
    };
    negotiated::run(&synapse).await;
}

/// The merged crate's server serves every path of an endpoint: a reference
/// server advertising `r0.6.1` only gets the negotiating client on `r0` and
/// matrix-nio on `v3`. Needs no Synapse; nio needs `tests/run`'s Python.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merged_server_serves_r0_and_v3_clients() {
    let python = std::env::var_os("MATRIX_TEST_PYTHON").map(std::path::PathBuf::from);
    if python.is_none() {
        assert!(
            std::env::var_os("CI").is_none(),
            "MATRIX_TEST_PYTHON is not set: run `bash tests/run`"
        );
        eprintln!("SKIPPED (nio part): MATRIX_TEST_PYTHON is not set");
    }
    negotiated::against_the_r0_server(python).await;
}
