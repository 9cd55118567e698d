//! `racewise server` driven by a scripted client over Content-Length framed JSON-RPC, as an
//! editor would: unsaved buffers, edits, a code action applied, a broken config, garbage.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use racewise::server::path_to_uri;
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    rx: Receiver<Value>,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_racewise"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn racewise server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            loop {
                let mut len = None;
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        len = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; len.expect("Content-Length from the server")];
                r.read_exact(&mut body).expect("frame body");
                let v: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                if tx.send(v).is_err() {
                    return;
                }
            }
        });
        Client { child, stdin, rx }
    }

    fn raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write to server");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, msg: Value) {
        let mut msg = msg;
        msg["jsonrpc"] = json!("2.0");
        let text = msg.to_string();
        self.raw(format!("Content-Length: {}\r\n\r\n{text}", text.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"method": method, "params": params}));
    }

    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({"id": id, "method": method, "params": params}));
        self.wait(|m| m["id"] == json!(id))
    }

    /// The next message `pick` accepts; the ones before it are dropped.
    fn wait(&mut self, pick: impl Fn(&Value) -> bool) -> Value {
        loop {
            let m = self
                .rx
                .recv_timeout(TIMEOUT)
                .expect("the server answered in time");
            if pick(&m) {
                return m;
            }
        }
    }

    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let m = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
}

fn project(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("racewise-lsp-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).expect("mkdir");
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"svc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\ntokio = { version = \"1\", features = [\"full\"] }\n",
    )
    .expect("write manifest");
    std::fs::canonicalize(&dir).expect("canonical dir")
}

const CLEAN: &str = "use std::time::Duration;\n\npub async fn handler() {\n    tokio::time::sleep(Duration::from_millis(10)).await;\n}\n";
const HAZARD: &str = "use std::time::Duration;\n\npub async fn handler() {\n    std::thread::sleep(Duration::from_millis(10));\n}\n";

fn codes(diags: &[Value]) -> Vec<String> {
    diags
        .iter()
        .map(|d| d["code"].as_str().unwrap_or("?").to_string())
        .collect()
}

fn change(c: &mut Client, uri: &str, version: i32, text: &str) {
    c.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
    );
}

/// Apply the edits of a WorkspaceEdit's `changes` (ASCII text: LSP characters are bytes here),
/// last first so earlier positions stay valid.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().expect("line") as usize;
        let character = p["character"].as_u64().expect("character") as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + character
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            let new = e["newText"].as_str().expect("newText").to_string();
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                new,
            )
        })
        .collect();
    spans.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut out = text.to_string();
    for (start, end, new) in spans {
        out.replace_range(start..end, &new);
    }
    out
}

