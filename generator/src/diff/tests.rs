//! The diff over two tiny releases (`tests/fixtures/diff/`: the older one
//! Swagger 2.0 under `api/`, the newer one OpenAPI 3.1 under `data/api/`),
//! the field walk over hand-built types, and the breaking rules.

use std::collections::BTreeMap;
use std::path::Path;

use super::fields::{Defs, Walk};
use super::{diff, is_breaking, render, tree_options, Diff, Kind, Side};
use crate::ir::types::{Def, Field, Ty, TypeDef};

fn fixture_diff() -> Diff {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff");
    let read = |tree: &str| {
        let options = tree_options(&dir.join(tree), false).expect("a spec tree");
        crate::read_spec(&options).unwrap_or_else(|e| panic!("{tree}:\n{e}"))
    };
    diff(&read("old"), &read("new"), "old", "new")
}

/// `operation_id location kind`, with `!` before breaking ones.
fn lines(diff: &Diff) -> Vec<String> {
    diff.changes
        .iter()
        .map(|c| {
            let mark = if c.breaking { "!" } else { "" };
            format!("{mark}{} {} {}", c.operation_id, c.location, c.kind.name())
        })
        .collect()
}

#[test]
fn the_fixture_releases_differ_as_written() {
    let found = lines(&fixture_diff());
    let expected = [
        "!oldThing  operation_removed",
        "newThing  operation_added",
        "!getPushRules  path_moved",
        "getPushRules path.scope parameter_removed",
        "!getPushRules response(200).rules[] retyped",
        "deleteRoom  path_version_changed",
        "deleteRoom  deprecated",
        "kick  path_version_changed",
        "kick body.reason field_removed",
        "!kick body.room_version field_added",
        "kick body.user_id format_changed",
        "getMessages  path_version_changed",
        "getMessages query.dir parameter_required_changed",
        "getMessages query.filter parameter_added",
        "getMessages query.from parameter_removed",
        "!getMessages query.limit retyped",
        "!getMessages query.to parameter_added",
        "getMessages response(200).chunk[].event_id format_changed",
        "getMessages response(200).chunk[].room_id field_added",
        "!getMessages response(200).chunk[].sender field_removed",
        "!getMessages response(200).chunk[].unsigned.age retyped",
        "getMessages response(200).end field_required_changed",
        "!getMessages response(200).start field_required_changed",
        "getState  path_version_changed",
        "getState response(200)[].event_id format_changed",
        "getState response(200)[].room_id field_added",
        "!getState response(200)[].sender field_removed",
        "!getState response(200)[].unsigned.age retyped",
        "!getState response(202) status_added",
        // Only the path parameter's name changed: nothing travels differently.
        "setTyping  path_version_changed",
    ];
    assert_eq!(found, expected);
}

#[test]
fn changes_carry_their_details() {
    let diff = fixture_diff();
    let find = |id: &str, location: &str| {
        diff.changes
            .iter()
            .find(|c| c.operation_id == id && c.location == location)
            .map(|c| (c.side, c.kind.clone()))
            .unwrap_or_else(|| panic!("no change of {id} at `{location}`"))
    };
    assert_eq!(
        find("getPushRules", ""),
        (
            None,
            Kind::PathMoved {
                from: "/_matrix/client/r0/pushrules/{scope}/{kind}".into(),
                to: "/_matrix/client/v3/pushrules/global/{kind}".into(),
            }
        )
    );
    assert_eq!(
        find("getMessages", "response(200).chunk[].unsigned.age"),
        (
            Some(Side::Response),
            Kind::Retyped {
                from: "integer".into(),
                to: "number".into(),
            }
        )
    );
    assert_eq!(
        find("kick", "body.user_id"),
        (
            Some(Side::Request),
            Kind::FormatChanged {
                from: "string".into(),
                to: "string (mx-user-id)".into(),
            }
        )
    );
    // `unsigned.redacted_because` is an `Event` again: walked once, not twice.
    assert!(diff
        .changes
        .iter()
        .all(|c| !c.location.contains("redacted_because")));
}

#[test]
fn text_and_json_say_the_same() {
    let diff = fixture_diff();
    let text = render::to_text(&diff);
    assert!(text.starts_with("changes from old to new\n"), "{text}");
    assert!(
        text.contains("\n  ! parameter query.to added, required\n"),
        "{text}"
    );
    assert!(text.contains("\n    deprecated\n"), "{text}");
    assert!(text.ends_with(
        "30 change(s), 12 breaking (marked !): deprecated 1, field_added 3, field_removed 3, \
         field_required_changed 2, format_changed 3, operation_added 1, operation_removed 1, \
         parameter_added 2, parameter_removed 2, parameter_required_changed 1, path_moved 1, \
         path_version_changed 5, retyped 4, status_added 1\n"
    ));
    let json = render::to_json(&diff);
    assert_eq!(json["summary"]["changes"], 30);
    assert_eq!(json["summary"]["breaking"], 12);
    let moved = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "path_moved")
        .unwrap();
    assert_eq!(moved["operation_id"], "getPushRules");
    assert_eq!(moved["method"], "GET");
    assert_eq!(moved["breaking"], true);
    assert_eq!(moved["from"], "/_matrix/client/r0/pushrules/{scope}/{kind}");
    assert_eq!(moved["side"], serde_json::Value::Null);
}

