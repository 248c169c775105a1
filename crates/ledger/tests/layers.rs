//! The layer rule of the core, checked on its sources (ARCHITECTURE.md, "Layers"):
//! values → store → access → the Ledger → features → cli / src-tauri, with `crates/formats`
//! beside them. Reads every module of `crates/ledger/src`, collects the `crate::…` and
//! `super::…` paths it uses outside comments and its test module, and
//! - fails when a file under values/, store/ or access/ uses a layer above its own;
//! - prints the dependency cycles between modules (`cargo test -p xinghe-ledger --test layers
//!   -- --nocapture`, or `bash tests/layers.sh`) and fails when one runs through values/, store/,
//!   access/ or the Ledger's own file: the only cycles left are inside the domain;
//! - fails when xinghe-formats depends on rusqlite or the core on clap.
//!
//! Written by hand (no parser crate): module paths in Rust sources are regular enough, and the
//! test must stay readable by anyone who wonders why it failed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const SRC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src");

/// The layers from the bottom; a module may use its own layer and those below it.
const LAYERS: &[(&str, &[&str])] = &[
    ("values", &["values", "error"]),
    ("store", &["values", "error", "store"]),
    ("access", &["values", "error", "store", "access"]),
];

/// Every module of the crate: its path (`register::residents`) and its source file.
fn modules() -> BTreeMap<String, PathBuf> {
    fn walk(dir: &Path, prefix: &[String], out: &mut BTreeMap<String, PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            if path.is_dir() {
                let mut inner = prefix.to_vec();
                inner.push(name);
                walk(&path, &inner, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let mut module = prefix.to_vec();
                if name != "mod" && name != "lib" {
                    module.push(name);
                }
                out.insert(module.join("::"), path);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(Path::new(SRC), &[], &mut out);
    out
}

/// The source without comments, string literals and the unit-test module.
fn code_of(source: &str) -> String {
    let source = match source.find("#[cfg(test)]\nmod tests") {
        Some(at) => &source[..at],
        None => source,
    };
    let mut code = String::with_capacity(source.len());
    for line in source.lines() {
        let line = line.trim_start();
        if line.starts_with("//") {
            continue;
        }
        let mut kept = String::new();
        let mut in_string = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '"' => in_string = !in_string,
                '\\' if in_string => {
                    chars.next();
                }
                '/' if !in_string && chars.peek() == Some(&'/') => break,
                _ if !in_string => kept.push(c),
                _ => {}
            }
        }
        code.push_str(&kept);
        code.push('\n');
    }
    code
}

/// The modules `module` uses: the longest known module path each `crate::`/`super::` path names.
fn uses(module: &str, code: &str, known: &BTreeMap<String, PathBuf>) -> BTreeSet<String> {
    let is_mod_rs = known.get(module).is_some_and(|p| p.file_name().is_some_and(|n| n == "mod.rs"));
    let mut parent: Vec<&str> = if module.is_empty() { vec![] } else { module.split("::").collect() };
    if !is_mod_rs {
        parent.pop();
    }
    let mut found = BTreeSet::new();
    let bytes = code.as_bytes();
    for (start, root) in [("crate::", None), ("super::", Some(parent.clone()))] {
        let mut from = 0;
        while let Some(at) = code[from..].find(start) {
            let at = from + at;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_' || bytes[at - 1] == b':') {
                continue;
            }
            let rest: String =
                code[from..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == ':').collect();
            let mut path: Vec<String> = root.clone().unwrap_or_default().iter().map(|s| s.to_string()).collect();
            path.extend(rest.split("::").filter(|s| !s.is_empty()).map(str::to_string));
            while !path.is_empty() {
                let candidate = path.join("::");
                if known.contains_key(&candidate) {
                    if candidate != module {
                        found.insert(candidate);
                    }
                    break;
                }
                path.pop();
            }
        }
    }
    // `Ledger` named without a path (imported with `use crate::ledger::Ledger` is caught above,
    // but a re-export from the crate root is not).
    if code.contains("crate::Ledger") {
        found.insert("ledger".into());
    }
    found
}

