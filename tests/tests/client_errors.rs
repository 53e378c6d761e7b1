//! How the client runtime tells failed answers apart, by status and body.

use matrix_api::runtime::client::Error;

#[test]
fn a_401_with_flows_is_a_challenge() {
    let body = br#"{
        "flows": [{"stages": ["m.login.password"]}, {"stages": ["m.login.sso", "m.login.terms"]}],
        "params": {"m.login.terms": {"policies": {}}},
        "session": "xyz",
        "completed": ["m.login.sso"],
        "errcode": "M_FORBIDDEN",
        "error": "Invalid password",
        "org.example.hint": 1
    }"#;
    let Error::InteractiveAuth(challenge) = Error::from_answer(401, body) else {
        panic!("a challenge");
    };
    assert!(challenge.offers(&["m.login.password"]));
    assert!(!challenge.offers(&["m.login.sso"]));
    assert_eq!(challenge.session.as_deref(), Some("xyz"));
    assert_eq!(challenge.completed, ["m.login.sso"]);
    assert!(challenge.params.contains_key("m.login.terms"));
    assert!(challenge.extra.contains_key("org.example.hint"));
    let error = Error::InteractiveAuth(challenge);
    assert_eq!(error.errcode(), Some("M_FORBIDDEN"));
    assert_eq!(error.status(), Some(401));
    assert!(error.to_string().contains("m.login.sso + m.login.terms"));
}

#[test]
fn a_401_without_flows_is_a_matrix_error() {
    let body = br#"{"errcode": "M_UNKNOWN_TOKEN", "error": "Unknown token", "soft_logout": true}"#;
    let Error::Matrix(error) = Error::from_answer(401, body) else {
        panic!("a Matrix error");
    };
    assert_eq!(error.errcode(), "M_UNKNOWN_TOKEN");
    assert_eq!(error.body.extra["soft_logout"], true);
}

#[test]
fn a_body_that_is_not_a_matrix_error_is_plain_http() {
    for (status, body) in [
        (502, &b"<html>Bad Gateway</html>"[..]),
        (404, b""),
        (500, b"[1]"),
    ] {
        match Error::from_answer(status, body) {
            Error::Http {
                status: got,
                body: text,
            } => {
                assert_eq!(got, status);
                assert_eq!(text.as_bytes(), body);
            }
            other => panic!("{status}: {other:?}"),
        }
    }
}
