//! Hostile names, path templates and texts, and small synthetic specs built
//! from them: the inputs that reach the naming and emitting phases, which
//! blind byte damage rarely gets past the parser.

use crate::case::{Case, Entry};
use crate::rng::Rng;
use crate::text::quote;

/// Names that are not Rust identifiers, are keywords, or collide with each
/// other once converted to snake_case or CamelCase.
pub const HOSTILE_NAMES: &[&str] = &[
    "123", "-", "é", "new", "self", "Self", "super", "crate", "type", "r#type", "_", "__", "",
    " ", "a b", "getFoo", "get_foo", "GetFoo", "get-foo", "GET_FOO", "get.foo", "getFoo2",
    "🦀", "ǅ", "Ünïcødé", "ß", "ﬁ", "İ", "\u{200b}", "async", "await", "dyn", "fn", "impl",
    "mod", "Result", "Option", "String", "Box", "Vec", "std", "core", "Client", "router",
    "default", "{{%}}", "%CLIENT_MAJOR_VERSION%", "%", "0", "1a", "_1", "r#", "'", "\"", "\\",
    "a/b", "a::b", "a\u{0}b",
    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
];

pub const HOSTILE_PATHS: &[&str] = &[
    "/o/{p}.json",
    "/e/{f}{g}",
    "/c/:d",
    "/i/*",
    "/x/{",
    "/x/}",
    "/{{r}}",
    "/h/{x}",
    "/h/{y}",
    "/h/{x}/",
    "/",
    "",
    "//",
    "/a b",
    "/é/{é}",
    "/r/{roomId}/{roomId}",
    "/p/{ }",
    "/p/{}",
    "/q?x=1",
    "/f#frag",
    "/%2F",
    "/u/{undeclared}",
    "/v/{x:.*}",
    "/w/{123}",
    "/s/{self}",
    "/t/{type}",
    "/%CLIENT_MAJOR_VERSION%/{x}",
    "/%UNKNOWN%/a",
    "/k/{a-b}/{a_b}",
    "/n/\u{0}",
    "no-slash",
    "/d/..",
    "/../../etc",
    "/m/{x}\\{y}",
];

pub const HOSTILE_TEXTS: &[&str] = &[
    "{{%}}",
    "{%}",
    "%",
    "}}{{",
    "{{",
    "{}",
    "%s %d %n",
    "*/ fn evil() {} /*",
    "/* open",
    "#[doc = \"x\"]",
    "\"#",
    "r#\"",
    "```",
    "`",
    "```rust\nfn main() { panic!() }\n",
    "\r\nline\rbreaks",
    "\ttab",
    "\u{0}",
    "\u{202e}rtl",
    "<script>",
    "[x](javascript:0)",
    "%CLIENT_MAJOR_VERSION%",
    "%UNKNOWN%",
    "\\",
    "\\u{0}",
    "é%",
    "%é",
    "",
    " ",
    "--> fake.yaml:1:1 at #/",
    "panicked at fake",
];

