//! The budget one run may spend on resolving: depth, nodes and time, each a
//! located error when passed, naming the flag that raises it.

use crate::diag::{Diagnostic, Result};
use crate::node::Node;

/// What a run may still spend on resolving (see [`crate::Limits`]).
pub struct Budget {
    max_depth: usize,
    max_nodes: usize,
    nodes: usize,
    max_time: std::time::Duration,
    deadline: std::time::Instant,
}

impl Budget {
    pub fn new(limits: &crate::Limits) -> Self {
        Budget {
            max_depth: limits.max_depth,
            max_nodes: limits.max_nodes,
            nodes: 0,
            max_time: limits.max_time,
            deadline: std::time::Instant::now() + limits.max_time,
        }
    }

    /// Counts one node produced at `depth`; an error, placed at `node`, once a limit is passed.
    pub(super) fn spend(&mut self, depth: usize, node: &Node) -> Result<()> {
        self.nodes += 1;
        let exceeded = if depth > self.max_depth {
            Some(format!(
                "this nests deeper than {} levels, counting the `$ref`s followed to reach it",
                self.max_depth
            ))
        } else if self.nodes > self.max_nodes {
            Some(format!(
                "the spec expands to more than {} nodes, counting every copy a `$ref` makes",
                self.max_nodes
            ))
        } else if self.nodes % 4096 == 0 && std::time::Instant::now() > self.deadline {
            Some(format!(
                "resolving the spec takes longer than {} s",
                self.max_time.as_secs()
            ))
        } else {
            None
        };
        match exceeded {
            None => Ok(()),
            Some(message) => Err(Box::new(Diagnostic::error(message, &node.origin).with_help(
                "raise the limit with `--max-depth`, `--max-nodes` or `--max-seconds` if the spec is meant to be this large",
            ))),
        }
    }
}
