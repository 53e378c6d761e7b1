//! The command line's arguments, as clap reads them.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use matrix_codegen::{Limits, Placeholders, ReadOptions};

/// With no subcommand: regenerate the project's `generated/` crate from `specs/`.
#[derive(Parser)]
#[command(version, about = "Reads the Matrix API spec and emits Rust bindings")]
pub(crate) struct Cli {
    /// Exit with 1 if the output on disk differs from what would be generated.
    #[arg(long, global = true)]
    pub(crate) check: bool,
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Emit a Rust crate (types, server traits, clients) for a spec tree.
    Generate {
        #[command(flatten)]
        spec: SpecArgs,
        /// The crate directory to write.
        #[arg(long, short)]
        out: PathBuf,
        /// The package name of the emitted crate.
        #[arg(long, default_value = "matrix-api")]
        crate_name: String,
        /// Merge several releases into one crate; the input is then the spec's
        /// git repository. Comma-separated: releases (`r0.6.1`), tags, ranges
        /// (`v1.1..v1.19`) and directories read as a release (`v1.19=path/to/tree`).
        #[arg(long, value_name = "SELECTION")]
        releases: Option<String>,
    },
    /// Report every defect of a spec: the reader's warnings, and examples that do
    /// not fit their schemas. Exits with 1 under `--deny-warnings` if there is any.
    Check {
        #[command(flatten)]
        spec: SpecArgs,
        /// `text` for people, `json` for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write each API as one self-contained OpenAPI 3.0 JSON document.
    Bundle {
        #[command(flatten)]
        spec: SpecArgs,
        /// Directory for the `<api>.json` files.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Compare two releases: operations, parameters, fields and statuses
    /// added, removed or changed, each marked breaking or not.
    Diff {
        /// The older release: a spec tree's top (the directory holding `api/` or
        /// `data/api/`), or with `--repo` a release or tag of that repository.
        old: PathBuf,
        /// The newer release, given the same way.
        new: PathBuf,
        /// The spec's git repository, whose tags `OLD` and `NEW` name (`r0.6.1`, `v1.19`).
        #[arg(long)]
        repo: Option<PathBuf>,
        /// `text` for people, `json` for tools.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Read a schema `$ref` to a missing file or pointer as the empty schema, with a warning.
        #[arg(long)]
        allow_missing_refs: bool,
    },
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub(crate) enum Format {
    Text,
    Json,
}

#[derive(Args)]
pub(crate) struct SpecArgs {
    /// A spec directory (all API roots below it) or one API root file.
    pub(crate) input: PathBuf,
    /// Let `$ref`s reach files under this directory (default: the input directory).
    #[arg(long)]
    pub(crate) root: Option<PathBuf>,
    /// Set a `%NAME%` placeholder: `--set CLIENT_MAJOR_VERSION=v3`.
    #[arg(long = "set", value_name = "NAME=VALUE", value_parser = parse_assignment)]
    pub(crate) placeholders: Vec<(String, String)>,
    /// Fail when the spec has warnings.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// Read a schema `$ref` to a missing file or pointer as the empty schema, with a warning.
    #[arg(long)]
    pub(crate) allow_missing_refs: bool,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

/// Budgets against runaway input; the defaults are far above what the published spec needs.
#[derive(Args, Clone)]
pub(crate) struct LimitArgs {
    /// Deepest nesting while resolving, counting `$ref`s followed.
    #[arg(long, value_name = "LEVELS")]
    pub(crate) max_depth: Option<usize>,
    /// Most nodes the resolved spec may hold, counting every copy a `$ref` makes.
    #[arg(long, value_name = "NODES")]
    pub(crate) max_nodes: Option<usize>,
    /// Longest a run may spend resolving.
    #[arg(long, value_name = "SECONDS")]
    pub(crate) max_seconds: Option<u64>,
    /// Largest spec file read.
    #[arg(long, value_name = "BYTES")]
    pub(crate) max_file_bytes: Option<u64>,
}

impl LimitArgs {
    pub(crate) fn limits(&self) -> Limits {
        let default = Limits::default();
        Limits {
            max_depth: self.max_depth.unwrap_or(default.max_depth),
            max_nodes: self.max_nodes.unwrap_or(default.max_nodes),
            max_time: self
                .max_seconds
                .map_or(default.max_time, std::time::Duration::from_secs),
            max_file_bytes: self.max_file_bytes.unwrap_or(default.max_file_bytes),
        }
    }
}

fn parse_assignment(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| format!("expected NAME=VALUE, got `{text}`"))
}

impl SpecArgs {
    pub(crate) fn read_options(&self) -> ReadOptions {
        let mut placeholders = Placeholders::default();
        placeholders.0.extend(self.placeholders.iter().cloned());
        ReadOptions {
            input: self.input.clone(),
            root: self.root.clone(),
            placeholders,
            limits: self.limits.limits(),
            allow_missing_refs: self.allow_missing_refs,
        }
    }
}