/// One of `list`, by value: `rng.pick` gives a `&&str`, which does not infer
/// where a `&str` argument is expected.
fn one(rng: &mut Rng, list: &[&'static str]) -> &'static str {
    list[rng.below(list.len())]
}

const METHODS: &[&str] = &["get", "put", "post", "delete", "patch", "head", "options"];

/// Directory and file names that collide after case or punctuation folding.
pub const HOSTILE_FILE_NAMES: &[&str] = &[
    "a-b.yaml",
    "a_b.yaml",
    "aB.yaml",
    "AB.yaml",
    "a.b.yaml",
    "123.yaml",
    "self.yaml",
    "é.yaml",
    "mod.yaml",
    "lib.yaml",
    ".yaml",
    "a b.yaml",
    "-.yaml",
    "new.yaml",
    "🦀.yaml",
    "types.yaml",
    "client.yaml",
    "server.yaml",
    "metadata.yaml",
    "runtime.yaml",
    "A-B.json",
];

/// A fresh case made of one to three synthetic API roots with hostile names.
pub fn synthetic(rng: &mut Rng, secret: String) -> Case {
    let mut case = Case::new(secret);
    let apis = 1 + rng.below(3);
    for _ in 0..apis {
        let dir = rng
            .pick(HOSTILE_FILE_NAMES)
            .trim_end_matches(".yaml")
            .trim_end_matches(".json");
        let file = *rng.pick(HOSTILE_FILE_NAMES);
        let text = if rng.one_in(2) {
            swagger(rng)
        } else {
            openapi31(rng)
        };
        let path = if rng.one_in(2) {
            file.to_owned()
        } else {
            format!("{dir}/{file}")
        };
        case.files.insert(path, Entry::File(text.into_bytes()));
    }
    case.input = String::new();
    case.labels.push(format!("synthetic: {apis} API root(s)"));
    case
}

/// Operations: (path template, method, operationId, description).
fn operations(rng: &mut Rng) -> Vec<(String, String, String, String)> {
    let count = 1 + rng.below(4);
    let mut ops = Vec::new();
    for n in 0..count {
        let path = if rng.one_in(3) {
            format!("/ok{n}/{{x}}")
        } else {
            rng.pick(HOSTILE_PATHS).to_string()
        };
        let id = if rng.one_in(4) {
            format!("op{n}")
        } else {
            rng.pick(HOSTILE_NAMES).to_string()
        };
        let method = rng.pick(METHODS).to_string();
        ops.push((path, method, id, rng.pick(HOSTILE_TEXTS).to_string()));
    }
    ops
}

/// The `{names}` of a template, which the operation declares as path parameters.
fn template_names(path: &str) -> Vec<String> {
    path.split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// A schema with hostile type and property names, in the form `defs` expects.
fn schema_block(rng: &mut Rng, indent: &str) -> String {
    let mut out = format!(
        "{indent}type: object\n{indent}description: {}\n{indent}properties:\n",
        quote(one(rng, HOSTILE_TEXTS))
    );
    for _ in 0..1 + rng.below(4) {
        let kind = *rng.pick(&["string", "integer", "boolean", "object", "array", "null"]);
        let extra = if kind == "array" {
            ", items: {type: string}"
        } else {
            ""
        };
        out.push_str(&format!(
            "{indent}  {}: {{type: {kind}{extra}}}\n",
            quote(one(rng, HOSTILE_NAMES))
        ));
    }
    out
}

fn swagger(rng: &mut Rng) -> String {
    let mut out = String::from("swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\npaths:\n");
    let def = rng.pick(HOSTILE_NAMES).to_string();
    for (path, method, id, description) in operations(rng) {
        out.push_str(&format!(
            "  {}:\n    {method}:\n      operationId: {}\n      description: {}\n",
            quote(&path),
            quote(&id),
            quote(&description)
        ));
        out.push_str("      parameters:\n");
        for name in template_names(&path) {
            out.push_str(&format!(
                "        - {{in: path, name: {}, required: true, type: string}}\n",
                quote(&name)
            ));
        }
        out.push_str(&format!(
            "        - {{in: query, name: {}, type: string}}\n",
            quote(one(rng, HOSTILE_NAMES))
        ));
        out.push_str(&format!("      responses:\n        200:\n          description: ok\n          schema: {{$ref: {}}}\n", quote(&format!("#/definitions/{def}"))));
    }
    out.push_str(&format!("definitions:\n  {}:\n", quote(&def)));
    out.push_str(&schema_block(rng, "    "));
    out
}

fn openapi31(rng: &mut Rng) -> String {
    let mut out = String::from("openapi: 3.1.0\ninfo: {title: t, version: \"1\"}\npaths:\n");
    let def = rng.pick(HOSTILE_NAMES).to_string();
    for (path, method, id, description) in operations(rng) {
        out.push_str(&format!(
            "  {}:\n    {method}:\n      operationId: {}\n      summary: {}\n",
            quote(&path),
            quote(&id),
            quote(&description)
        ));
        out.push_str("      parameters:\n");
        for name in template_names(&path) {
            out.push_str(&format!(
                "        - {{in: path, name: {}, required: true, schema: {{type: string}}}}\n",
                quote(&name)
            ));
        }
        out.push_str("      requestBody:\n        content:\n          application/json:\n            schema:\n");
        out.push_str(&schema_block(rng, "              "));
        out.push_str(&format!("      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: {}}}\n", quote(&format!("#/components/schemas/{def}"))));
    }
    out.push_str(&format!("components:\n  schemas:\n    {}:\n", quote(&def)));
    out.push_str(&schema_block(rng, "      "));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_declare_their_names() {
        assert_eq!(template_names("/e/{f}{g}"), vec!["f", "g"]);
        assert_eq!(template_names("/x/{"), Vec::<String>::new());
    }

    #[test]
    fn synthetic_cases_hold_api_roots_with_hostile_names() {
        let mut hostile_seen = false;
        for seed in 0..10 {
            let case = synthetic(&mut Rng::new(seed), "canaryx".into());
            assert!(!case.files.is_empty());
            for entry in case.files.values() {
                let Entry::File(bytes) = entry else {
                    panic!("only files")
                };
                let text = String::from_utf8_lossy(bytes);
                assert!(text.starts_with("swagger:") || text.starts_with("openapi:"));
                hostile_seen |= HOSTILE_NAMES
                    .iter()
                    .any(|n| n.len() > 1 && text.contains(&quote(n)));
            }
        }
        assert!(hostile_seen);
    }
}
