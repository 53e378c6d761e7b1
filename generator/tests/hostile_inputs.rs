//! Inputs nobody writes on purpose, each kept as a regression case: the CLI
//! ends with a located error or a sound crate, never a panic, a hang, a read
//! outside the root, or output that silently misses part of the spec.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const HEAD: &str = "swagger: \"2.0\"\ninfo: {title: t, version: \"1\"}\n";
const SECRET: &str = "TOPSECRET-do-not-print";

/// A fresh tree: `root/` is the allowed root, and beside it sits a file with a
/// secret that no run may print.
struct Tree {
    _dir: tempfile::TempDir,
    base: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(base.join("root")).unwrap();
        std::fs::write(
            base.join("outside.yaml"),
            format!("{HEAD}paths: {{/s: {{get: {{operationId: s, description: {SECRET}, responses: {{200: {{description: ok}}}}}}}}}}\nx: \"{SECRET}\n"),
        )
        .unwrap();
        Tree { _dir: dir, base }
    }

    fn root(&self) -> PathBuf {
        self.base.join("root")
    }

    fn write(&self, name: &str, text: &str) -> &Tree {
        let path = self.root().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn link(&self, name: &str, target: &Path) -> &Tree {
        std::os::unix::fs::symlink(target, self.root().join(name)).unwrap();
        self
    }

    /// Generates from `root/` into `out/`, which holds an earlier good output.
    fn generate(&self, extra: &[&str]) -> Run {
        let out = self.base.join("out");
        if !out.exists() {
            std::fs::create_dir_all(&out).unwrap();
            std::fs::write(out.join(".matrix-codegen"), "").unwrap();
            std::fs::write(out.join("kept.txt"), "earlier output").unwrap();
        }
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_matrix-codegen"))
            .arg("generate")
            .arg(self.root())
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .expect("the CLI runs");
        let run = Run {
            code: output.status.code(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            elapsed: started.elapsed(),
            out,
        };
        assert!(
            !run.stderr.contains(SECRET),
            "a secret leaked:\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("panicked"), "panic:\n{}", run.stderr);
        assert!(
            run.elapsed < Duration::from_secs(20),
            "took {:?}",
            run.elapsed
        );
        run
    }
}

struct Run {
    code: Option<i32>,
    stderr: String,
    elapsed: Duration,
    out: PathBuf,
}

impl Run {
    /// Exit 1, a location, and the earlier output untouched.
    fn located_error(&self, says: &str) -> &Run {
        assert_eq!(self.code, Some(1), "{}", self.stderr);
        assert!(
            self.stderr.contains(says),
            "expected `{says}` in:\n{}",
            self.stderr
        );
        assert!(
            self.stderr.contains("  --> "),
            "no location:\n{}",
            self.stderr
        );
        let kept = std::fs::read_to_string(self.out.join("kept.txt")).unwrap();
        assert_eq!(kept, "earlier output", "a failed run touched the output");
        self
    }

    fn success(&self) -> String {
        assert_eq!(self.code, Some(0), "{}", self.stderr);
        let mut text = String::new();
        for entry in walkdir::WalkDir::new(&self.out).into_iter().flatten() {
            text.push_str(&std::fs::read_to_string(entry.path()).unwrap_or_default());
        }
        assert!(!text.contains(SECRET), "a secret reached the output");
        text
    }
}

fn operation(id: &str, path: &str, extra: &str) -> String {
    format!("{HEAD}paths:\n  \"{path}\":\n    get:\n      operationId: \"{id}\"\n{extra}      responses: {{200: {{description: ok}}}}\n")
}

#[test]
fn discovery_does_not_follow_links_out_of_the_root() {
    let tree = Tree::new();
    tree.write("api.yaml", &operation("a", "/a", ""))
        .link("evil.yaml", &tree.base.join("outside.yaml"))
        .link("proc", Path::new("/proc"));
    let run = tree.generate(&[]);
    let output = run.success();
    assert!(run
        .stderr
        .contains("`evil.yaml` is a link that leaves the allowed root"));
    assert!(run
        .stderr
        .contains("`proc` is a link that leaves the allowed root"));
    assert!(
        !output.contains("fn s("),
        "the outside operation was generated"
    );
}

#[test]
fn a_ref_out_of_the_root_reads_the_same_whether_or_not_the_target_exists() {
    let messages: Vec<String> = ["../outside.yaml", "../absent.yaml"]
        .iter()
        .map(|target| {
            let tree = Tree::new();
            let extra = format!("      parameters: [{{$ref: \"{target}\"}}]\n");
            tree.write("api.yaml", &operation("a", "/a", &extra));
            let run = tree.generate(&[]);
            run.located_error("leaves the allowed root");
            run.stderr.replace(target, "TARGET")
        })
        .collect();
    assert_eq!(messages[0], messages[1]);
}

#[test]
fn special_and_unreadable_files_are_errors_not_skipped() {
    let tree = Tree::new();
    let extra = "      parameters: [{$ref: \"pipe.yaml\"}]\n";
    tree.write("api.yaml", &operation("a", "/a", extra));
    let fifo = tree.root().join("pipe.yaml");
    assert!(Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    tree.generate(&[])
        .located_error("it is a FIFO, not a regular file");

    let tree = Tree::new();
    tree.write("api.yaml", &operation("a", "/a", ""));
    std::fs::write(tree.root().join("b.yaml"), b"swagger: \"2.0\"\n\xff\n").unwrap();
    tree.generate(&[])
        .located_error("`b.yaml`: it is not UTF-8 text (byte 15)");

    let tree = Tree::new();
    tree.write("api.yaml", &operation("a", "/a", ""))
        .link("gone.yaml", Path::new("nowhere.yaml"));
    tree.generate(&[])
        .located_error("cannot read `gone.yaml`: no such file");
}

#[test]
fn names_and_text_that_used_to_panic() {
    for (id, path, extra) in [
        ("123", "/a", ""),
        ("-", "/a", ""),
        ("é", "/a", ""),
        ("a", "/a", "      description: \"{{%}}\"\n"),
        ("a", "/a", "      description: \"x\\n{{%}}\\n{{% %}}\"\n"),
    ] {
        let tree = Tree::new();
        tree.write("api.yaml", &operation(id, path, extra));
        tree.generate(&[]).success();
    }
    let tree = Tree::new();
    let extra = "      parameters: [{$ref: \"#/x/%xé\"}]\n";
    tree.write("api.yaml", &operation("a", "/a", extra));
    tree.generate(&[]).located_error("does not exist");
}

fn chain(definitions: impl Iterator<Item = usize>) -> String {
    let mut text = format!("{HEAD}paths:\n  /a:\n    get:\n      operationId: a\n      responses: {{200: {{description: ok, schema: {{$ref: \"#/definitions/D0\"}}}}}}\ndefinitions:\n  D3000: {{type: object}}\n");
    for i in definitions {
        let next = i + 1;
        text.push_str(&format!("  D{i}:\n    allOf: [{{$ref: \"#/definitions/D{next}\"}}]\n    properties: {{p{i}: {{type: string}}}}\n"));
    }
    text
}

#[test]
fn long_chains_end_in_a_located_error_or_a_crate_never_a_stack_overflow() {
    let tree = Tree::new();
    tree.write("api.yaml", &chain(0..3000));
    tree.generate(&[])
        .located_error("nests deeper than 128 levels");
    // Declared bottom up, each ref is already resolved when met: no deep recursion.
    let tree = Tree::new();
    tree.write("api.yaml", &chain((0..3000).rev()));
    tree.generate(&[]).success();

    let tree = Tree::new();
    let extra = "      x-example: {$ref: \"e0.json\"}\n";
    tree.write("api.yaml", &operation("a", "/a", extra));
    for i in 0..1000 {
        tree.write(
            &format!("e{i}.json"),
            &format!("{{\"v\": {{\"$ref\": \"e{}.json\"}}}}", i + 1),
        );
    }
    tree.write("e1000.json", "{}");
    tree.generate(&[])
        .located_error("nests deeper than 128 levels");
    tree.generate(&["--max-depth", "4000"]).success();
}

#[test]
fn expansion_is_bounded_by_a_node_budget() {
    let tree = Tree::new();
    let mut text = operation("a", "/a", "      x-example: {$ref: \"#/x-levels/l0\"}\n");
    text.push_str("x-levels:\n");
    for i in 0..40 {
        let next = i + 1;
        text.push_str(&format!("  l{i}: {{a: {{$ref: \"#/x-levels/l{next}\"}}, b: {{$ref: \"#/x-levels/l{next}\"}}}}\n"));
    }
    text.push_str("  l40: {leaf: 1}\n");
    tree.write("api.yaml", &text);
    tree.generate(&["--max-nodes", "100000"])
        .located_error("expands to more than 100000 nodes");

    // YAML aliases multiply inside one file; the parser's own budget stops them.
    let tree = Tree::new();
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (name, previous) in [("b", "a"), ("c", "b"), ("d", "c"), ("e", "d"), ("f", "e")] {
        let items = vec![format!("*{previous}"); 10].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{items}]\n"));
    }
    tree.write("bomb.yaml", &bomb);
    let extra = "      x-example: {$ref: \"bomb.yaml\"}\n";
    tree.write("api.yaml", &operation("a", "/a", extra));
    tree.generate(&[]).located_error("budget breached");
}

#[test]
fn errors_without_a_line_still_name_their_place() {
    let tree = Tree::new();
    tree.write("api.yaml", &format!("{HEAD}paths: {{}}\n"));
    tree.generate(&[]).located_error("declares no operations");
}

#[test]
fn long_source_lines_are_clipped_around_the_column() {
    let tree = Tree::new();
    let padding = "x".repeat(20_000);
    let text = format!("{{\"swagger\": \"2.0\", \"info\": {{\"title\": \"{padding}\", \"version\": \"1\"}}, \"paths\": {{\"/a\": {{\"get\": {{\"operationId\": \"a\", \"parameters\": [{{\"$ref\": \"#/nowhere\"}}], \"responses\": {{\"200\": {{\"description\": \"ok\"}}}}}}}}}}, \"tail\": \"{padding}\"}}");
    tree.write("api.json", &text);
    let run = tree.generate(&[]);
    run.located_error("does not exist");
    let longest = run.stderr.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 300, "a line of {longest} characters was printed");
}

#[test]
fn path_templates_axum_cannot_route_are_located_errors() {
    for path in [
        "/o/{p}.json",
        "/e/{f}{g}",
        "/c/:d",
        "/i/*",
        "/x/{y",
        "/r/{{r}}",
    ] {
        let tree = Tree::new();
        tree.write("api.yaml", &operation("a", path, ""));
        tree.generate(&[]).located_error("cannot be routed");
    }
    let tree = Tree::new();
    tree.write("api.yaml", &operation("a", "/h/{x}", ""));
    tree.generate(&[])
        .located_error("has a parameter `{x}` that the operation does not declare");
}

#[test]
fn a_declared_path_parameter_missing_from_the_path_is_read_as_a_query_parameter() {
    let tree = Tree::new();
    let extra =
        "      parameters: [{in: path, name: access_token, type: string, required: true}]\n";
    tree.write("api.yaml", &operation("userinfo", "/userinfo", extra));
    let run = tree.generate(&[]);
    run.success();
    assert!(run
        .stderr
        .contains("path parameter `access_token` is not in the path `/userinfo`"));
    let client = std::fs::read_to_string(run.out.join("src/root/client.rs")).unwrap();
    assert!(client.contains("\"/userinfo\".to_owned()"), "{client}");
}

/// A file that is not an API root counts only once a `$ref` reaches it:
/// broken or odd files nobody names change nothing (whatever reads them
/// early, to save time), and one that is named is reported where it is.
#[test]
fn files_count_only_where_a_ref_reaches_them() {
    let named = "      parameters:\n        - {in: body, name: b, schema: {$ref: \"schemas/named.yaml\"}}\n";
    let tree = Tree::new();
    tree.write("api.yaml", &operation("s", "/s", named))
        .write(
            "schemas/named.yaml",
            "type: object\nproperties: {a: {type: string}}\n",
        )
        .write(
            "schemas/unnamed.yaml",
            "type: object\ntype: string\nx: [unclosed\n",
        )
        .write("schemas/repeated.yaml", "type: object\ntype: string\n");
    let run = tree.generate(&[]);
    assert!(run.success().contains("pub a:"), "{}", run.stderr);
    assert!(
        !run.stderr.contains("unnamed.yaml") && !run.stderr.contains("repeated.yaml"),
        "a file no `$ref` reaches was reported:\n{}",
        run.stderr
    );

    tree.write("schemas/named.yaml", "type: object\ntype: string\n");
    let run = tree.generate(&[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(
        run.stderr.contains("schemas/named.yaml:2:1") && run.stderr.contains("repeated"),
        "the repeated key of the named file is not reported at its place:\n{}",
        run.stderr
    );

    // A fresh tree, whose earlier output the failed run must leave as it was.
    let tree = Tree::new();
    tree.write("api.yaml", &operation("s", "/s", named)).write(
        "schemas/named.yaml",
        "type: object\nproperties: [unclosed\n",
    );
    let run = tree.generate(&[]);
    run.located_error("cannot parse this file");
    assert!(run.stderr.contains("schemas/named.yaml:"), "{}", run.stderr);
}