#[test]
fn a_directory_without_an_api_tree_is_refused() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff/old/api");
    let error = tree_options(&dir, false).expect_err("`api/` itself is not a tree top");
    assert!(error.message.contains("neither `api/` nor `data/api/`"));
}

fn object(fields: &[(&str, Ty, bool)]) -> Def {
    let fields = fields
        .iter()
        .map(|(wire, ty, required)| Field {
            wire: (*wire).to_owned(),
            ident: (*wire).to_owned(),
            ty: ty.clone(),
            required: *required,
            docs: None,
            boxed: false,
        })
        .collect();
    Def::Struct {
        fields,
        extra: Some(Ty::Json),
    }
}

fn defs(entries: Vec<(&str, Def)>) -> Defs {
    let entry = |(name, def): (&str, Def)| {
        let name = name.to_owned();
        let def = TypeDef {
            name: name.clone(),
            docs: None,
            def,
        };
        (name, def)
    };
    entries.into_iter().map(entry).collect()
}

fn walk(old: &Defs, new: &Defs, ty_old: &Ty, ty_new: &Ty) -> BTreeMap<String, Kind> {
    let mut walk = Walk::new(old, new);
    walk.compare("body", ty_old, ty_new);
    walk.found.into_iter().collect()
}

#[test]
fn the_walk_follows_shapes_not_names() {
    let named = |n: &str| Ty::Named(n.to_owned());
    let list = |t: Ty| Ty::Vec(Box::new(t));
    let map = |t: Ty| Ty::Map(Box::new(t));
    let old = defs(vec![
        (
            "Room",
            object(&[
                ("members", map(Ty::String), true),
                ("tags", list(named("Tag")), false),
                ("either", named("Either"), false),
                ("alias", named("Alias"), false),
            ]),
        ),
        ("Tag", object(&[("order", Ty::Number, false)])),
        (
            "Either",
            Def::Union {
                variants: vec![
                    ("String".into(), Ty::String),
                    ("Integer".into(), Ty::Integer),
                ],
            },
        ),
        ("Alias", Def::Alias(Ty::Option(Box::new(Ty::Bool)))),
    ]);
    // The same shapes under other names, with three changes inside.
    let new = defs(vec![
        (
            "RoomV2",
            object(&[
                ("members", map(Ty::Integer), true),
                ("tags", list(named("TagV2")), false),
                ("either", named("EitherV2"), false),
                ("alias", Ty::Bool, true),
            ]),
        ),
        (
            "TagV2",
            object(&[("order", Ty::Number, false), ("name", Ty::String, true)]),
        ),
        (
            "EitherV2",
            Def::Union {
                variants: vec![
                    ("Integer".into(), Ty::Integer),
                    ("String".into(), Ty::String),
                ],
            },
        ),
    ]);
    let found = walk(&old, &new, &named("Room"), &named("RoomV2"));
    let kinds: Vec<(&str, &str)> = found
        .iter()
        .map(|(at, kind)| (at.as_str(), kind.name()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("body.alias", "field_required_changed"),
            ("body.members{}", "retyped"),
            ("body.tags[].name", "field_added"),
        ]
    );
    // A struct where a string was, and a list where a map was.
    let found = walk(&old, &new, &map(Ty::String), &list(named("TagV2")));
    assert_eq!(
        found["body"],
        Kind::Retyped {
            from: "map of string".into(),
            to: "list of object".into(),
        }
    );
}

#[test]
fn breaking_is_judged_from_the_older_client() {
    let request = Some(Side::Request);
    let response = Some(Side::Response);
    let cases = [
        (Kind::OperationRemoved, None, true),
        (Kind::OperationAdded, None, false),
        (Kind::Deprecated, None, false),
        (Kind::ParameterAdded { required: true }, request, true),
        (Kind::ParameterAdded { required: false }, request, false),
        (Kind::ParameterRemoved { required: true }, request, false),
        (Kind::FieldAdded { required: true }, request, true),
        (Kind::FieldAdded { required: true }, response, false),
        (Kind::FieldRemoved { required: false }, request, false),
        (Kind::FieldRemoved { required: false }, response, true),
        (Kind::FieldRequiredChanged { required: true }, request, true),
        (
            Kind::FieldRequiredChanged { required: false },
            request,
            false,
        ),
        (
            Kind::FieldRequiredChanged { required: true },
            response,
            false,
        ),
        (
            Kind::FieldRequiredChanged { required: false },
            response,
            true,
        ),
        (Kind::StatusAdded { status: 202 }, response, true),
        (Kind::StatusRemoved { status: 202 }, response, false),
    ];
    for (kind, side, breaking) in cases {
        assert_eq!(is_breaking(&kind, side), breaking, "{kind:?} on {side:?}");
    }
    let paths = |kind: fn(String, String) -> Kind| kind("/a/r0/x".into(), "/a/v3/x".into());
    assert!(is_breaking(
        &paths(|from, to| Kind::PathMoved { from, to }),
        None
    ));
    assert!(!is_breaking(
        &paths(|from, to| Kind::PathVersionChanged { from, to }),
        None
    ));
    assert!(is_breaking(
        &paths(|from, to| Kind::Retyped { from, to }),
        request
    ));
    assert!(!is_breaking(
        &paths(|from, to| Kind::FormatChanged { from, to }),
        response
    ));
}