#[test]
fn scripted_editor_session() {
    let dir = project("session");
    // On disk the file is clean: every finding below comes from the unsaved buffer.
    let file = dir.join("src/lib.rs");
    std::fs::write(&file, CLEAN).expect("write lib.rs");
    let uri = path_to_uri(&file);
    let mut c = Client::start();

    let init = c.request(
        1,
        "initialize",
        json!({"processId": null, "rootUri": path_to_uri(&dir), "capabilities": {}}),
    );
    assert!(init["result"]["capabilities"]["codeActionProvider"] == json!(true));
    c.notify("initialized", json!({}));

    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rust", "version": 1, "text": HAZARD}}),
    );
    let diags = c.diagnostics(&uri);
    assert_eq!(codes(&diags), ["blocking_sleep_in_async"]);
    let d = &diags[0];
    assert_eq!(d["severity"], 1, "high is an error");
    assert_eq!(d["source"], "racewise");
    assert_eq!(d["range"]["start"], json!({"line": 3, "character": 4}));
    assert!(d["codeDescription"]["href"].as_str().is_some());

    let hover = c.request(
        2,
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 6}}),
    );
    let shown = hover["result"]["contents"]["value"].as_str().unwrap_or("");
    assert!(shown.contains("blocking_sleep_in_async") && shown.contains("Why is this bad"));

    change(&mut c, &uri, 2, CLEAN);
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    change(&mut c, &uri, 3, HAZARD);
    let diags = c.diagnostics(&uri);
    assert_eq!(codes(&diags), ["blocking_sleep_in_async"]);

    let actions = c.request(
        3,
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": diags[0]["range"],
            "context": {"diagnostics": diags},
        }),
    );
    let titled = |prefix: &str| {
        actions["result"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|a| a["title"].as_str().is_some_and(|t| t.starts_with(prefix)))
            .cloned()
            .unwrap_or_else(|| panic!("no `{prefix}` action in {actions}"))
    };
    // The finding's unsafe fix (the crate has tokio `full`), offered but not preferred.
    let fix = titled("Fix (unsafe");
    assert_eq!(fix["isPreferred"], false);
    let fix_edits = fix["edit"]["changes"][&uri]
        .as_array()
        .cloned()
        .expect("fix edits for the file");
    let fixed = apply(HAZARD, &fix_edits);
    assert!(
        fixed.contains("    tokio::time::sleep(Duration::from_millis(10)).await;"),
        "{fixed}"
    );
    let action = titled("Suppress");
    assert_eq!(action["kind"], "quickfix");
    let edits = action["edit"]["changes"][&uri]
        .as_array()
        .cloned()
        .expect("edits for the file");
    let suppressed = apply(HAZARD, &edits);
    assert!(
        suppressed.contains(
            "    // racewise: allow(blocking_sleep_in_async) -- \n    std::thread::sleep"
        ),
        "{suppressed}"
    );
    change(&mut c, &uri, 4, &suppressed);
    // The finding is suppressed; the comment still asks for its reason.
    assert_eq!(codes(&c.diagnostics(&uri)), ["unused_suppression"]);
    let reasoned = suppressed.replace("-- \n", "-- startup only, before the runtime serves\n");
    change(&mut c, &uri, 5, &reasoned);
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    // Not JSON: a ParseError with a null id, and the server goes on.
    c.raw(b"Content-Length: 9\r\n\r\nnot json!");
    let err = c.wait(|m| m.get("error").is_some());
    assert_eq!(err["error"]["code"], -32700);
    assert_eq!(err["id"], Value::Null);
    // A header line that is no header.
    c.raw(b"this is not a header\r\n\r\n");
    let err = c.wait(|m| m.get("error").is_some());
    assert_eq!(err["error"]["code"], -32700);
    let unknown = c.request(7, "racewise/noSuchMethod", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    let bad_params = c.request(8, "textDocument/codeAction", json!({"nope": 1}));
    assert_eq!(bad_params["error"]["code"], -32602);

    // A broken config is one diagnostic on that file; fixing it clears it.
    let config = dir.join("racewise.toml");
    let config_uri = path_to_uri(&config);
    std::fs::write(&config, "[rules.no_such_rule]\nenabled = false\n").expect("write config");
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    let diags = c.diagnostics(&config_uri);
    assert_eq!(diags.len(), 1, "{diags:?}");
    assert!(
        diags[0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("no_such_rule")
    );
    std::fs::write(
        &config,
        "[rules.blocking_sleep_in_async]\nenabled = false\n",
    )
    .expect("write config");
    c.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": config_uri}}),
    );
    assert_eq!(c.diagnostics(&config_uri), Vec::<Value>::new());
    // The config read on the next run turns the rule off: the hazard is silent.
    change(&mut c, &uri, 6, HAZARD);
    assert_eq!(c.diagnostics(&uri), Vec::<Value>::new());

    c.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let shutdown = c.request(9, "shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    assert!(shutdown.get("error").is_none());
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("server exits");
    assert_eq!(status.code(), Some(0));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn exit_without_shutdown_is_code_1_and_requests_before_initialize_are_refused() {
    let mut c = Client::start();
    let early = c.request(1, "textDocument/hover", json!({}));
    assert_eq!(early["error"]["code"], -32002);
    c.notify("exit", Value::Null);
    let status = c.child.wait().expect("server exits");
    assert_eq!(status.code(), Some(1));
}

/// The engine entry point the server uses: buffers override files, and the per-file cache gives
/// the same findings as a run without it, also when an edit in one file changes findings in
/// another (a field's type, declared in `state.rs`, decides what `worker.rs` reports).
#[test]
fn overrides_and_the_file_cache_give_the_uncached_result() {
    use racewise::engine::{self, FileCache, Options};
    use std::collections::BTreeMap;
    use std::sync::Arc;

    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/e2e/orders");
    let root = std::fs::canonicalize(root).expect("fixture");
    let state = root.join("src/state.rs");
    let disk = std::fs::read_to_string(&state).expect("state.rs");
    let edited = disk.replace(
        "pub orders: Mutex<HashMap<u64, Order>>",
        "pub orders: tokio::sync::Mutex<HashMap<u64, Order>>",
    );
    assert_ne!(
        disk, edited,
        "the fixture still declares `orders` as a std Mutex"
    );
    let run = |text: Option<&str>, cache: Option<Arc<FileCache>>| -> Vec<String> {
        let mut opts = Options::new(vec![root.clone()]);
        opts.discover.root = Some(root.clone());
        opts.keep_sources = false;
        if let Some(t) = text {
            opts.overrides = Arc::new(BTreeMap::from([(state.clone(), Arc::from(t))]));
        }
        opts.cache = cache;
        let a = engine::run(&opts).expect("run");
        a.report
            .findings
            .iter()
            .map(|f| format!("{}:{}:{} {}", f.file, f.line, f.column, f.rule))
            .collect()
    };
    let plain = run(None, None);
    let plain_edited = run(Some(&edited), None);
    assert_ne!(plain, plain_edited, "the edit changes findings");
    assert!(
        plain
            .iter()
            .any(|f| f.starts_with("src/worker.rs") && f.ends_with("blocking_lock_in_async"))
    );
    let cache = Arc::new(FileCache::default());
    assert_eq!(run(None, Some(cache.clone())), plain, "cold cache");
    assert_eq!(run(None, Some(cache.clone())), plain, "warm cache");
    assert_eq!(
        run(Some(&edited), Some(cache.clone())),
        plain_edited,
        "one file edited"
    );
    assert_eq!(run(None, Some(cache.clone())), plain, "edit undone");
    // Buffer to buffer: the override's text is the key, not the file on disk.
    assert_eq!(run(Some(&edited), Some(cache.clone())), plain_edited);
    assert_eq!(run(Some(&disk), Some(cache)), plain, "buffer edited back");
}