/// The room a module belongs to in the cycle report: a file of values/, store/, access/,
/// register/ or safety/ is a room of its own; a feature folder (activities/, hours/, …) is one.
fn room(module: &str) -> String {
    let parts: Vec<&str> = module.split("::").collect();
    match parts.as_slice() {
        [layer, file, ..] if ["values", "store", "access", "register", "safety"].contains(layer) => {
            format!("{layer}::{file}")
        }
        [first, ..] => first.to_string(),
        [] => String::new(),
    }
}

fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let known = modules();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (module, path) in &known {
        if module.is_empty() {
            continue; // lib.rs only declares the modules
        }
        let code = code_of(&std::fs::read_to_string(path).unwrap());
        let from = room(module);
        let entry = graph.entry(from.clone()).or_default();
        for used in uses(module, &code, &known) {
            let to = room(&used);
            if to != from && !to.is_empty() {
                entry.insert(to);
            }
        }
    }
    graph
}

/// Strongly connected components with more than one room (Tarjan's algorithm).
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    struct Walk<'g> {
        graph: &'g BTreeMap<String, BTreeSet<String>>,
        index: BTreeMap<&'g str, usize>,
        low: BTreeMap<&'g str, usize>,
        stack: Vec<&'g str>,
        on_stack: BTreeSet<&'g str>,
        found: Vec<Vec<String>>,
    }
    impl<'g> Walk<'g> {
        fn visit(&mut self, node: &'g str) {
            let n = self.index.len();
            self.index.insert(node, n);
            self.low.insert(node, n);
            self.stack.push(node);
            self.on_stack.insert(node);
            for next in self.graph.get(node).into_iter().flatten() {
                let next = next.as_str();
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(top) = self.stack.pop() {
                    self.on_stack.remove(top);
                    component.push(top.to_string());
                    if top == node {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.found.push(component);
                }
            }
        }
    }
    let mut walk = Walk {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: vec![],
        on_stack: BTreeSet::new(),
        found: vec![],
    };
    for node in graph.keys() {
        if !walk.index.contains_key(node.as_str()) {
            walk.visit(node);
        }
    }
    walk.found
}

#[test]
fn values_store_and_access_use_only_the_layers_below_them() {
    let known = modules();
    let mut wrong = Vec::new();
    for (module, path) in &known {
        let Some((_, allowed)) = LAYERS.iter().find(|(layer, _)| module.split("::").next() == Some(layer)) else {
            continue;
        };
        let code = code_of(&std::fs::read_to_string(path).unwrap());
        for used in uses(module, &code, &known) {
            let top = used.split("::").next().unwrap_or_default();
            if !allowed.contains(&top) {
                wrong.push(format!("{} uses {used}", path.strip_prefix(SRC).unwrap().display()));
            }
        }
        if code.contains("Ledger") {
            wrong.push(format!("{} names Ledger", path.strip_prefix(SRC).unwrap().display()));
        }
    }
    assert!(wrong.is_empty(), "layer rule broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_only_cycles_are_inside_the_domain() {
    let graph = graph();
    let found = cycles(&graph);
    println!("module dependency cycles of crates/ledger/src ({}):", found.len());
    for component in &found {
        println!("  {}", component.join(" ↔ "));
    }
    let below_the_domain = |room: &String| {
        ["values", "store", "access"].contains(&room.split("::").next().unwrap_or_default())
            || room == "ledger"
            || room == "error"
    };
    let through: Vec<_> = found.iter().filter(|c| c.iter().any(below_the_domain)).collect();
    assert!(through.is_empty(), "cycles through the lower layers or the Ledger's own file: {through:?}");
}

#[test]
fn formats_has_no_database_and_the_core_no_command_line() {
    let manifest = |crate_dir: &str| {
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(crate_dir).join("Cargo.toml"))
            .unwrap()
    };
    let depends_on = |toml: &str, name: &str| {
        toml.lines().any(|l| {
            l.trim_start().starts_with(&format!("{name} "))
                || l.trim_start().starts_with(&format!("{name}."))
                || l.trim_start().starts_with(&format!("{name}="))
        })
    };
    assert!(!depends_on(&manifest("formats"), "rusqlite"), "crates/formats must not depend on rusqlite");
    assert!(!depends_on(&manifest("ledger"), "clap"), "crates/ledger must not depend on clap");
}
