//! The content repository, old (`/_matrix/media/v3`) and authenticated
//! (`/_matrix/client/v1/media`).

use matrix_api::client_server::types;
use matrix_api::runtime::ids::ServerName;
use matrix_api::runtime::Binary;

use crate::harness::{Encoded, Surface};
use crate::world::User;

/// A 1x1 PNG: small, and an image, so that Synapse can thumbnail it.
const PIXEL: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0xf8, 0xcf, 0xc0, 0xf0,
    0x1f, 0x00, 0x05, 0x00, 0x01, 0xff, 0x89, 0x99, 0x3d, 0x1d, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// A media answer: the bytes of a 200, nothing to compare for a redirect.
macro_rules! bytes_of {
    ($ty:ident) => {
        |answer: &types::$ty| match answer {
            types::$ty::Ok(answer) => Encoded::Bytes(answer.body.data.clone()),
            _ => Encoded::Nothing,
        }
    };
}

pub async fn run(s: &Surface, alice: &User) {
    let c = &alice.client;
    let pixel = Binary {
        content_type: "image/png".to_owned(),
        data: PIXEL.to_vec(),
    };
    let named = types::UploadContentQuery {
        filename: Some("pixel.png".to_owned()),
    };
    let Some(uploaded) = s
        .json("uploadContent", c.upload_content(&named, &pixel))
        .await
    else {
        return;
    };
    let uri = uploaded.content_uri;
    let server: ServerName = uri.server_name().parse().expect("a valid server name");
    // Reserve an id, then upload into it.
    if let Some(created) = s.json("createContent", c.create_content()).await {
        let id = created.content_uri.media_id();
        let query = types::UploadContentToMxcQuery {
            filename: Some("later.png".to_owned()),
        };
        let into = c.upload_content_to_mxc(&server, id, &query, &pixel);
        s.json("uploadContentToMXC", into).await;
    }
    authed(s, alice, &server, uri.media_id()).await;
    legacy(s, alice, &server, uri.media_id()).await;
}

async fn authed(s: &Surface, alice: &User, server: &ServerName, id: &str) {
    let c = &alice.client;
    s.json("getConfigAuthed", c.get_config_authed()).await;
    let none = Default::default();
    let content = c.get_content_authed(server, id, &none);
    s.call(
        "getContentAuthed",
        content,
        bytes_of!(GetContentAuthedResponse),
    )
    .await;
    let none = Default::default();
    let named = c.get_content_override_name_authed(server, id, "p.png", &none);
    let encode = bytes_of!(GetContentOverrideNameAuthedResponse);
    s.call("getContentOverrideNameAuthed", named, encode).await;
    let size = types::GetContentThumbnailAuthedQuery {
        width: 1,
        height: 1,
        method: None,
        timeout_ms: None,
        animated: None,
    };
    let thumb = c.get_content_thumbnail_authed(server, id, &size);
    let encode = bytes_of!(GetContentThumbnailAuthedResponse);
    s.call("getContentThumbnailAuthed", thumb, encode).await;
    let preview = types::GetUrlPreviewAuthedQuery {
        url: format!("{}/_matrix/client/versions", s.proxy.url),
        ts: None,
    };
    s.json("getUrlPreviewAuthed", c.get_url_preview_authed(&preview))
        .await;
}

/// The unauthenticated endpoints the authenticated ones replaced.
#[allow(deprecated)]
async fn legacy(s: &Surface, alice: &User, server: &ServerName, id: &str) {
    let c = &alice.client;
    s.json("getConfig", c.get_config()).await;
    let none = Default::default();
    let content = c.get_content(server, id, &none);
    s.call("getContent", content, bytes_of!(GetContentResponse))
        .await;
    let none = Default::default();
    let named = c.get_content_override_name(server, id, "p.png", &none);
    let encode = bytes_of!(GetContentOverrideNameResponse);
    s.call("getContentOverrideName", named, encode).await;
    let size = types::GetContentThumbnailQuery {
        width: 1,
        height: 1,
        ..Default::default()
    };
    let thumb = c.get_content_thumbnail(server, id, &size);
    let encode = bytes_of!(GetContentThumbnailResponse);
    s.call("getContentThumbnail", thumb, encode).await;
    let preview = types::GetUrlPreviewQuery {
        url: format!("{}/_matrix/client/versions", s.proxy.url),
        ts: None,
    };
    s.json("getUrlPreview", c.get_url_preview(&preview)).await;
}
