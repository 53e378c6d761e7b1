//! A property test of naming and routing: specs built from random hostile
//! names (keywords, names equal but for case or punctuation, digits first,
//! non-ASCII, the generated code's own names) and random path templates must
//! generate a crate that compiles under `deny(warnings)`, passes clippy, and
//! whose routers start; a template axum cannot route must be a located error.
//!
//! The seed is fixed so CI is repeatable; `MATRIX_PROPTEST_SEED=<n>` tries another.

mod common;

use std::fmt::Write as _;
use std::path::Path;

use common::{cargo_in_generated, scratch};
use matrix_codegen::{emit::CrateOptions, Limits, Placeholders, ReadOptions};

/// splitmix64: small, seedable, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Names that have broken generators: keywords, near-duplicates, digits,
/// punctuation, non-ASCII, and the generated code's own identifiers.
const NAMES: &[&str] = &[
    "self",
    "Self",
    "self_",
    "type",
    "Type",
    "type_",
    "r#type",
    "new",
    "clone",
    "Clone",
    "from",
    "into",
    "default",
    "123",
    "1a",
    "-",
    "_",
    "é",
    "名前",
    "a-b",
    "a_b",
    "aB",
    "AB",
    "a.b",
    "a b",
    "body",
    "query",
    "request",
    "response",
    "service",
    "auth",
    "path",
    "call",
    "router",
    "routes",
    "runtime",
    "types",
    "client",
    "server",
    "metadata",
    "Result",
    "Option",
    "String",
    "Vec",
    "Box",
    "Error",
    "Client",
    "Service",
    "Other",
    "other",
    "Value",
    "extra",
    "inner",
    "with_access_token",
    "access_token",
    "m.room.member",
    "ed25519:0",
    "$ref",
    "%20",
    "{x}",
];

const LITERALS: &[&str] = &[
    "a", "b", "rooms", "v3", "x-y", "a.b", "_matrix", "~", "state",
];

fn quoted(name: &str) -> String {
    serde_json::to_string(name).unwrap()
}

/// A valid path template with 0-3 parameters of hostile names, and their names.
fn template(rng: &mut Rng, n: usize) -> (String, Vec<String>) {
    let mut path = format!("/op{n}");
    let mut params: Vec<String> = Vec::new();
    for _ in 0..rng.below(4) {
        if rng.below(2) == 0 {
            path.push('/');
            path.push_str(rng.pick(LITERALS));
        }
        let name = rng.pick(NAMES);
        // Braces and slashes cannot be inside a template parameter's name.
        let name = name.replace(['{', '}', '/'], "");
        if name.is_empty() || params.contains(&name) {
            continue;
        }
        path.push_str(&format!("/{{{name}}}"));
        params.push(name);
    }
    (path, params)
}

/// `count` distinct names from the pool.
fn distinct(rng: &mut Rng, count: usize) -> std::collections::BTreeSet<&'static str> {
    (0..count).map(|_| rng.pick(NAMES)).collect()
}

/// Ids must be unique in an API as the spec writes them; ids that differ in
/// case or punctuation only are the point.
fn operation(
    rng: &mut Rng,
    n: usize,
    ids: &mut std::collections::BTreeSet<String>,
    out: &mut String,
) {
    let (path, path_params) = template(rng, n);
    let method = rng.pick(&["get", "put", "post", "delete"]);
    let mut id = rng.pick(NAMES).to_owned();
    if !ids.insert(id.clone()) {
        id = format!("{id}{n}");
        ids.insert(id.clone());
    }
    let _ = writeln!(out, "  {}:\n    {method}:", quoted(&path));
    let _ = writeln!(out, "      operationId: {}", quoted(&id));
    let _ = writeln!(out, "      description: {}", quoted(rng.pick(NAMES)));
    let _ = writeln!(out, "      parameters:");
    for name in &path_params {
        let _ = writeln!(
            out,
            "        - {{in: path, name: {}, type: string, required: true}}",
            quoted(name)
        );
    }
    let count = rng.below(4);
    for name in distinct(rng, count) {
        let ty = rng.pick(&["string", "integer", "boolean"]);
        let _ = writeln!(
            out,
            "        - {{in: query, name: {}, type: {ty}}}",
            quoted(name)
        );
    }
    if method != "get" {
        let mut properties = String::new();
        let count = rng.below(5);
        for name in distinct(rng, count) {
            let _ = write!(properties, "{}: {{type: string}}, ", quoted(name));
        }
        let _ = writeln!(out, "        - {{in: body, name: body, schema: {{type: object, properties: {{{properties}}}, additionalProperties: {{type: integer}}}}}}");
    }
    let values: Vec<String> = distinct(rng, 3).into_iter().map(quoted).collect();
    let _ = writeln!(
        out,
        "      responses:\n        200: {{description: ok, schema: {{type: object, properties: {{{}: {{type: string, enum: [{}]}}}}}}}}",
        quoted(rng.pick(NAMES)),
        values.join(", ")
    );
    if rng.below(3) == 0 {
        let _ = writeln!(out, "        202: {{description: accepted}}");
    }
}

