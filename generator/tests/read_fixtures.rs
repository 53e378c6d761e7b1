//! The reader against the project's own fixtures, one quirk or error at a time.

mod common;

use common::{api, cli, fixture, read, read_with};
use matrix_codegen::model::{Api, Discriminator, Operation};
use matrix_codegen::Placeholders;
use openapiv3::ReferenceOr;
use serde_json::{json, Value};

fn op<'a>(api: &'a Api, id: &str) -> &'a Operation {
    api.operations
        .iter()
        .find(|o| o.id == id)
        .unwrap_or_else(|| panic!("no operation `{id}`"))
}

fn bundle_json(api: &Api) -> Value {
    serde_json::to_value(&api.openapi).unwrap()
}

fn swagger() -> Api {
    let mut spec = read(&fixture("read/swagger/api"), Some(&fixture("read/swagger")));
    spec.apis.remove(0)
}

#[test]
fn trailing_space_routes_are_trimmed_and_told_apart_by_body_fields() {
    let api = swagger();
    let user = op(&api, "inviteUser");
    let third_party = op(&api, "inviteBy3PID");
    assert_eq!(user.path, "/_matrix/client/r0/rooms/{roomId}/invite");
    assert_eq!(third_party.path, user.path);
    assert_eq!(
        user.discriminator,
        Some(Discriminator::BodyFields(vec!["user_id".into()]))
    );
    assert_eq!(
        third_party.discriminator,
        Some(Discriminator::BodyFields(vec![
            "id_server".into(),
            "medium".into(),
            "address".into()
        ]))
    );
    let bundle = bundle_json(&api);
    let merged = &bundle["paths"]["/_matrix/client/r0/rooms/{roomId}/invite"]["post"];
    let originals = merged["x-matrix-operations"].as_array().unwrap();
    let ids: Vec<&str> = originals
        .iter()
        .map(|o| o["operationId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["inviteUser", "inviteBy3PID"]);
    let one_of = &merged["requestBody"]["content"]["application/json"]["schema"]["oneOf"];
    assert_eq!(one_of.as_array().unwrap().len(), 2);
    for path in bundle["paths"].as_object().unwrap().keys() {
        assert_eq!(path.trim(), path, "untrimmed path in the bundle");
    }
}

#[test]
fn x_alias_names_the_operation_and_adds_its_paths() {
    let api = swagger();
    let join = op(&api, "post_rooms_roomid_join");
    assert_eq!(join.aliases, ["/_matrix/client/r0/join/{roomId}"]);
    assert_eq!(
        join.operation.extensions["x-alias"]["aliases"],
        json!(["/join/{roomId}"])
    );
}

#[test]
fn placeholders_default_to_r0_and_can_be_overridden() {
    let mut placeholders = Placeholders::default();
    placeholders
        .0
        .insert("CLIENT_MAJOR_VERSION".into(), "v3".into());
    let spec = read_with(
        &fixture("read/swagger/api"),
        Some(&fixture("read/swagger")),
        placeholders,
    );
    assert!(spec.apis[0]
        .operations
        .iter()
        .all(|o| o.path.starts_with("/_matrix/client/v3/")));
}

#[test]
fn refs_resolve_into_named_components() {
    let api = swagger();
    let bundle = bundle_json(&api);
    let schemas = &bundle["components"]["schemas"];
    let names: Vec<&String> = schemas.as_object().unwrap().keys().collect();
    assert_eq!(
        names,
        [
            "Error",
            "InviteUser",
            "JoinResult",
            "PointersTilde",
            "RateLimitError",
            "Reason",
            "TreeNode"
        ]
    );
    // A recursive schema refers to its own component instead of expanding forever.
    assert_eq!(
        schemas["TreeNode"]["properties"]["children"]["items"],
        json!({ "$ref": "#/components/schemas/TreeNode" })
    );
    // `pointers.yaml#/shapes/a~1b/~0tilde`: escaped pointer tokens.
    assert_eq!(schemas["PointersTilde"]["items"]["type"], "string");
    // A chain of refs (`chain.yaml` -> `chain_target`, extension-less JSON) ends at the value.
    assert_eq!(schemas["JoinResult"]["required"], json!(["room_id"]));
    // A doc-only sibling beside a `$ref` wraps the ref and wins.
    let reason = &schemas["InviteUser"]["properties"]["reason"];
    assert_eq!(reason["description"], "Why the user is invited.");
    assert_eq!(reason["allOf"][0]["$ref"], "#/components/schemas/Reason");
    // `securityDefinitions: {$ref: ...}` resolves to the schemes of the file.
    assert_eq!(
        bundle["components"]["securitySchemes"]["accessToken"],
        json!({ "type": "apiKey", "in": "query", "name": "access_token" })
    );
}

#[test]
fn refs_inside_examples_are_resolved() {
    let api = swagger();
    let join = op(&api, "post_rooms_roomid_join");
    let ReferenceOr::Item(response) =
        &join.operation.responses.responses[&openapiv3::StatusCode::Code(200)]
    else {
        panic!("inline response expected");
    };
    let example = response.content["application/json"]
        .example
        .as_ref()
        .unwrap();
    assert_eq!(example["extra"], json!({ "from_fragment": true }));
}

#[test]
fn path_items_split_over_files_merge_and_codes_normalize() {
    let api = swagger();
    let bundle = bundle_json(&api);
    let state = &bundle["paths"]["/_matrix/client/r0/rooms/{roomId}/state/{eventType}/{stateKey}"];
    assert_eq!(state["get"]["operationId"], "getRoomState");
    assert_eq!(state["put"]["operationId"], "setRoomState");
    let responses = &op(&api, "inviteBy3PID").operation.responses.responses;
    assert!(responses.contains_key(&openapiv3::StatusCode::Range(4)));
    // An array query parameter without `collectionFormat` is repeated.
    let servers = &bundle["paths"]["/_matrix/client/r0/servers"]["get"]["parameters"][0];
    assert_eq!(servers["explode"], true);
    assert_eq!(servers["style"], "form");
}

#[test]
fn openapi_31_converts_to_30() {
    let spec = read(&fixture("read/oas31/api"), None);
    let api = api(&spec, "api");
    let peek = op(api, "peekEvents");
    assert_eq!(peek.path, "/_matrix/client/v3/events");
    assert_eq!(
        peek.discriminator,
        Some(Discriminator::QueryParam("room_id".into()))
    );
    assert_eq!(
        op(api, "getEvents").discriminator,
        Some(Discriminator::Fallback)
    );
    // Optional auth keeps its empty alternative.
    assert_eq!(peek.operation.security.as_ref().unwrap().len(), 2);

    let bundle = bundle_json(api);
    let condition = &bundle["components"]["schemas"]["Condition"]["properties"];
    assert_eq!(condition["value"]["nullable"], true);
    assert_eq!(condition["value"]["anyOf"].as_array().unwrap().len(), 3);
    assert_eq!(
        condition["value"]["x-type-list"],
        json!(["string", "integer", "boolean", "null"])
    );
    assert_eq!(
        condition["nullable_text"],
        json!({ "type": "string", "nullable": true })
    );

    let upload = &bundle["paths"]["/_matrix/client/v3/media"]["post"];
    assert_eq!(
        upload["requestBody"]["content"]["application/octet-stream"]["schema"],
        json!({ "type": "string", "format": "binary" })
    );
    let stored = &upload["responses"]["200"]["content"]["application/json"]["schema"];
    assert_eq!(stored["additionalProperties"]["type"], "string");
    assert_eq!(
        stored["x-patternProperties"]["^ed25519:"]["x-pattern-format"],
        "key-id"
    );
    assert_eq!(stored["properties"]["kind"]["enum"], json!(["m.upload"]));

    let events = &bundle["paths"]["/_matrix/client/v3/events"]["get"]["responses"]["200"];
    let chunk = &events["content"]["application/json"]["schema"]["properties"]["chunk"];
    assert_eq!(chunk["example"], json!([{ "type": "m.room.message" }]));
    assert_eq!(api.operations.len(), 3);
}

#[test]
fn a_self_referencing_chain_is_an_error() {
    let (code, stderr) = cli(&[
        "bundle",
        "read/self-recursive",
        "--out",
        "/nonexistent/never",
    ]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!(stderr);
}

fn located_error(case: &str, extra: &[&str]) -> String {
    let out = std::env::temp_dir().join(format!("matrix-codegen-never-{case}"));
    let _ = std::fs::remove_dir_all(&out);
    let mut args = vec!["bundle", case, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, stderr) = cli(&args);
    assert_eq!(code, 1, "{case} should fail with exit code 1:\n{stderr}");
    assert!(!out.exists(), "{case}: nothing may be written on failure");
    assert!(
        stderr.contains(" at #"),
        "{case}: no JSON pointer in\n{stderr}"
    );
    assert!(stderr.contains('^'), "{case}: no caret in\n{stderr}");
    stderr
}

#[test]
fn missing_file() {
    insta::assert_snapshot!(located_error("read/missing-file", &[]));
}

#[test]
fn bad_pointer() {
    insta::assert_snapshot!(located_error("read/bad-pointer", &[]));
}

#[test]
fn ref_leaving_the_root() {
    insta::assert_snapshot!(located_error("read/outside-root/api", &[]));
    // The same spec reads when the wider root is allowed explicitly.
    let out = std::env::temp_dir().join("matrix-codegen-outside-root-ok");
    let _ = std::fs::remove_dir_all(&out);
    let (code, stderr) = cli(&[
        "bundle",
        "read/outside-root/api",
        "--root",
        "read/outside-root",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::remove_dir_all(&out).unwrap();
}

#[test]
fn ref_loop() {
    insta::assert_snapshot!(located_error("read/ref-loop", &[]));
}

#[test]
fn malformed_yaml() {
    insta::assert_snapshot!(located_error("read/malformed", &[]));
}

#[test]
fn duplicate_key() {
    // The spec's own build kept the later value; so does the reader, with a
    // warning that `--deny-warnings` makes fatal.
    let spec = read(&fixture("read/duplicate-key"), None);
    let methods: Vec<&str> = spec.apis[0]
        .operations
        .iter()
        .map(|o| o.method.as_str())
        .collect();
    assert_eq!(methods, ["put"]);
    insta::assert_snapshot!(located_error("read/duplicate-key", &["--deny-warnings"]));
}

#[test]
fn unknown_placeholder() {
    insta::assert_snapshot!(located_error("read/unknown-placeholder", &[]));
}

#[test]
fn colliding_operations_without_discriminator() {
    insta::assert_snapshot!(located_error("read/no-discriminator", &[]));
}

#[test]
fn duplicate_operation_id() {
    insta::assert_snapshot!(located_error("read/duplicate-id", &[]));
}

#[test]
fn warnings_pass_unless_denied() {
    let out = std::env::temp_dir().join("matrix-codegen-warnings");
    let _ = std::fs::remove_dir_all(&out);
    let out = out.to_str().unwrap();
    let (code, stderr) = cli(&["bundle", "read/required-missing", "--out", out]);
    assert_eq!(code, 0, "{stderr}");
    let warnings = stderr.split("bundled").next().unwrap();
    insta::assert_snapshot!(warnings);
    let (code, _) = cli(&[
        "bundle",
        "read/required-missing",
        "--out",
        out,
        "--deny-warnings",
    ]);
    assert_eq!(code, 1);
    std::fs::remove_dir_all(out).unwrap();
}

#[test]
fn bad_usage_exits_with_2() {
    let (code, _) = cli(&["bundle"]);
    assert_eq!(code, 2);
    let (code, _) = cli(&["frobnicate"]);
    assert_eq!(code, 2);
}

#[test]
fn missing_input_exits_with_1() {
    let (code, stderr) = cli(&["bundle", "read/does-not-exist", "--out", "/tmp/x"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("cannot open"), "{stderr}");
}

/// Real symlinks: a `..` after a linked directory is physical, and a link back
/// to its own directory does not send discovery into a loop.
#[cfg(unix)]
#[test]
fn symlinked_directories_resolve_physically() {
    use std::os::unix::fs::symlink;
    let tree = std::env::temp_dir().join(format!("matrix-codegen-links-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tree);
    let write = |path: &str, text: &str| {
        let path = tree.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "api/root.yaml",
        "swagger: \"2.0\"\ninfo: {title: Links, version: \"1\"}\npaths:\n  /thing:\n    get:\n      responses:\n        200:\n          description: ok\n          schema:\n            $ref: shared/thing.yaml\n",
    );
    // `shared` is `common/deep`; from there `../sibling.yaml` is `common/sibling.yaml`.
    write(
        "common/deep/thing.yaml",
        "type: object\ntitle: Thing\nproperties:\n  sibling:\n    $ref: ../sibling.yaml\n",
    );
    write(
        "common/sibling.yaml",
        "type: object\ntitle: PhysicalSibling\n",
    );
    write("api/sibling.yaml", "type: object\ntitle: LogicalSibling\n");
    symlink("../common/deep", tree.join("api/shared")).unwrap();
    std::fs::create_dir_all(tree.join("api/definitions")).unwrap();
    symlink(".", tree.join("api/definitions/definitions")).unwrap();

    let spec = read(&tree.join("api"), Some(&tree));
    let bundle = bundle_json(&spec.apis[0]);
    let schemas = bundle["components"]["schemas"].as_object().unwrap();
    assert!(
        schemas.contains_key("PhysicalSibling"),
        "{:?}",
        schemas.keys()
    );
    assert!(!schemas.contains_key("LogicalSibling"));
    std::fs::remove_dir_all(&tree).unwrap();
}

/// Quirks of published releases, read the way the spec's own build read them,
/// each with a located warning.
#[test]
fn the_spec_builds_readings_are_located_warnings() {
    let out = std::env::temp_dir().join("matrix-codegen-build-quirks");
    let _ = std::fs::remove_dir_all(&out);
    let (code, stderr) = cli(&[
        "bundle",
        "read/build-quirks/api",
        "--root",
        "read/build-quirks",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    insta::assert_snapshot!(stderr.split("bundled").next().unwrap());

    let spec = read(
        &fixture("read/build-quirks/api"),
        Some(&fixture("read/build-quirks")),
    );
    let bundle = bundle_json(&spec.apis[0]);
    let invite = &bundle["paths"]["/invite"]["put"];
    assert_eq!(invite["description"], "Served since unstable.");
    let example = &invite["requestBody"]["content"]["application/json"]["example"];
    assert_eq!(
        example,
        &json!({"event_id": "$a", "unsigned": {"room_state": [{"type": "m.room.name"}]}})
    );
    let answer = &invite["responses"]["200"]["content"]["application/json"]["example"];
    assert_eq!(answer, &json!({"body": "hi"}));
    let key = &bundle["components"]["schemas"]["Key"];
    assert_eq!(key["required"], json!(["server_name"]));
    let userinfo = &bundle["paths"]["/userinfo"]["get"];
    assert_eq!(userinfo["parameters"][0]["in"], "query");
    assert_eq!(userinfo["parameters"][1]["schema"]["type"], "string");
    assert_eq!(userinfo["responses"]["200"]["description"], "the later one");
}

#[test]
fn a_schema_ref_to_nothing_is_an_error_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("api.yaml"),
        "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths:\n  /a:\n    get:\n      responses:\n        200: {description: ok, schema: {$ref: \"gone.yaml\"}}\n",
    )
    .unwrap();
    let input = dir.path().to_str().unwrap();
    let out = dir.path().join("out");
    let out = out.to_str().unwrap();
    let (code, stderr) = cli(&["bundle", input, "--out", out]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("cannot open `gone.yaml`: no such file"),
        "{stderr}"
    );
    let (code, stderr) = cli(&["bundle", input, "--out", out, "--allow-missing-refs"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("read as the empty schema"), "{stderr}");
    assert!(stderr.contains("--> api.yaml:7:"), "{stderr}");
}

#[test]
fn check_reports_every_finding_located_as_text_or_json() {
    let args = [
        "check",
        "read/build-quirks/api",
        "--root",
        "read/build-quirks",
    ];
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_matrix-codegen"))
        .args(args)
        .args(["--format", "json"])
        .current_dir(fixture(""))
        .output()
        .unwrap();
    assert!(output.status.success());
    let findings: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = findings.as_array().unwrap();
    // The seven readings of the build, then the body example, which is a PDU
    // and not the `Key` its schema names: a missing required property and two
    // undeclared ones.
    assert_eq!(findings.len(), 10, "{findings:#?}");
    let messages: Vec<&str> = findings[7..]
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(messages[0].ends_with("at `/`: the required property `server_name` is missing"));
    assert!(messages[1].ends_with("at `/event_id`: the schema does not declare this property"));
    for finding in findings {
        assert_eq!(finding["severity"], "warning");
        assert_eq!(finding["file"], "api.yaml");
        assert!(finding["line"].as_u64().unwrap() > 0);
        assert!(finding["pointer"].as_str().unwrap().starts_with("#/"));
    }
    let mut denied: Vec<&str> = args.to_vec();
    denied.push("--deny-warnings");
    let (code, stderr) = cli(&denied);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("10 finding(s), and --deny-warnings was given"),
        "{stderr}"
    );
}