const HEAD: &str = "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths:\n";

/// A spec tree: API directories whose names collide as modules, files whose
/// names collide as traits, and random operations in each file.
fn hostile_tree(rng: &mut Rng, dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    let mut n = 0;
    for api in ["x_self", "x_Self", "x-self", "runtime", "123"] {
        let mut ids = std::collections::BTreeSet::from(["getH".to_owned(), "putH".to_owned()]);
        for file in ["a-b", "a_b", "aB"] {
            let mut text = HEAD.to_owned();
            for _ in 0..1 + rng.below(3) {
                operation(rng, n, &mut ids, &mut text);
                n += 1;
            }
            let path = dir.join(api).join(format!("{file}.yaml"));
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
    // One route shape under two spellings, on two methods.
    let shared = "  /h/{x}:\n    get:\n      operationId: getH\n      parameters: [{in: path, name: x, type: string, required: true}]\n      responses: {200: {description: ok}}\n  /h/{zz}:\n    put:\n      operationId: putH\n      parameters: [{in: path, name: zz, type: string, required: true}]\n      responses: {200: {description: ok}}\n";
    std::fs::write(dir.join("x_self/shared.yaml"), format!("{HEAD}{shared}")).unwrap();
    // An API whose operations name no type: its client and server import none.
    let bare = "  /ping:\n    get:\n      operationId: ping\n      responses: {204: {description: none}}\n";
    std::fs::create_dir_all(dir.join("bare")).unwrap();
    std::fs::write(dir.join("bare/api.yaml"), format!("{HEAD}{bare}")).unwrap();
}

fn seed() -> u64 {
    std::env::var("MATRIX_PROPTEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x6d61_7472_6978)
}

fn read(input: &Path) -> Result<matrix_codegen::Spec, String> {
    matrix_codegen::read_spec(&ReadOptions {
        input: input.to_path_buf(),
        root: None,
        placeholders: Placeholders::default(),
        limits: Limits::default(),
        allow_missing_refs: false,
    })
    .map_err(|e| e.to_string())
}

#[test]
fn random_hostile_names_and_paths_make_a_crate_that_compiles_and_starts() {
    let seed = seed();
    let mut rng = Rng(seed);
    let dir = scratch("hostile-names-spec");
    hostile_tree(&mut rng, &dir);
    let spec = read(&dir).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    let options = CrateOptions {
        name: "hostile-names".into(),
        version: "0.0.0".into(),
        source: "hostile".into(),
    };
    let files =
        matrix_codegen::generate(&spec, &options).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    let modules: Vec<&str> = files
        .iter()
        .filter_map(|(path, _)| path.strip_prefix("src/")?.strip_suffix("/mod.rs"))
        .collect();
    assert_eq!(
        modules.len(),
        7,
        "seed {seed}: six API directories and the runtime: {modules:?}"
    );
    // The crate's own test in each server module builds its router.
    cargo_in_generated("hostile-names", &files, &["test", "--quiet"]);
    cargo_in_generated(
        "hostile-names",
        &files,
        &["clippy", "--quiet", "--all-targets", "--", "-D", "warnings"],
    );
}

#[test]
fn random_broken_templates_are_located_errors() {
    let mut rng = Rng(seed());
    let dir = scratch("hostile-templates");
    for case in 0..40 {
        let (mut path, params) = template(&mut rng, case);
        // Break it the ways axum refuses or the client cannot fill.
        let broken = match rng.below(6) {
            0 => format!("{path}/{{p}}.json"),
            1 => format!("{path}/{{f}}{{g}}"),
            2 => format!("{path}/:d"),
            3 => format!("{path}/*rest"),
            4 => format!("{path}/{{open"),
            _ => {
                path.push_str("/{{double}}");
                path
            }
        };
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let mut text = HEAD.to_owned();
        let _ = writeln!(
            text,
            "  {}:\n    get:\n      operationId: op\n      parameters:",
            quoted(&broken)
        );
        for name in &params {
            let _ = writeln!(
                text,
                "        - {{in: path, name: {}, type: string, required: true}}",
                quoted(name)
            );
        }
        let _ = writeln!(text, "      responses: {{200: {{description: ok}}}}");
        std::fs::write(dir.join("api.yaml"), text).unwrap();
        let error = read(&dir)
            .err()
            .unwrap_or_else(|| panic!("`{broken}` was accepted"));
        assert!(error.contains("cannot be routed"), "{broken}: {error}");
        assert!(error.contains("--> api.yaml:"), "{broken}: {error}");
    }
}
