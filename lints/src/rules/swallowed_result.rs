//! # swallowed_result
//!
//! ## What it does
//! Flags errors that are thrown away without a trace. The policy: an `Err` is a *failure*
//! unless the operation's own contract says it is an ordinary answer, and a failure must reach
//! a log, a caller or a visible value.
//!
//! Reported (failures nobody hears about):
//!
//! - `expr.ok();` (and `let _ = expr.ok();`) as a statement, however long the method chain
//!   before it (`out.try_send(x).map(|_| debug!("queued")).ok();`: a log on the success path
//!   does not observe the error) — I/O, database and publish results alike, and sends as
//!   below;
//! - `.filter_map(|r| r.ok())`, `.filter_map(Result::ok)`, the same with `flat_map`/`find_map`
//!   (rows that fail to decode vanish), and `.and_then(|x| x.f().ok())` whose `None` nothing
//!   handles — including `.and_then(|v| v.parse().ok())` on a configuration value
//!   (`env::var(..)`, `config`/`cfg`/`settings`; not a field named `env`, `project.env`, which
//!   is what its holder stored): a malformed setting silently becomes the
//!   default, however the `None` is handled (the value the chain carries counts: after
//!   `.and_then(|p| event.get(p))` it is the event's, whatever configuration named the path;
//!   and only a conversion of the setting itself: `.and_then(|cfg| connect(&cfg.sock).ok())`
//!   uses the configuration, and an `else` that falls back handles its `None` like any other);
//! - `let _ = <call>` (or `_ = <call>`), with or without `.await`, on a call known to be fallible:
//!   channel/sink sends (below), `publish(..)`, `write(buf)`/`write_all`/`flush`, a socket's
//!   `send_to`, and every `std::fs`/`tokio::fs` function (the list, with its reasons, is in
//!   `racewise_lints::semantic::fallible`); a `flush()` discarded on the line right after a
//!   discarded write to the same writer (`let _ = tls.write_all(&f);` then `let _ =
//!   tls.flush();`) is that write's decision, reported once, at the write;
//! - a `match` arm `Err(_) => {}` or `Err(_) => ()` that does nothing;
//! - of channel sends (`send`, `blocking_send`, `unbounded_send`), those in a loop that runs
//!   until something stops it (`loop`, `while`, `while let`, a `for` over a receiver or
//!   `listener.incoming()`, the closure of an awaited stream `for_each`, `try_for_each` or
//!   `for_each_concurrent`, a `select!` arm inside such a loop) on a sender from outside that
//!   loop or closure, with no `return`, `break` or error exit (a panic included) after the
//!   send in its block or a
//!   block around it within the loop: once the receiver is gone every message is lost, and the
//!   discarded error was the loop's only news that it now works for nobody (a forwarder that
//!   never stops, a poller that polls forever); and every `try_send` and `send_timeout`, whose
//!   `Err` is also a full queue dropping a message the receiver is still waiting for.
//!
//! Not reported (the `Err` is not a failure, or it is observed):
//!
//! - any other send: one notification outside such a loop (`let _ = status_tx.send(Done);`),
//!   a send followed by leaving (`let _ = tx.send(Failed(e)).await; return Ok(());`), a send
//!   in a `for` over a collection (each turn's message is one more of a bounded number), or on
//!   a sender the loop binds anew each turn (`for out in outputs { let _ = out.send(m); }`,
//!   also one a `match` on the turn's message binds, `Action::Save(input, reply) =>`, and one
//!   it moves out of a collection by position, `let (_, tx) = waiters.remove(i)`:
//!   each receiver is another consumer). If the receiver is gone, the message has no reader
//!   left and nothing goes on producing for it; the receiving side's end is where that end
//!   shows;
//! - `timeout(d, cancel.cancelled()).await.ok();`, a timeout around a wait (`recv()`,
//!   `changed()`, `closed()`, `cancelled()`, `notified()`, `sleep(..)`): `Elapsed` is one of
//!   a bounded wait's two ordinary ends;
//! - `OpenOptions::write(true)` and other `write(<bool>)` builder settings, which are not
//!   `io::Write::write(buf)`;
//! - a wait bounded by the timeout it is given (`tenant.wait_to_become_active(TIMEOUT).await
//!   .ok();`: a `wait*` method with an argument naming a timeout or a `Duration`): its `Err`
//!   says the state did not come in time, which the caller reads next;
//! - `let _ = fs::remove_file(&partial); return Err(e);`: a clean-up (a call named `remove*`,
//!   `delete*`, `revoke*`, `consume*`, `close`, `cancel`, `abort`, `kill`, `shutdown`,
//!   `rollback` or `flush`: the last words on a connection being torn down) on the way out
//!   with an error: the first unconditional exit after it, in its
//!   block or a block around it up to its loop, closure or fn, leaves with an error (`return
//!   Err(..)`, `bail!`, a panic (`panic!`, `unreachable!`), `Err(..)?`, an `Err(..)` tail, or
//!   `process::exit` with a non-zero literal status after a message). That error is the failure the caller (or the user)
//!   hears about; the clean-up's own is secondary (the same clean-up on the success path, or
//!   before a `return Ok(..)`, stays a finding); so is the same clean-up in the handling of
//!   another error that the handling reports, hands on or returns (a `match` arm `Err(err) =>
//!   { error!(%err, ..); kill(pid, SIGQUIT).ok(); }`, an `if let Err(e) = ..` block naming
//!   `e`): an `Err(_)` that drops the first error too stays a finding;
//! - `let _ = fs::remove_dir(dir);` (std's or tokio's, not `remove_dir_all`): it removes the
//!   directory only if it is empty, so discarding its result is "remove it if nothing else
//!   lives there" (after deleting one's own files), and its usual `Err` (not empty, already
//!   gone) is that answer;
//! - `let _ = fs::create_dir_all(parent);` followed (in its block or a block around it) by a
//!   statement that propagates with `?` the error of an expression naming the same path
//!   (`fs::write(path, ..)?` after `if let Some(parent) = path.parent()`, `r.render(dest)?`),
//!   or panics with it (`File::create(dir.join("config.toml")).expect(..)`), or takes the
//!   path as an argument and logs its error (`match File::create(path.join(f)) { .., Err(e) =>
//!   error!(..) }`, `if let Err(e) = ..`): a directory that could not be made fails that
//!   write, whose error reaches the caller (or the panic, or the log) with the path; so for
//!   `let _ = fs::remove_file(&socket_path);` followed by a statement that propagates with
//!   `?` the error of a call putting something at that very path: `UnixListener::bind(&socket_path)?`
//!   (a stale file it failed to remove fails the bind), `File::create`, `fs::write`, a rename
//!   or copy onto it (which replace it), an `OpenOptions` chain with `create_new(true)`; not
//!   a read, an append or another path from the same binding, and not `remove_dir_all`,
//!   whose leftovers a `create_dir_all` after it would not notice;
//! - a GUI window's presentation calls (`window.show().ok()`, `set_focus`, `hide`, `close`,
//!   `destroy`, `unminimize`, `center`, `set_title`..., on a receiver named as a window or an
//!   overlay): they fail only when the event loop is gone, that is while the app exits;
//! - results whose `Err` is no failure: http-body's `frame.into_data()`/`into_trailers()` (a
//!   frame of the other kind handed back), `Arc::try_unwrap` (the pointer, still shared), an
//!   atomic's `fetch_update(.., |n| n.checked_sub(1))` (the value the closure declined to
//!   change: a decrement that stops at zero) and `compare_exchange` (the value found instead);
//! - a thread's `join()` (`handle.join().ok();`) on a handle known to return no `Result`
//!   (`JoinHandle<()>`): `join`'s `Err` is the thread's panic, which the panic hook has
//!   already printed. A handle whose output is a `Result`, or is not known, stays a finding:
//!   the thread's own error goes with it;
//! - `OnceLock::set`/`OnceCell::set(..).ok()` (tokio's `SetOnce` too): the `Err` only says
//!   "already set" (a receiver of unknown type is given the benefit of the doubt; a known
//!   other type is reported), and so for the process-wide one-time setters
//!   (`tracing::subscriber::set_global_default`, `log::set_logger`,
//!   `metrics::set_global_recorder`, a subscriber's or logger's
//!   `try_init`, a log backend's `init_with_level`/`init_with_env` such as
//!   `slog_stdlog::init_with_level(..)`, rustls' `CryptoProvider::install_default`), and loading an optional
//!   `.env` file (`dotenvy::dotenv().ok()`: absent wherever the environment is set for real);
//! - `.ok()` used as a value: `let x = r.ok();`, `if let Some(x) = r.ok()`, and a conversion in
//!   `.and_then(|u| base.join(&u).ok())` whose `None` the chain then handles (`.ok_or(..)`,
//!   `.ok_or_else(..)`, `.context(..)`, `.expect(..)`, `.unwrap_or(..)`, `.map_or(..)`,
//!   `.or(Some(default))`..., and a project's own `ok_or_*` such as `.ok_or_bad_request("..")`),
//!   also on the value of an `if`/`match` whose branches end in such chains, also after further
//!   `and_then`/`map`/`filter` steps, or by the
//!   `else` of a `let Some(x) = .. else { .. }`, or by a `match` on the chain with a `None`
//!   (or `_`) arm that does something, or an `if let Some(x) = <chain> { .. } else { .. }`,
//!   or, bound by `let x = ..;`, where a later
//!   statement reads `x`'s `None` explicitly (`x.unwrap_or_else(..)`, also after steps that
//!   keep it, `x.and_then(|r| r.uri).map(..).unwrap_or_else(..)`, `x.is_none()`, `x ==
//!   expected`, a `match x` with a `None` arm that does something, an `if let Some(v) = x {
//!   .. } else { .. }`, the last two also over an `Option` that is `None` with `x`: `x.map(..)`,
//!   `team.zip(x)`, or a tuple holding it, `match (host, x) { (_, Some(o)) => .., _ => .. }`,
//!   unless an arm such as `(_, None) => {}` drops it),
//!   or keeps `x` in a struct's field (`Entry { timestamp: x, .. }`, or
//!   `address: address.clone()` in a struct built per item, or the chain itself as a field's
//!   value, `Self { client: key.and_then(|k| make_client(k).ok()), .. }`, or assigned to a
//!   field, `update.cover_id = icon.and_then(|u| media_id(u).ok())`, or the value a
//!   field's setter stores, `self.previous_mode.store(byte.and_then(|b|
//!   Mode::try_from(b).ok()))`, also `set`/`replace`/`swap`: the
//!   `Option` is the value its readers see), or a chain ending in a test against an expected
//!   value or bound (`.is_some_and(|id| id == room_id)`, `.is_some_and(|n| n >= required)`,
//!   which a `None` fails: right for a check that allows, while a check that denies,
//!   `.is_some_and(|n| n > 0)` for "revoked", fails open and is not told apart) or in
//!   `.is_none()`; an `if let` without `else`, or `if x.is_some()`, skips the `None` silently
//!   and stays a finding);
//! - a method that is only named `ok`: `reply.ok()` on a binding or field of another crate's
//!   type that is neither a `Result` nor an `Option` (fuser's `ReplyEmpty::ok` sends the
//!   success reply);
//! - `write!`/`writeln!` (or `write_fmt(format_args!(..))`) into a `String` (`write!(out,
//!   ..).ok();`, also into the accumulator
//!   of a `fold` that starts as one): `fmt::Write for String` never fails (also a `match`
//!   whose every arm is such a write or an `Ok(..)`), and neither does `io::Write` into a
//!   `Vec<u8>` or `VecDeque<u8>` (`let _ = buf.write_all(..);`, `writeln!(buf, ..).ok();`,
//!   `buf.flush()`; a `Vec` of another element is a user trait's `write`, and a `Cursor` or an
//!   encoder over one is not told apart: both stay findings); nor does
//!   `flush()` on a socket that buffers nothing (std's and tokio's `TcpStream`, `UnixStream`:
//!   `let _ = stream.flush();`), unlike a `BufWriter`'s;
//! - a request that carries its reply channel (`let _ = tx.send((query, reply_tx));` where
//!   `reply_tx` is a oneshot `Sender`, or a std `mpsc`/`sync_channel` sender, however its
//!   module was imported, globs and re-exports included): if the send fails, the reply sender
//!   is dropped with the message and the requester's `reply_rx.await` (or `recv()`) fails, so
//!   the failure is observed there;
//! - a send on a channel whose receiver the same block still holds (`let (tx, rx) =
//!   mpsc::unbounded_channel(); let _ = tx.send(first); .. Stream(rx)`, `rx` not mentioned in
//!   between, so not moved away; or a send in place in a statement that only borrows `rx` in
//!   place, as a `loop { select! { .. => { let _ = tx.send(0).await; } m = rx.recv() => .. } }`
//!   does — not in an `async` block or closure there): the receiver cannot be gone (a
//!   `try_send` can still find a bounded queue full, and stays a finding);
//! - a send on a struct's own queue in one of its methods (`self.command_tx.send(cmd)` where
//!   the struct also holds `command_rx`, a receiver of the same channel kind and message type,
//!   also behind a `Mutex`/`Arc`; not in an `Option`, which may have been taken): while `self`
//!   lives, so does the receiver;
//! - a send in a loop on a channel the workspace drains until it closes: the message type is a
//!   workspace type, and every receiver of that channel kind and message type that a fn of the
//!   member declaring the message type takes as a parameter (by its type, or an alias named
//!   like one: `EventRx`) is only received from
//!   in loops that end only when every sender is gone (`while let Some(ev) = rx.recv().await`
//!   with no `break`, `return` or `?` in it; a `loop` whose every exit is that receive's
//!   `None`), also in a task the fn spawns. Such a receiver outlives every sender, so the send
//!   cannot find it gone, only (bounded) wait for room. Still reported: a channel type some
//!   struct of that member keeps a receiver of (it goes with its owner), one whose consumer also stops at
//!   shutdown or on an error, and one a fn drains into another channel of the same message
//!   type (the type names more than one channel). Receivers only local bindings hold are not
//!   seen: the fns they are handed to as parameters are;
//! - the answer on a oneshot (`let _ = reply.send(position);`, also a sender taken out of a
//!   request, `while let Some((req, reply)) = rx.recv().await`, or out of a `#[pin_project]`
//!   field): it fails only when the requester stopped waiting (dropped its receiver, which is
//!   how it cancels), and the answer has no reader left; so does a reply sender of any channel
//!   type that a `match` arm takes out of the request it handles, named for the answer
//!   (`Instruction::GetPid { response_channel, .. } => { let _ = response_channel.send(pid); }`:
//!   `reply`, `response`, `respond_to`, `responder`), not one the fn was handed once;
//! - a receive whose value is dropped (`shutdown_rx.await.ok();`, `rx.recv().await.ok();`,
//!   `rx.changed().await.ok();`): a wait, which "every sender is gone" ends as a value does
//!   (an awaited value is a wait when its type is a oneshot `Receiver`, or, type unknown, when
//!   it is named as one: `rx`, `shutdown_rx`, `receiver`);
//! - a publish on a tokio `broadcast` channel (`let _ = events_tx.send(event);`): it fails only
//!   when nobody is subscribed at that moment, and a later subscriber would not get the value
//!   anyway, so nothing is lost;
//! - a send inside a loop that watches the same sender close and reacts to it
//!   (`select! { _ = tx.closed() => { debug!(..); return; } .. }`, `while !out.is_closed()`):
//!   a send that finds no receiver is the race the loop's next turn reports (a check outside
//!   the send's loop does not count), or that leaves when another send on the same sender
//!   fails (`if tx.send(ev).is_err() { break 'stdin; }`, also from an inner loop's sends), and a send in an arm of a `select!` that has a `_ =
//!   tx.closed() => ..` arm on the same sender (the select reacts to that very race);
//! - a send in a task that the fn spawning it aborts (`let mut server_task =
//!   tokio::spawn(async move { while let Some(m) = upstream.next().await { let _ =
//!   client_tx.send(m).await; } });`, then `server_task.abort()` in a `select!` arm that
//!   waits for the other direction): a two-way proxy stops each pump from outside when the
//!   other side ends, so it does not go on producing for nobody. The spawn's `let` and the
//!   abort must be statements of one block (the fn's, or a loop turn's), the abort a later
//!   one that always runs (`name.abort();` or a `select!` naming it); an abort in one branch,
//!   of an earlier binding of the same name, or of a task that spawned the pump, stops nothing;
//! - a send of a pure signal, which carries no data: `()` (`let _ = shutdown_tx.send(());`) or
//!   a unit-like enum variant (`wake_tx.try_send(Wake::Up)`, `seq_tx.send(Command::Discard)`):
//!   if nobody listens no data is lost, and if the queue is full a wake-up is already pending
//!   (a variant with a payload, `Event::Done(id)`, is data and stays a finding, and so is any
//!   variant sent on a `watch` channel: there it is state, and a failed send leaves every
//!   later reader the old value — `send_replace` stores it regardless);
//! - a send on a `watch` sender nothing reads back: `self.ready_tx.send(..)` in a method of
//!   the struct that declares `ready_tx` as a private `watch::Sender<..>` field, when anywhere
//!   in its file that field is only sent on or filled by the shorthand of its own struct's
//!   literal (`Self { ready_tx }`) — no `subscribe()`, no `borrow()`, not handed to another
//!   fn, destructured out or named in a macro. Such a send fails only when every receiver is
//!   dropped, and then no reader can ever exist again, so no one is left with the old value.
//!   Not for a `pub` field, a field name another field of the file shares, a file that declares
//!   a module in another file (a child module sees private fields), or a sender reached
//!   through anything but `self` (these stay findings, as do senders read back as above);
//! - an `Err(_) => ()` arm whose error is a cancellation marker documented as such: a comment on
//!   the arm (or the line above) that says cancel/abort/closed, or a binding named so
//!   (`Err(_cancelled)`, `Err(_closed)`); and an empty `Err` arm of a match whose other arm
//!   cannot happen (`Ok(_permit) => unreachable!(..)`: the `Err` is what the code waits for);
//!   and an empty arm whose braces hold a comment giving the reason (`Err(_) => { // already
//!   logged by the consumption metrics }`): a decision written down, like a suppression's
//!   reason (a comment that only says `TODO`/`FIXME`/`XXX` is no reason);
//! - chains that observe the error: a `log`/`tracing`/`eprintln!` macro in an error adapter
//!   (`.map_err(|e| warn!(..))`, `.inspect_err(..)`, `or_else`), or any other macro there
//!   that does not just build a value (a project's reporting macro, `.map_err(|error|
//!   emit!(ReadError { error }))`; `format!`, `anyhow!` and the like only convert), a
//!   logging helper (`.log_err()`, `.log_debug_err()`, `.inspect_err(inspect_log)`,
//!   `.map_err(|e| emit_err(e, FIELD))`), a call that ends the process (`.map_err(|_|
//!   abort())`), also inside the closure of an `and_then`/`filter_map`, and
//!   `writeln!(stderr(), ..)` and `stderr().write_all(..)`, also through an accessor of the
//!   stream (`self.output.stderr().write_all(..)`: the statement is itself the report);
//! - arms that turn the error into control flow or a value (`Err(_) => continue`,
//!   `Err(_) => None`), a catch-all `Err(_) => {}` in a match whose other arms bind the error
//!   (it keeps the one it chose), and an `Err(_) => {}` of a `match` right before an error
//!   that leaves the fn (the fn body's tail `Err(ProofError::ds_should_exist(zone))`, or a
//!   block's last `return Err(..)` / `bail!(..)`; not in a closure or an `async` block, whose
//!   error may reach nobody): the failure falls through to an error the caller hears of;
//! - operations whose `Err` means "not now" rather than failure (`try_recv`, `try_lock`, ...)
//!   or "not set" (`env::var(k)`: `find_map(|k| env::var(k).ok())` is the first variable set),
//!   and serialization of an in-memory value to JSON (`serde_json::to_string(&v).ok()`,
//!   `to_vec`, `to_value`; not `to_writer`, which is I/O): its `Err` is a `Serialize` impl's
//!   bug (a map keyed by a struct), not a run-time failure;
//! - a socket's `set_read_timeout`/`set_write_timeout` with `None` or a non-zero literal
//!   duration (`Some(Duration::from_secs(2))`): std documents one error for them, a zero
//!   duration (a computed duration may be zero, and stays a finding);
//! - a call of a workspace fn that is declared to return a `Result` but can only return
//!   `Ok(..)` (`self.store.forget(id).await.ok();` where `forget` ends in `Ok(())` and holds no
//!   `?`, no `Err` and no macro that might return one), or only `Ok(..)` and the `Err` of a
//!   cancellation marker (`return Err(YieldingLoopError::Cancelled)` when the token fires: the
//!   caller asked for that end), or that reports each error where it makes it (a log macro
//!   before every `Err(..)` in its own branch, a logging `map_err` closure before every `?`,
//!   and the same for each workspace callee whose error it hands on: see `detached_spawn`),
//!   resolved through the call graph: the callee in another file or member counts, and so does
//!   a trait impl's method called on a value of its own type (`repo.start().await.ok()` with
//!   `repo: SqliteRepo`, whose `start` only launches tasks); a call the graph cannot resolve
//!   (a trait object, a generic, a receiver of unknown type) stays a finding, and so does a
//!   trait's default body, which an impl may override. Also a conversion of the workspace that
//!   fails with `()` (a `TryFrom` or `FromStr` impl whose `type Error = ();`): its `Err` holds
//!   nothing to report, only "not this kind" (a plain `-> Result<T, ()>` may have thrown a real
//!   error away on its way, `.map_err(|_| ())`, and stays a finding), so `.and_then(|d| Column::try_from(d).ok())`
//!   and `.filter_map(|d| Column::try_from(d).ok())` lose nothing (when the type has several
//!   such impls, `TryFrom<A>` and `TryFrom<&A>`, each must fail with `()`). These closures
//!   lose nothing either when the fn they call can only return `Ok(..)`;
//! - a `find_map` whose closure converts with `try_from`/`try_into`
//!   (`.find_map(|r| RecordRef::<SOA>::try_from(r).ok())`): the first item of that kind, a
//!   search, where the items that do not convert are simply not it;
//! - validation conversions inside `filter_map`/`and_then` (`parse`, header `to_str`, a type
//!   test such as `boxed.downcast::<Batch>()`, wasm-bindgen's `target.dyn_into::<Element>()`
//!   or an ASN.1 attribute's `as_str()`, whose `Err` only says "another type") on values
//!   that are not configuration, where an invalid value becoming an absent one is the intent
//!   (`u16::try_from(n)`, `UInt::try_from(n)`, `Duration::try_from(pb)`,
//!   `SystemTime::try_from(pb_timestamp)`, `OffsetDateTime::from_unix_timestamp(t)`,
//!   `DateTime::from_timestamp_millis(ms)`, `DateTime::from_nanos(n)`, `NonZeroU32::new(n)`,
//!   `StatusCode::from_u16(n)`, `Uuid::try_parse_ascii(b)`, `Uri::try_from(link)`,
//!   `HeaderValue::try_from(s)`, an
//!   identifier type's (`OwnedUserId::try_from(s)`, `ServerName::try_from(s)`: `..Id`, `..Name`),
//!   `Name::try_from_ascii(b)` too, a parse named for a text encoding
//!   (`TraceId::from_hex(h)`, `from_base64`), a text encoding's decoder (`hex::decode(h)`,
//!   `BASE64_STANDARD.decode(s)`), comparisons that say no with an `Err`
//!   (`bin.strip_prefix(dir)`: not under `dir`; `t.duration_since(UNIX_EPOCH)`: `t` is
//!   earlier; `schema.index_of(col)` on a receiver named for a schema or its fields: no such
//!   column; `socket.peer_addr()`: not connected, no address to show; not after an earlier `.ok()?` of a real failure in the same chain,
//!   `fs::metadata(p).ok()?.modified().ok()?.duration_since(UNIX_EPOCH).ok()`), but not
//!   `User::try_from(&row)`: a record that fails to
//!   decode is data lost), also given as a function value before the filter
//!   (`.map(TryInto::try_into).filter_map(Result::ok)`, `.map(str::parse)`) or as a closure
//!   of one such call (`.map(|m| Mechname::parse(m.as_bytes())).filter_map(Result::ok)`);
//! - a filter over items the step before made all `Ok`: a `map` whose closure's value is an
//!   `Ok(..)` and that has no `?`, `return` or `Err` to make anything else
//!   (`.map(|r| Ok::<_, Error>(Hit { .. })).filter_map(|r| r.ok())` drops nothing);
//! - a discard whose comment explains it, on the statement's last line, in a `//` line between
//!   the steps of its chain, or in the `//` lines right above it (or above the run of one-line
//!   discards it continues): the other side may
//!   be gone (`.ok(); // receiver may be gone`, "downstream dropped its receiver", `// the
//!   server may close during the handshake`, "the reply may be dropped"; not in a
//!   `TODO`/`FIXME`/`BUG` note), the error
//!   is ignored on purpose (`// we ignore the send error: we return anyway`), the failure is
//!   allowed or harmless (`// this can legally fail when shutting down`, "could error if the
//!   subscription is closing", "a SendError is fine
//!   here", "erroring is ok", "best effort", "don't care", "cannot happen", "not fatal", "not a hard error",
//!   "we don't want to panic if there is an error") or cannot happen ("`TryFrom` is total",
//!   "infallible"), or a bad value is expected and falls back ("defaulting to 2000 if not set
//!   or invalid", "falls back"), matched as whole words; so for an `.and_then(|x| ..ok())` or
//!   `.filter_map(Result::ok)` step, by the comment on its line or right above it, or right
//!   above the line its chain starts on; a filter step's comment saying it filters (`.filter_map(|r|
//!   r.ok()) // Filter out buggy events`, "skip", "discard") states its purpose. The fn's `///` doc explains every
//!   discard in its body when it says the errors are let go ("Ignore the errors", "best effort",
//!   "fire-and-forget", "doesn't matter"; its "fails" or "gone" describe other things). A
//!   decision written down is not an error nobody thought about; `racewise: allow` with a
//!   reason says the same in a form tools read;
//! - an error passed on after it was logged: `error!(%e, ..);` then, within 25 lines of the
//!   same fn, `let _ = tx.send(Err(e)).await;`, or a message built from the logged error value
//!   (`e`, `err`, `error`, `*_err`, `*_error`: `abort_tx.send(Shutdown::error(e.to_string()))`),
//!   also to a call named for answering with it (`respond_with_error(&mut http,
//!   format!("read failed: {e}")).await.ok();`, the error's copy to a client whose connection
//!   just failed; `err`, `fail`, `respond`, `reply`, `reject` in its name)
//!   — a consumer that is gone loses only a copy of an error already in the log;
//! - `Drop::drop` and a deferred block (`defer! { .. }`, which a guard's `Drop` runs): no
//!   caller to report to, and best-effort cleanup is the idiom;
//! - cleanup in test code: removing the test's files and directories (`let _ =
//!   fs::remove_dir_all(&dir);`, `tokio::fs::remove_file(&p).await.ok();`) or closing its
//!   temporary directory (`tmp_dir.close().ok();` on a `TempDir`). A failed cleanup leaves a
//!   file behind and cannot change what the test checks (outside test code the same discard
//!   stays a finding: a service that cannot delete its files fills its disk without a word).
//!
//! Test code is checked too: a test helper that swallows an error hides why the test fails
//! (findings carry `in_test`, one severity lower by default).
//!
//! ## Why is this bad
//! The failure still happens, but nobody hears about it: a row that failed to decode and
//! vanished from a listing, a config file that was never written, a forwarding task whose
//! consumer died and that goes on reading and sending for nobody. Audits find these only after
//! an incident, because the logs show nothing.
//!
//! ## Example
//! ```rust,ignore
//! let users: Vec<User> = rows.iter().filter_map(|row| User::try_from(row).ok()).collect();
//! while let Some(event) = source.next().await {
//!     let _ = out.send(event).await;
//! }
//! tokio::fs::remove_file(&tmp).await.ok();
//! ```
//!
//! ## Use instead
//! ```rust,ignore
//! let users = rows.iter().map(User::try_from).collect::<Result<Vec<_>, _>>()?;
//! while let Some(event) = source.next().await {
//!     if out.send(event).await.is_err() {
//!         tracing::debug!("event consumer gone; stopping the forwarder");
//!         break;
//!     }
//! }
//! if let Err(e) = tokio::fs::remove_file(&tmp).await {
//!     tracing::warn!(path = %tmp.display(), "could not remove temp file: {e}");
//! }
//! ```
//! If losing the error really is intended, say why with
//! `// racewise: allow(swallowed_result) -- <reason>`.

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::spanned::Spanned;

use crate::finding::Severity;
use crate::lint::{ExprKinds, Hooks, Lint, RuleMeta};
use crate::semantic::fallible;
use crate::semantic::macros::{is_log_macro, logs_in, macro_name};
use crate::semantic::syntax::{
    chain_root, collect_idents, is_binding, is_variant_call, peel, peel_await, strip_pat_type,
    uses_binding_where,
};
use crate::semantic::walk::expr_text;
use crate::semantic::{Condition, Cx, FnView, Holds, Ty, TyExpr};

pub static META: RuleMeta = RuleMeta {
    name: "swallowed_result",
    default_severity: Severity::Medium,
    summary: "error discarded without logging: `.ok();`, filter_map(Result::ok), `let _ =` on a fallible call, `Err(_) => {}`",
    source: include_str!("swallowed_result.rs"),
};

/// Per file: `.and_then(..)` calls (by the position of their method name) whose `None` a later
/// adapter handles (`.ok_or_else(..)`, `.unwrap_or(..)`): the walker visits the outer call first.
#[derive(Default)]
pub struct SwallowedResult {
    none_handled: std::collections::HashSet<(usize, usize)>,
    /// `match` expressions (by the position of their `match` keyword) whose falling through
    /// ends the fn with an error (see [`matches_before_error_tail`]).
    before_error_tail: std::collections::HashSet<(usize, usize)>,
    /// The latest log-macro statement in the fn being walked.
    last_log: Option<RecentLog>,
    /// The doc of the fn being walked explains its discards (see [`doc_explains`]); read at
    /// its first discard (most fns have none, and their docs are long).
    fn_doc_explains: Option<bool>,
    /// The line of the walked fn's signature, where its doc ends.
    fn_sig_line: u32,
    /// Per struct of the file (by name, names declared once only): its sender fields whose
    /// channel's receiver another field of the same struct holds (see [`self_held_senders`]).
    self_held: std::collections::HashMap<String, Vec<String>>,
    /// Per struct of the file: its private `watch::Sender` fields that nothing reads back (see
    /// [`unread_watch_fields`]).
    unread_watch: std::collections::HashMap<String, Vec<String>>,
    /// Sends (by the position of their method name) that cannot find the receiver gone unseen:
    /// the fn still holds the receiver, the struct holds it, or the send's loop watches the
    /// channel close (see [`held_receiver_sends`], [`field_sends`],
    /// [`closed_watched_sends`]).
    lossless_sends: std::collections::HashSet<(usize, usize)>,
    /// Sends (by position) in the closure of an awaited stream `for_each`, which runs once per
    /// item like a loop body (see [`stream_loop_sends`]).
    stream_loop_sends: std::collections::HashSet<(usize, usize)>,
    /// Discarded removals (by the position of their statement) on a path that then leaves
    /// with an error (see [`failure_path_cleanups`]).
    failure_cleanups: std::collections::HashSet<(usize, usize)>,
}

use crate::semantic::syntax::span_key as pos;

/// Adapters that turn a `None` into an error or an explicit value the reader can see.
const HANDLES_NONE: &[&str] = &[
    "ok_or",
    "ok_or_else",
    "context",
    "with_context",
    "expect",
    "unwrap_or",
    "unwrap_or_else",
    "map_or",
    "map_or_else",
    "or",
    "or_else",
    "unwrap_or_default",
];

/// A [`HANDLES_NONE`] adapter, or a project's own named like `ok_or` (garage's
/// `.ok_or_bad_request("..")?`, `.ok_or_not_found()`: extension traits that turn a `None` into
/// an error response).
fn handles_none(method: &str) -> bool {
    HANDLES_NONE.contains(&method) || method.starts_with("ok_or_")
}

/// Tests that read an `Option`'s `None` as an answer.
const READS_NONE: &[&str] = &["is_none", "is_none_or"];

/// `Option` adapters a `None` flows through unchanged to a later handler.
const OPTION_ADAPTERS: &[&str] = &[
    "and_then", "map", "filter", "flatten", "inspect", "cloned", "copied",
];

/// A method that logs the error it passes on (`log_err()`, `log_debug_err()`, tuwunel's and
/// others' `LogErr` helpers) or a function value that does (`inspect_err(inspect_log)`,
/// `map_err(|e| emit_err(e, FIELD))`: vector's internal events log and count).
fn is_log_helper(name: &str) -> bool {
    let words = crate::semantic::secret_names::split_words(name);
    words.iter().any(|w| w == "log" || w == "emit") || name == "inspect_err"
}

/// Adapters whose closure runs on the error: a log there observes it.
const ERROR_ADAPTERS: &[&str] = &[
    "map_err",
    "or_else",
    "unwrap_or_else",
    "map_or_else",
    "inspect_err",
];

/// Whether the discarded expression observes its error on the way: an `inspect_err(..)`, a
/// log helper (`.log_err()`), or an error adapter (`map_err`, `or_else`) whose closure logs.
/// A log in a success-path closure (`.map(|_| debug!("sent"))`) does not count.
fn chain_observes_error(e: &syn::Expr) -> bool {
    let mut cur = e;
    loop {
        match peel(cur) {
            // `self.output.stderr().write_all(..)`: a shell's accessor of its console stream.
            syn::Expr::MethodCall(mc)
                if mc.args.is_empty() && (mc.method == "stderr" || mc.method == "stdout") =>
            {
                return true;
            }
            syn::Expr::MethodCall(mc) => {
                let name = mc.method.to_string();
                if is_log_helper(&name)
                    || (ERROR_ADAPTERS.contains(&name.as_str())
                        && mc.args.iter().any(|a| {
                            let t = a.to_token_stream();
                            observes_error(t.clone())
                                || invokes_reporting_macro(t.clone())
                                || mentions_log_helper(t)
                        }))
                {
                    return true;
                }
                cur = &mc.receiver;
            }
            syn::Expr::Await(a) => cur = &a.base,
            syn::Expr::Try(t) => cur = &t.expr,
            // `stderr().write_all(msg)`, `io::stderr().lock().flush()`: the console is where
            // the report goes; its own failure has nowhere left to go.
            syn::Expr::Call(c) => {
                return matches!(peel(&c.func), syn::Expr::Path(p) if p.path.segments.last()
                    .is_some_and(|s| s.ident == "stderr" || s.ident == "stdout"));
            }
            // `writeln!(stderr(), ..)`: the statement is itself the report of something.
            syn::Expr::Macro(m) => {
                let name = crate::semantic::macros::macro_name(&m.mac);
                let mut idents = std::collections::BTreeSet::new();
                collect_idents(m.mac.tokens.clone(), &mut idents);
                return matches!(name.as_str(), "write" | "writeln")
                    && (idents.contains("stderr") || idents.contains("stdout"));
            }
            _ => return false,
        }
    }
}

/// Macros that build a value: in an error adapter they convert the error, they do not report it.
const VALUE_MACROS: &[&str] = &[
    "format",
    "format_args",
    "vec",
    "anyhow",
    "eyre",
    "bail",
    "concat",
    "stringify",
    "json",
    "matches",
    "ensure",
    "err_msg",
];

/// Any other macro invoked in an error adapter's closure (`.map_err(|error| emit!(ReadError {
/// error }))`, `counter!(..)`): a project's own reporting macro, which logs or counts the error.
fn invokes_reporting_macro(tokens: TokenStream) -> bool {
    invokes_macro(tokens, &|name| !VALUE_MACROS.contains(&name))
}

/// Whether `tokens` invoke a macro (`name!(..)`, `name! {..}`, at any depth) whose name passes
/// `pred`.
fn invokes_macro(tokens: TokenStream, pred: &dyn Fn(&str) -> bool) -> bool {
    let tts: Vec<TokenTree> = tokens.into_iter().collect();
    tts.iter().enumerate().any(|(k, tt)| match tt {
        TokenTree::Group(g) => invokes_macro(g.stream(), pred),
        TokenTree::Ident(name) => {
            matches!(tts.get(k + 1), Some(TokenTree::Punct(p))
                if p.as_char() == '!' && p.spacing() == proc_macro2::Spacing::Alone)
                && matches!(tts.get(k + 2), Some(TokenTree::Group(_)))
                && pred(&name.to_string())
        }
        _ => false,
    })
}

/// A log helper (`emit_err(e, ..)`), or a call that ends the process on the error
/// (`.map_err(|_| abort())`: it cannot go unnoticed).
fn mentions_log_helper(tokens: TokenStream) -> bool {
    crate::semantic::syntax::any_ident(tokens, &|i| {
        let name = i.to_string();
        is_log_helper(&name) || name == "abort" || name == "exit"
    })
}

/// `OnceLock`/`OnceCell` (std, `once_cell`, tokio): `set`'s `Err` only says "already set".
/// (`Ty::peel` sees through once-cells to what they hold, so this walks the wrappers itself.)
fn is_once_cell(t: &crate::semantic::Ty) -> bool {
    let Some(path) = t.path_str() else {
        return false;
    };
    match crate::semantic::syntax::last_segment(path) {
        // tokio's `SetOnce` too: its `set` errs only when already set (or closed).
        "OnceLock" | "OnceCell" | "OnceBox" | "OnceNonZeroUsize" | "SetOnce" => true,
        "Arc" | "Rc" | "Box" | "Pin" => t.args().first().is_some_and(is_once_cell),
        _ => false,
    }
}

/// A thread handle whose output is known and not a `Result` (`JoinHandle<()>`): joining it
/// loses nothing but the panic the hook printed.
fn joins_no_error(t: &crate::semantic::Ty) -> bool {
    let Some(path) = t.path_str() else {
        return false;
    };
    match crate::semantic::syntax::last_segment(path) {
        "JoinHandle" | "ScopedJoinHandle" => t.args().first().is_some_and(|out| match out {
            crate::semantic::Ty::Tuple(elems) => elems.is_empty(),
            crate::semantic::Ty::Unknown => false,
            out => out.path_str().is_some_and(|p| !p.ends_with("Result")),
        }),
        "Arc" | "Rc" | "Box" => t.args().first().is_some_and(joins_no_error),
        _ => false,
    }
}

/// Known, and not a once-cell: a static whose type the index cannot settle stays silent.
fn not_once_cell(t: &crate::semantic::Ty) -> bool {
    !matches!(t, crate::semantic::Ty::Unknown) && !is_once_cell(t)
}

/// The `.and_then(..)`'s receiver reads configuration (`env::var(..)`, `config.x`, `cfg.get(..)`):
/// a value that fails to parse there is a misconfiguration somebody must hear about. The value
/// is the one the chain carries last: after `.and_then(|p| event.get(p))` it comes from `event`,
/// whatever `config.ttl_field` named the path.
fn reads_config(e: &syn::Expr) -> bool {
    let mut cur = e;
    while let syn::Expr::MethodCall(mc) = peel(cur) {
        if let Some(syn::Expr::Closure(cl)) = mc.args.first().map(peel)
            && let Some(source) = closure_source(cl)
        {
            return mentions_config(source);
        }
        cur = &mc.receiver;
    }
    mentions_config(cur)
}

/// What a closure's value is read from when that is not its own parameter (`|p| event.get(p)` →
/// `event`); `None` when it transforms its parameter (`|v| v.as_integer()`,
/// `|v| u64::try_from(v)`).
fn closure_source(cl: &syn::ExprClosure) -> Option<&syn::Expr> {
    let mut params = Vec::new();
    for p in &cl.inputs {
        crate::semantic::syntax::pat_names(p, &mut params);
    }
    let is_param = |e: &syn::Expr| matches!(peel(e), syn::Expr::Path(p) if p.path.get_ident().is_some_and(|i| params.iter().any(|n| i == n)));
    let mut root = peel(&cl.body);
    loop {
        root = match root {
            syn::Expr::MethodCall(mc) => peel(&mc.receiver),
            syn::Expr::Field(f) => peel(&f.base),
            syn::Expr::Try(t) => peel(&t.expr),
            syn::Expr::Reference(r) => peel(&r.expr),
            syn::Expr::Unary(u) => peel(&u.expr),
            syn::Expr::Call(c) => {
                return (!c.args.iter().any(&is_param)).then_some(root);
            }
            syn::Expr::Path(_) => return (!is_param(root)).then_some(root),
            _ => return None,
        };
    }
}

/// Whether `e` names configuration: `env::var(..)`, a binding, method or field named for a
/// config (`config`, `cfg`, `settings`) or for the environment (`env_vars`, `process_env`). A
/// field named just `env` is the data of what holds it (`project.env`, a project's stored
/// variables), not the process's environment.
fn mentions_config(e: &syn::Expr) -> bool {
    struct Names(bool);
    fn config_word(i: &str, env: bool) -> bool {
        i == "var"
            || i == "var_os"
            || crate::semantic::secret_names::split_words(i)
                .iter()
                .any(|w| {
                    matches!(w.as_str(), "config" | "cfg" | "conf" | "settings")
                        || (env && w == "env")
                })
    }
    impl<'ast> syn::visit::Visit<'ast> for Names {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            self.0 |= config_word(&i.to_string(), true);
        }
        fn visit_expr_field(&mut self, f: &'ast syn::ExprField) {
            self.visit_expr(&f.base);
            if let syn::Member::Named(n) = &f.member {
                let n = n.to_string();
                self.0 |= config_word(&n, n != "env");
            }
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            let mut idents = std::collections::BTreeSet::new();
            collect_idents(m.tokens.clone(), &mut idents);
            self.0 |= idents.iter().any(|i| config_word(i, true));
        }
    }
    let mut v = Names(false);
    syn::visit::Visit::visit_expr(&mut v, e);
    v.0
}

/// Whether `tokens` invoke a logging macro (`warn!`, `tracing::error!`, `eprintln!`) or hand the
/// error to `inspect_err`: the error is observed somewhere in this statement.
fn observes_error(tokens: TokenStream) -> bool {
    invokes_macro(tokens.clone(), &is_log_macro)
        || crate::semantic::syntax::any_ident(tokens, &|i| i == "inspect_err")
}

/// The operation producing a value, looking through `.await` and `.map(..)` adapters: `try_recv`
/// for `rx.try_recv()`, `("from_str", Some("u32"))` for `u32::from_str(s)`, `parse` for
/// `Cookie::parse(v).map(..)`.
fn op_name(e: &syn::Expr) -> Option<(String, Option<String>)> {
    match peel_await(e) {
        syn::Expr::MethodCall(mc) if mc.method == "map" && mc.args.len() == 1 => {
            op_name(&mc.receiver)
        }
        syn::Expr::MethodCall(mc) => Some((mc.method.to_string(), None)),
        syn::Expr::Call(c) => match peel(&c.func) {
            syn::Expr::Path(p) => {
                let n = p.path.segments.len();
                let last = p.path.segments.last()?.ident.to_string();
                let ty = n
                    .checked_sub(2)
                    .and_then(|i| p.path.segments.iter().nth(i))
                    .map(|s| s.ident.to_string())
                    // `<&UserId>::try_from(s)`: the qualified type.
                    .or_else(|| p.qself.as_ref().and_then(|q| qself_name(&q.ty)));
                Some((last, ty))
            }
            _ => None,
        },
        _ => None,
    }
}

/// The last path segment of a qualified type (`UserId` in `<&UserId>`).
fn qself_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => qself_name(&r.elem),
        syn::Type::Path(tp) => tp.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// The producing operation's `Err` means "not now", not failure (`try_recv`, `try_lock`), or
/// it only reports a bug: `serde_json::to_string(&v)` / `to_vec` / `to_value` of an in-memory
/// value fails only for a `Serialize` impl that errs or a map keyed by a non-scalar, never at
/// run time for the data a service holds.
fn expected(e: &syn::Expr) -> bool {
    atomic_answer(e)
        || op_name(e).is_some_and(|(op, ty)| {
            fallible::expected_failure(&op)
            // `find_map(|k| env::var(k).ok())`: the first of these variables that is set.
            || (ty.as_deref() == Some("env") && matches!(op.as_str(), "var" | "var_os"))
            || (ty.as_deref() == Some("serde_json")
                && matches!(
                    op.as_str(),
                    "to_string" | "to_string_pretty" | "to_vec" | "to_vec_pretty" | "to_value"
                ))
        })
}

/// An atomic's `fetch_update(Relaxed, Relaxed, |n| n.checked_sub(1))`, whose `Err` hands back
/// the value the closure declined to change (a decrement that stops at zero), or its
/// `compare_exchange(cur, new, AcqRel, Acquire)`, whose `Err` is the value found instead: std's
/// arities, or crossbeam `AtomicCell`'s (`fetch_update(f)`, `compare_exchange(cur, new)`), not
/// awaited (a store client's `kv.compare_exchange(..).await` can fail for real).
fn atomic_answer(e: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(mc) = peel(e) else {
        return false;
    };
    match mc.method.to_string().as_str() {
        "fetch_update" => matches!(mc.args.len(), 1 | 3),
        "compare_exchange" | "compare_exchange_weak" => matches!(mc.args.len(), 2 | 4),
        _ => false,
    }
}

/// `fs::remove_dir(dir)` (std's or tokio's): removes a directory only if it is empty, so a
/// discarded one is "remove it if nothing else lives there" (`let _ = fs::remove_dir(path);`
/// after deleting one's own files), whose usual `Err` (not empty, already gone) is that
/// answer. `remove_dir_all` is a real removal and stays.
fn removes_if_empty(e: &syn::Expr) -> bool {
    op_name(e).is_some_and(|(op, ty)| op == "remove_dir" && ty.as_deref() == Some("fs"))
}

/// The chain before the producing operation already turned a failure into `None`
/// (`fs::metadata(f).ok()?.modified().ok()?.duration_since(UNIX_EPOCH).ok()`): the I/O errors
/// vanish with it, whatever the last conversion is. An earlier `.ok()` of a validation
/// (`h.to_str().ok()?.parse().ok()`) is one more validation.
fn drops_earlier_failure(e: &syn::Expr) -> bool {
    let mut cur = peel_await(e);
    loop {
        let inner = match peel(cur) {
            syn::Expr::MethodCall(mc) => &mc.receiver,
            syn::Expr::Try(t) => &t.expr,
            syn::Expr::Await(a) => &a.base,
            _ => return false,
        };
        if let syn::Expr::MethodCall(mc) = peel(inner)
            && mc.method == "ok"
            && mc.args.is_empty()
            && !validation(&mc.receiver)
        {
            return true;
        }
        cur = inner;
    }
}

/// The producing operation is a validation conversion (`parse`, `to_str`, `u16::try_from`).
fn validation(e: &syn::Expr) -> bool {
    if drops_earlier_failure(e) {
        return false;
    }
    // `BASE64_STANDARD.decode(s)`: an encoding engine's decoder.
    if let syn::Expr::MethodCall(mc) = peel_await(e)
        && mc.method == "decode"
        && let syn::Expr::Path(p) = peel(&mc.receiver)
        && p.path
            .segments
            .last()
            .is_some_and(|s| names_text_encoding(&s.ident.to_string()))
    {
        return true;
    }
    // `schema.index_of(col)` (arrow's `Schema`/`Fields`): "no such column". A project's own
    // `store.index_of(k)` may do I/O.
    if let syn::Expr::MethodCall(mc) = peel_await(e)
        && mc.method == "index_of"
    {
        let root = expr_text(&mc.receiver).to_lowercase();
        return root.contains("schema") || root.contains("fields");
    }
    op_name(e).is_some_and(|(op, ty)| checks_value(&op, ty.as_deref()))
}

/// Operation `op` (of type or module `ty`) converts a value whose `Err` only says "not a valid
/// one", called (`TraceId::from_hex(h)`) or given by path (`.map(TraceId::from_hex)`).
fn checks_value(op: &str, ty: Option<&str>) -> bool {
    fallible::is_validation_conversion(op, ty)
        || (op == "try_from" && ty.is_some_and(is_value_type))
        // `dns::Name::try_from_ascii(..)`: a parse named for its input format (a bare
        // `try_from`, such as `User::try_from(&row)`, stays a decode).
        || op.starts_with("try_from_")
        || op == "from_ascii"
        // `TraceId::from_hex(h)`: an identifier parsed from its text encoding (a record's,
        // `Transaction::from_hex(raw)`, is a decode whose failure loses the record).
        || (op.strip_prefix("from_").is_some_and(names_text_encoding)
            && ty.is_some_and(is_value_type))
        // `hex::decode(h)`, `BASE64_STANDARD.decode(s)`: "not valid hex/base64".
        || (op == "decode" && ty.is_some_and(names_text_encoding))
        // `OffsetDateTime::from_unix_timestamp(t)`, `DateTime::from_timestamp_millis(ms)`: a
        // range check of a number of seconds.
        // `aws_smithy_types::DateTime::from_nanos(n)`, `from_millis`, `from_secs`: the same.
        || ((op.starts_with("from_unix_timestamp")
            || op.starts_with("from_timestamp")
            || matches!(op, "from_nanos" | "from_micros" | "from_millis" | "from_secs"))
            && ty.is_some_and(is_time_type))
}

/// A date-time type of `time`, `chrono` or `jiff`.
fn is_time_type(ty: &str) -> bool {
    ty.ends_with("DateTime") || matches!(ty, "Timestamp" | "Utc" | "Local" | "Zoned")
}

/// A text encoding's module or engine: `hex`, `base64`, `BASE64_STANDARD`, `URL_SAFE_NO_PAD`.
fn names_text_encoding(ty: &str) -> bool {
    let t = ty.to_ascii_lowercase();
    [
        "hex", "base64", "base32", "base58", "bs58", "b64", "standard", "url_safe",
    ]
    .iter()
    .any(|w| t.contains(w))
}

/// Integer newtypes of common crates (`js_int::UInt`, `NonZeroU64`, `U256`): `try_from` into
/// one is a range check, like `u16::try_from`. Textual value types (`Uri::try_from(link)`,
/// `HeaderValue::try_from(s)`) are parses of their input, like `str::parse`.
fn is_value_type(ty: &str) -> bool {
    matches!(
        ty,
        "UInt"
            | "Int"
            | "U256"
            | "I256"
            | "U128"
            | "U64"
            | "U32"
            | "Duration"
            | "SystemTime"
            | "Uri"
            | "Url"
            | "HeaderValue"
            | "HeaderName"
            | "Method"
            | "Authority"
            | "PathAndQuery"
            | "IpAddr"
            | "SocketAddr"
    ) || ty.starts_with("NonZero")
        // Identifiers checked against their grammar (`OwnedUserId::try_from(s)`,
        // `ServerName::try_from(s)`): a record type is named for what it holds, not `..Id`.
        || ty.ends_with("Id")
        || ty.ends_with("Name")
}

/// `e.ok()` with no arguments.
/// The `.ok()` a one-parameter closure's value is (`|v| v.parse().ok()`, also in a block of its
/// own).
fn closure_ok_call(cl: &syn::ExprClosure) -> Option<&syn::ExprMethodCall> {
    if cl.inputs.len() != 1 {
        return None;
    }
    let mut body = peel(&cl.body);
    if let syn::Expr::Block(b) = body
        && b.block.stmts.len() == 1
        && let Some(syn::Stmt::Expr(e, None)) = b.block.stmts.first()
    {
        body = peel(e);
    }
    as_ok_call(body)
}

fn as_ok_call(e: &syn::Expr) -> Option<&syn::ExprMethodCall> {
    match peel(e) {
        syn::Expr::MethodCall(mc) if mc.method == "ok" && mc.args.is_empty() => Some(mc),
        _ => None,
    }
}

/// A known-fallible call (`tx.send(x)`, `fs::remove_file(p)`), looking through `.await`:
/// the span to report and a short description.
fn fallible_call(cx: &Cx, e: &syn::Expr) -> Option<(proc_macro2::Span, String, bool)> {
    match peel_await(e) {
        syn::Expr::MethodCall(mc)
            if fallible::is_fallible_method(&mc.method.to_string(), mc.args.len()) =>
        {
            if mc.method == "write" && mc.args.first().is_some_and(|a| is_bool(cx, a)) {
                // `OpenOptions::write(true)`: a builder setting, not `io::Write::write(buf)`.
                return None;
            }
            let is_send = is_channel_send(&mc.method.to_string());
            Some((
                mc.method.span(),
                format!("{}.{}(..)", expr_text(&mc.receiver), mc.method),
                is_send,
            ))
        }
        syn::Expr::Call(c) => {
            let callee = cx.callee(c)?;
            fallible::is_fallible_fn(&callee).then(|| (c.func.span(), callee, false))
        }
        _ => None,
    }
}

/// A `true`/`false` literal, or a value whose known type is `bool`.
fn is_bool(cx: &Cx, e: &syn::Expr) -> bool {
    matches!(
        peel(e),
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Bool(_),
            ..
        })
    ) || cx.type_of(e).known().and_then(|t| t.peel().path_str()) == Some("bool")
}

/// What a failed send loses.
enum Loss {
    /// Data: report it.
    Data,
    /// Nothing: a pure signal, or a request whose reply channel reports the failure.
    Nothing,
    /// Decided by types the crate index settles: report only if every one passes its test. A
    /// unit-like variant is data on a `watch` channel only (a failed send stores nothing, every
    /// later reader gets the old value); a send on a receiver typed through another file is a
    /// oneshot answer or not; a message's bindings typed through a re-export may be its reply
    /// channel.
    If(Vec<Condition>),
}

impl Loss {
    fn if_type(ty: TyExpr, holds: Holds) -> Loss {
        Loss::If(vec![Condition { ty, holds }])
    }
}

/// `tx.send(())`, `tx.send(Command::Discard)`: a pure signal, carrying no data. A send fails
/// when nobody listens any more (no data is lost) or, for `try_send`, when the queue is full
/// (a wake-up is already pending): its error is not worth reporting — except that a variant
/// sent on a `watch` channel is state.
fn unit_signal(cx: &Cx, send: &syn::ExprMethodCall) -> Loss {
    if send.args.len() != 1 {
        return Loss::Data;
    }
    match send.args.first().map(peel) {
        Some(syn::Expr::Tuple(t)) if t.elems.is_empty() => Loss::Nothing,
        // A unit-like variant or struct (`Wake::Up`, `Discard`), not a constant (`MAX`).
        Some(syn::Expr::Path(p))
            if p.path.segments.last().is_some_and(|s| {
                let n = s.ident.to_string();
                n.chars().next().is_some_and(char::is_uppercase)
                    && n.chars().any(char::is_lowercase)
            }) =>
        {
            Loss::if_type(cx.type_of(&send.receiver), Holds::Ty(is_watch_sender))
        }
        _ => Loss::Data,
    }
}

fn is_watch_sender(t: &Ty) -> bool {
    t.peel().path_str() == Some("tokio::sync::watch::Sender")
}

/// `e`'s type is known and passes `pred` (which peels `Arc`, `&`, `Option`... itself).
fn known_type_is(cx: &Cx, e: &syn::Expr, pred: fn(&Ty) -> bool) -> bool {
    cx.type_of(e).known().is_some_and(pred)
}

/// `tx.send((query, reply_tx))` where `reply_tx` is a oneshot `Sender`: a request carrying its
/// reply channel. If the send fails, the reply sender is dropped with the message and the
/// requester's `reply_rx.await` fails: the failure is observed there. `None` when no binding of
/// the message can be one; the bindings whose type the crate index settles (`oneshot` through
/// `pub use tokio::sync::*;`) decide otherwise.
fn reply_channel(cx: &Cx, send: &syn::ExprMethodCall) -> Option<Loss> {
    struct Names<'e>(Vec<&'e syn::Expr>);
    impl<'e> syn::visit::Visit<'e> for Names<'e> {
        fn visit_expr(&mut self, e: &'e syn::Expr) {
            if let syn::Expr::Path(p) = e
                && p.qself.is_none()
                && p.path.get_ident().is_some()
            {
                self.0.push(e);
            }
            syn::visit::visit_expr(self, e);
        }
    }
    let mut names = Names(Vec::new());
    for arg in &send.args {
        syn::visit::Visit::visit_expr(&mut names, arg);
    }
    let mut deferred = Vec::new();
    for n in names.0 {
        match lossless_if_type(cx, n, is_reply_sender) {
            Some(Loss::If(c)) => deferred.extend(c),
            Some(Loss::Nothing) => return Some(Loss::Nothing),
            _ => {}
        }
    }
    (!deferred.is_empty()).then_some(Loss::If(deferred))
}

/// A type test now or once the crate index settles the type: `Nothing` if `e`'s type is known
/// to pass `is`, a condition (`isnt`, its negation) if the type waits for the index, `None` if
/// it is known otherwise or unknown.
fn lossless_if_type(cx: &Cx, e: &syn::Expr, is: fn(&str) -> bool) -> Option<Loss> {
    lossless_unless(cx, e, is, Holds::PathIsNot(is))
}

/// [`lossless_if_type`] with the test a deferred type must pass to stay data.
fn lossless_unless(cx: &Cx, e: &syn::Expr, is: fn(&str) -> bool, isnt: Holds) -> Option<Loss> {
    lossless_when(cx, e, |t| t.peel().path_str().is_some_and(is), isnt)
}

/// [`lossless_unless`] with a test of the whole type (its arguments too).
fn lossless_when(cx: &Cx, e: &syn::Expr, is: impl Fn(&Ty) -> bool, isnt: Holds) -> Option<Loss> {
    let ty = cx.type_of(e);
    match ty.known() {
        Some(t) => is(t).then_some(Loss::Nothing),
        None if ty.is_unknown() => None,
        None => Some(Loss::if_type(ty, isnt)),
    }
}

/// `tx.send(..)`, `tx.try_send(..)`, `tx.blocking_send(..)` (through `.await`): a channel send.
fn send_call(e: &syn::Expr) -> Option<&syn::ExprMethodCall> {
    match peel_await(e) {
        // `request.send()` (no message) is an HTTP request builder's, not a channel's.
        syn::Expr::MethodCall(mc)
            if is_channel_send(&mc.method.to_string())
                && fallible::is_fallible_method(&mc.method.to_string(), mc.args.len()) =>
        {
            Some(mc)
        }
        _ => None,
    }
}

/// Senders a request hands over for its answer: a oneshot, or a std rendezvous/mpsc sender
/// whose receiver the requester waits on.
fn is_reply_sender(path: &str) -> bool {
    is_oneshot_sender(path)
        || matches!(
            path,
            "std::sync::mpsc::SyncSender" | "std::sync::mpsc::Sender"
        )
}

fn is_oneshot_sender(path: &str) -> bool {
    matches!(
        path,
        "tokio::sync::oneshot::Sender" | "futures::channel::oneshot::Sender"
    )
}

/// `reply_tx.send(answer)` on a oneshot: its only error is that the requester stopped waiting
/// (dropped its receiver, which is how it cancels). The answer has no reader left. A receiver
/// typed through another file (`self.reply.take()` of a field) is settled by the crate index.
fn oneshot_answer(cx: &Cx, send: &syn::ExprMethodCall) -> Option<Loss> {
    if send.method != "send" {
        return None;
    }
    lossless_if_type(cx, &send.receiver, is_oneshot_sender)
}

/// `events_tx.send(event)` on a tokio `broadcast::Sender`: publishing fails only when nobody is
/// subscribed at that moment, and a subscriber that comes later would not get the value anyway
/// (a broadcast channel keeps nothing for receivers that do not exist yet). "No listeners" is a
/// normal state of a publisher, not a lost message.
fn broadcast_publish(cx: &Cx, send: &syn::ExprMethodCall) -> Option<Loss> {
    if send.method != "send" {
        return None;
    }
    lossless_if_type(cx, &send.receiver, is_broadcast_sender)
}

fn is_broadcast_sender(path: &str) -> bool {
    path == "tokio::sync::broadcast::Sender"
}

/// How far above a send of `Err(..)` a log statement still counts as reporting that error.
const LOGGED_WITHIN_LINES: u32 = 25;

/// `error!(%e, ..); let _ = tx.send(Err(e)).await;`: the error being passed on was logged a few
/// lines up in the same fn; if the consumer is gone, only a copy of it is lost.
fn forwards_logged_error(send: &syn::ExprMethodCall, logged: Option<&[String]>) -> bool {
    logged.is_some_and(|errors| {
        send.args.first().is_some_and(|a| is_variant_call(a, "Err"))
            || mentions_any(send.args.iter(), errors)
    })
}

/// Whether one of `args` names one of `names` (also as a format string's capture).
fn mentions_any<'a>(mut args: impl Iterator<Item = &'a syn::Expr>, names: &[String]) -> bool {
    args.any(|a| {
        let mut named = std::collections::BTreeSet::new();
        value_names(a.to_token_stream(), &mut named);
        names.iter().any(|e| named.contains(e))
    })
}

/// `error!("read failed: {e}"); respond_with_error(&mut http, format!("read failed: {e}"))
/// .await.ok();`: a call named for answering with the error just logged (a response to the
/// client that failed) loses only a copy of it.
fn reports_logged_error(e: &syn::Expr, logged: Option<&[String]>) -> bool {
    let Some(errors) = logged.filter(|errors| !errors.is_empty()) else {
        return false;
    };
    let e = peel_await(e);
    // Named for answering with the error (`respond_with_error`, `reply_err`, `send_failure`):
    // a `requeue(job, e)` that fails loses the job, not a copy of the error.
    let reports = |name: &str| {
        let name = name.to_ascii_lowercase();
        ["err", "fail", "respond", "reply", "reject"]
            .iter()
            .any(|w| name.contains(w))
    };
    match e {
        syn::Expr::Call(c) => {
            crate::semantic::syntax::path_last_ident(&c.func)
                .is_some_and(|i| reports(&i.to_string()))
                && mentions_any(c.args.iter(), errors)
        }
        syn::Expr::MethodCall(mc) => {
            reports(&mc.method.to_string()) && mentions_any(mc.args.iter(), errors)
        }
        _ => false,
    }
}

/// The names `tokens` mention: identifiers, and format strings' inline captures
/// (`format!("fatal: {e}")`).
fn value_names(tokens: TokenStream, out: &mut std::collections::BTreeSet<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                out.insert(i.to_string());
            }
            TokenTree::Group(g) => value_names(g.stream(), out),
            TokenTree::Literal(l) => {
                if let Some(s) = crate::semantic::syntax::lit_str(&l) {
                    out.extend(crate::semantic::macros::inline_captures(&s.value()));
                }
            }
            TokenTree::Punct(_) => {}
        }
    }
}

/// A log-macro statement of the fn being walked: where it ends, and the error-named values it
/// logged (`error!("..: {}", e)`: `e`), which a send below may pass on
/// (`abort_tx.send(Shutdown::error(e.to_string()))`).
struct RecentLog {
    line: u32,
    errors: Vec<String>,
}

/// `e`, `err`, `error`, `io_err`, `send_error`: a name for an error value.
fn is_error_name(name: &str) -> bool {
    matches!(name, "e" | "err" | "error") || name.ends_with("_err") || name.ends_with("_error")
}

/// `shutdown_rx.await.ok();`, `rx.recv().await.ok();`, `rx.changed().await.ok();`: a receive
/// whose value is dropped is a wait. Its `Err` (every sender gone) ends the wait like a value
/// does; nothing failed. `Some(Nothing)` for a wait, a condition where the crate index settles
/// whether the awaited value is a oneshot receiver, `None` otherwise. An awaited binding of
/// unknown type named as a receiver (`rx`, `shutdown_rx`, `receiver`) is one: of the channel
/// receivers only a oneshot's is itself a future.
fn wait(cx: &Cx, e: &syn::Expr) -> Option<Loss> {
    let waits = |e: &syn::Expr| {
        op_name(e).is_some_and(|(op, _)| {
            matches!(
                op.as_str(),
                "recv" | "recv_async" | "changed" | "wait_for" | "closed"
            )
        })
    };
    if waits(e) {
        return Some(Loss::Nothing);
    }
    // `tenant.wait_to_become_active(ACTIVE_TENANT_TIMEOUT).await.ok();`: a wait bounded by
    // the timeout it is given; its `Err` says the state did not come in time, which the caller
    // reads next.
    if let syn::Expr::MethodCall(mc) = peel_await(e)
        && mc.method.to_string().starts_with("wait")
        // `Condvar::wait_timeout`'s `Err` is poisoning; a child's `wait_timeout` is I/O.
        && !mc.method.to_string().starts_with("wait_timeout")
        && mc.args.iter().any(|a| {
            let text = expr_text(a).to_ascii_lowercase();
            text.contains("timeout") || text.contains("duration::")
        })
    {
        return Some(Loss::Nothing);
    }
    // `timeout(d, cancel.cancelled()).await.ok();`: a bounded wait, whose `Elapsed` is one of
    // its two ordinary ends.
    if let syn::Expr::Call(c) = peel_await(e)
        && c.args.len() == 2
        && crate::semantic::syntax::path_ends_with(&c.func, "timeout")
        && c.args.last().is_some_and(|fut| {
            waits(fut)
                || op_name(fut).is_some_and(|(op, _)| {
                    matches!(
                        op.as_str(),
                        "cancelled" | "notified" | "sleep" | "sleep_until"
                    )
                })
        })
    {
        return Some(Loss::Nothing);
    }
    // The awaited value itself (`rx.await`, `self.done_rx.await`), not a call's future.
    let syn::Expr::Await(aw) = peel(e) else {
        return None;
    };
    if !matches!(peel(&aw.base), syn::Expr::Path(_) | syn::Expr::Field(_)) {
        return None;
    }
    let named_receiver = matches!(peel(&aw.base), syn::Expr::Path(p)
        if p.path.get_ident().is_some_and(|i| is_receiver_name(&i.to_string())));
    // Named as a receiver, only a type known to be something else makes it data.
    let isnt = if named_receiver {
        Holds::Ty(known_not_oneshot_receiver)
    } else {
        Holds::PathIsNot(is_oneshot_receiver)
    };
    match lossless_unless(cx, &aw.base, is_oneshot_receiver, isnt) {
        None if named_receiver && cx.type_of(&aw.base).is_unknown() => Some(Loss::Nothing),
        answer => answer,
    }
}

/// `window.show().ok();`, `overlay.set_focus().ok();`: a GUI window's presentation calls
/// (tauri, winit, ...), on a receiver named as a window or overlay. They fail only when the
/// event loop is gone, that is while the app exits, and change nothing the program reads.
fn window_chrome(e: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(mc) = peel_await(e) else {
        return false;
    };
    matches!(
        mc.method.to_string().as_str(),
        "show"
            | "hide"
            | "close"
            | "destroy"
            | "set_focus"
            | "unminimize"
            | "minimize"
            | "maximize"
            | "center"
            | "set_title"
            | "set_always_on_top"
    ) && receiver_name(&mc.receiver).is_some_and(|r| {
        let r = r.to_ascii_lowercase();
        r.contains("window") || r.contains("overlay")
    })
}

/// The name a receiver is known by: the last field (`main_window` in `self.main_window`), or
/// the binding (`window`, also through `window.clone()`).
fn receiver_name(e: &syn::Expr) -> Option<String> {
    match peel(e) {
        syn::Expr::Field(f) => Some(crate::semantic::syntax::member_name(&f.member)),
        syn::Expr::Path(p) => p.path.get_ident().map(ToString::to_string),
        syn::Expr::MethodCall(mc) => receiver_name(&mc.receiver),
        syn::Expr::Reference(r) => receiver_name(&r.expr),
        _ => None,
    }
}

/// A write that loses nothing, by its receiver's type (settled by the crate index where the
/// file cannot, a field's): `stream.flush()` on a socket that buffers nothing
/// (`std::net::TcpStream`, tokio's: it returns `Ok(())` without doing anything) or on a byte
/// sink in memory; `io::Write` calls into a byte sink (`buf.write_all(..)`, also tokio's
/// `AsyncWriteExt` ones, awaited); `fmt::Write` calls into a `String`.
fn lossless_write(cx: &Cx, e: &syn::Expr) -> Option<Loss> {
    let syn::Expr::MethodCall(mc) = peel_await(e) else {
        return None;
    };
    let (is, isnt): (TyTest, TyTest) = match mc.method.to_string().as_str() {
        "flush" if mc.args.is_empty() => (
            |t| is_unbuffered_socket_ty(t) || is_byte_sink(t),
            |t| !is_unbuffered_socket_ty(t) && !is_byte_sink(t),
        ),
        "write" | "write_all" | "write_vectored" => (is_byte_sink, |t| !is_byte_sink(t)),
        "write_str" | "write_char" => (is_string, |t| !is_string(t)),
        "write_fmt" => (is_memory_sink, |t| !is_memory_sink(t)),
        _ => return None,
    };
    lossless_when(cx, &mc.receiver, is, Holds::Ty(isnt))
}

/// A test of a type (what the write's receiver is, and what it must not be for the finding).
type TyTest = fn(&Ty) -> bool;

fn is_unbuffered_socket_ty(t: &Ty) -> bool {
    t.peel().path_str().is_some_and(is_unbuffered_socket)
}

/// The connected stream sockets of std and tokio (TCP and Unix): no buffer of their own.
fn is_unbuffered_socket(path: &str) -> bool {
    path.ends_with("Stream") && crate::semantic::types::SOCKET_TYPES.contains(&path)
}

fn known_not_oneshot_receiver(t: &Ty) -> bool {
    !matches!(t, Ty::Unknown) && Holds::PathIsNot(is_oneshot_receiver).test(t)
}

fn is_oneshot_receiver(path: &str) -> bool {
    matches!(
        path,
        "tokio::sync::oneshot::Receiver" | "futures::channel::oneshot::Receiver"
    )
}

/// `sock.set_read_timeout(Some(Duration::from_secs(2)))` (or `set_write_timeout`, or `None`):
/// std documents one error for these, a zero duration, which a non-zero literal rules out.
fn sets_nonzero_timeout(cx: &Cx, e: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(mc) = peel(e) else {
        return false;
    };
    if !(mc.method == "set_read_timeout" || mc.method == "set_write_timeout") {
        return false;
    }
    // A workspace type's own `set_read_timeout` may fail for its own reasons.
    if cx
        .type_of(&mc.receiver)
        .known()
        .and_then(|t| t.peel().path_str())
        .is_some_and(|p| !crate::semantic::types::is_external(p))
    {
        return false;
    }
    let Some(arg) = mc.args.first().filter(|_| mc.args.len() == 1) else {
        return false;
    };
    match peel(arg) {
        syn::Expr::Path(p) => p.path.is_ident("None"),
        syn::Expr::Call(some) if is_variant_call(arg, "Some") => {
            some.args.first().is_some_and(nonzero_duration)
        }
        _ => false,
    }
}

/// `Duration::from_secs(2)`, `from_millis(100)`, `Duration::new(1, 0)`: built from integer
/// literals, not all zero.
fn nonzero_duration(e: &syn::Expr) -> bool {
    let syn::Expr::Call(c) = peel(e) else {
        return false;
    };
    let syn::Expr::Path(f) = peel(&c.func) else {
        return false;
    };
    let Some(ctor) = f.path.segments.last().map(|s| s.ident.to_string()) else {
        return false;
    };
    if !matches!(
        ctor.as_str(),
        "from_secs" | "from_millis" | "from_micros" | "from_nanos" | "new"
    ) || f.path.segments.len() < 2
    {
        return false;
    }
    let ints: Option<Vec<u128>> = c
        .args
        .iter()
        .map(|a| match peel(a) {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(i),
                ..
            }) => i.base10_parse::<u128>().ok(),
            _ => None,
        })
        .collect();
    ints.is_some_and(|v| !v.is_empty() && v.iter().any(|&n| n > 0))
}

/// A `String`: its `fmt::Write` never fails.
fn is_string(t: &Ty) -> bool {
    t.peel().path_str() == Some("std::string::String")
}

/// A `Vec<u8>` or `VecDeque<u8>` (the element unknown counts: nothing else of std takes
/// `io::Write` calls): its `io::Write` grows it, or aborts on allocation failure, and never
/// returns an error. A `Vec` of anything else written to is a user trait's, whose error is real.
fn is_byte_sink(t: &Ty) -> bool {
    let t = t.peel();
    matches!(
        t.path_str(),
        Some("std::vec::Vec" | "std::collections::VecDeque")
    ) && match t.args() {
        [] => true,
        [elem] => elem.path_str() == Some("u8"),
        _ => false,
    }
}

/// A sink in memory ([`is_string`], [`is_byte_sink`]): what `write!` writes into loses nothing.
fn is_memory_sink(t: &Ty) -> bool {
    is_string(t) || is_byte_sink(t)
}

/// `write!(s, ..)` / `writeln!(s, ..)` into a `String` or a `Vec<u8>` (see [`is_memory_sink`]):
/// never fails.
fn writes_in_memory(cx: &Cx, e: &syn::Expr) -> bool {
    // `match tags { None => Ok(()), Some(t) => write!(out, "{t}") }.ok();`: every arm either
    // succeeds outright or writes into a `String`.
    if let syn::Expr::Match(m) = peel(e) {
        return m.arms.iter().all(|arm| {
            let body = match peel(&arm.body) {
                syn::Expr::Block(b) => match b.block.stmts.last() {
                    Some(syn::Stmt::Expr(tail, None)) => tail,
                    _ => return false,
                },
                other => other,
            };
            is_variant_call(body, "Ok") || writes_in_memory(cx, body)
        });
    }
    // `view.write_fmt(format_args!(..))`: the method the macro calls.
    if let syn::Expr::MethodCall(mc) = peel(e)
        && mc.method == "write_fmt"
    {
        return known_type_is(cx, &mc.receiver, is_memory_sink);
    }
    let syn::Expr::Macro(m) = peel(e) else {
        return false;
    };
    if !matches!(
        crate::semantic::macros::macro_name(&m.mac).as_str(),
        "write" | "writeln"
    ) {
        return false;
    }
    let target: proc_macro2::TokenStream = m
        .mac
        .tokens
        .clone()
        .into_iter()
        .take_while(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == ','))
        .collect();
    syn::parse2::<syn::Expr>(target).is_ok_and(|target| {
        let target = match &target {
            syn::Expr::Reference(r) => &*r.expr,
            other => other,
        };
        known_type_is(cx, target, is_memory_sink)
    })
}

/// Constructors of a `(sender, receiver)` pair, by their last path segment.
const CHANNEL_CTORS: &[&str] = &[
    "channel",
    "unbounded_channel",
    "unbounded",
    "bounded",
    "sync_channel",
];

/// `Instruction::GetPanePid { pane_id, response_channel } => { .. let _ =
/// response_channel.send(pid); }`: a reply sender a `match` arm takes out of the request it
/// handles (named for the answer: `reply`, `response_channel`, `respond_to`, `responder`), of
/// whatever channel type. Its receiver is the requester's, waiting for this one answer; when
/// the requester stopped waiting the answer has no reader left, and the next request brings a
/// sender of its own. A sender the fn was handed once (a parameter), or one the arm sends a
/// stream of answers on in a loop, is no such answer.
fn request_reply_sends(block: &syn::Block, out: &mut std::collections::HashSet<(usize, usize)>) {
    struct Arms<'o> {
        out: &'o mut std::collections::HashSet<(usize, usize)>,
    }
    /// Sends of the arm's reply senders, not in a loop of the arm (a stream of answers to a
    /// subscription goes on for nobody like any loop's).
    struct Sends<'n, 'o> {
        names: &'n [String],
        out: &'o mut std::collections::HashSet<(usize, usize)>,
    }
    impl<'a> syn::visit::Visit<'a> for Sends<'_, '_> {
        fn visit_expr_loop(&mut self, _: &'a syn::ExprLoop) {}
        fn visit_expr_while(&mut self, _: &'a syn::ExprWhile) {}
        fn visit_expr_for_loop(&mut self, _: &'a syn::ExprForLoop) {}
        fn visit_expr_method_call(&mut self, mc: &'a syn::ExprMethodCall) {
            if matches!(mc.method.to_string().as_str(), "send" | "try_send")
                && let syn::Expr::Path(p) = peel(&mc.receiver)
                && p.path
                    .get_ident()
                    .is_some_and(|i| self.names.iter().any(|n| i == n))
            {
                self.out.insert(pos(mc.method.span()));
            }
            syn::visit::visit_expr_method_call(self, mc);
        }
    }
    impl<'a> syn::visit::Visit<'a> for Arms<'_> {
        fn visit_arm(&mut self, arm: &'a syn::Arm) {
            let mut names = Vec::new();
            crate::semantic::syntax::pat_names(&arm.pat, &mut names);
            names.retain(|n| names_a_reply(n));
            if !names.is_empty() {
                syn::visit::Visit::visit_expr(
                    &mut Sends {
                        names: &names,
                        out: self.out,
                    },
                    &arm.body,
                );
            }
            syn::visit::visit_arm(self, arm);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    syn::visit::Visit::visit_block(&mut Arms { out }, block);
}

/// A binding named for a request's answer channel: `reply`, `reply_tx`, `response_channel`,
/// `respond_to`, `responder`.
fn names_a_reply(name: &str) -> bool {
    crate::semantic::secret_names::split_words(name)
        .iter()
        .any(|w| matches!(w.as_str(), "reply" | "response" | "respond" | "responder"))
}

/// `let (tx, rx) = mpsc::unbounded_channel(); let _ = tx.send(x); .. rx`: while `rx` is still
/// bound in the same block (not mentioned since, so not moved away), a send on `tx` cannot
/// find the receiver gone. `send`/`blocking_send` only: a `try_send` can still find the queue
/// full.
fn held_receiver_sends(block: &syn::Block, out: &mut std::collections::HashSet<(usize, usize)>) {
    struct Blocks<'o>(&'o mut std::collections::HashSet<(usize, usize)>);
    impl<'ast> syn::visit::Visit<'ast> for Blocks<'_> {
        fn visit_block(&mut self, b: &'ast syn::Block) {
            for (i, stmt) in b.stmts.iter().enumerate() {
                let Some((tx, rx)) = channel_pair_let(stmt) else {
                    continue;
                };
                for later in &b.stmts[i + 1..] {
                    if let Some(send) = discarded_send_on(later, &tx) {
                        self.0.insert(pos(send.method.span()));
                        continue;
                    }
                    let tokens = later.to_token_stream();
                    if !crate::semantic::syntax::any_ident(tokens.clone(), &|i| *i == rx) {
                        continue;
                    }
                    // `loop { select! { _ = sig.recv() => { let _ = tx.send(0).await; }
                    // ping = rx.recv() => .. } }`: a statement that only receives from `rx`
                    // in place keeps it, and its own sends on `tx` in place find it there.
                    let mut sends = Vec::new();
                    if !borrows_only(tokens, &tx, &rx, &mut sends) {
                        break;
                    }
                    self.0.extend(sends);
                }
            }
            syn::visit::visit_block(self, b);
        }
    }
    syn::visit::Visit::visit_block(&mut Blocks(out), block);
}

/// Whether every mention of `rx` in `tokens` borrows it in place (`rx.recv()`, `&mut rx`, not
/// inside an `async`/`move` block or a closure, which may take it away): then the positions of
/// the plain sends on `tx` made in place too (`tx.send(..)`, `tx.blocking_send(..)`) go to
/// `sends`.
fn borrows_only(
    tokens: proc_macro2::TokenStream,
    tx: &str,
    rx: &str,
    sends: &mut Vec<(usize, usize)>,
) -> bool {
    use proc_macro2::TokenTree;
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let punct =
        |i: usize, c: char| matches!(trees.get(i), Some(TokenTree::Punct(p)) if p.as_char() == c);
    let ident = |i: usize| match trees.get(i) {
        Some(TokenTree::Ident(id)) => Some(id.to_string()),
        _ => None,
    };
    for (i, tt) in trees.iter().enumerate() {
        match tt {
            TokenTree::Group(g) => {
                // A body that may run elsewhere: `async { .. }`, `async move { .. }`, or a
                // closure's `|..| { .. }`.
                let deferred =
                    matches!(ident(i.wrapping_sub(1)).as_deref(), Some("async" | "move"))
                        || (i > 0 && punct(i - 1, '|'));
                if deferred {
                    if crate::semantic::syntax::any_ident(g.stream(), &|id| *id == rx) {
                        return false;
                    }
                } else if !borrows_only(g.stream(), tx, rx, sends) {
                    return false;
                }
            }
            TokenTree::Ident(id) if *id == rx => {
                let after_dot = i > 0 && punct(i - 1, '.');
                let borrowed = (i > 0 && punct(i - 1, '&'))
                    || (ident(i.wrapping_sub(1)).as_deref() == Some("mut")
                        && i > 1
                        && punct(i - 2, '&'))
                    || (punct(i + 1, '.')
                        && matches!(
                            ident(i + 2).as_deref(),
                            Some(
                                "recv"
                                    | "try_recv"
                                    | "recv_many"
                                    | "poll_recv"
                                    | "blocking_recv"
                                    | "len"
                                    | "is_empty"
                                    | "is_closed"
                            )
                        ));
                if !after_dot && !borrowed {
                    return false;
                }
            }
            TokenTree::Ident(id)
                if *id == tx
                    && !(i > 0 && punct(i - 1, '.'))
                    && punct(i + 1, '.')
                    && matches!(
                        ident(i + 2).as_deref(),
                        Some("send" | "blocking_send" | "unbounded_send")
                    )
                    && matches!(trees.get(i + 3), Some(TokenTree::Group(g)) if g.delimiter() == proc_macro2::Delimiter::Parenthesis) =>
            {
                if let Some(TokenTree::Ident(m)) = trees.get(i + 2) {
                    sends.push(pos(m.span()));
                }
            }
            _ => {}
        }
    }
    true
}

/// A plain send of the fn (see [`is_plain_send`]; not `try_send`, which can still find a
/// bounded queue full) with the loops around it in its own body, innermost last.
struct SendSite<'a> {
    send: &'a syn::ExprMethodCall,
    loops: Vec<&'a syn::Expr>,
    /// The body (fn, closure or async block) and loop depth the send is in.
    at: (usize, usize),
    /// A later statement of a block around the send, within its loop, leaves (`return`,
    /// `break`, `bail!`, `Err(e)?`): the send is the loop's last word (`let _ =
    /// tx.send(Failed(e)).await; return Ok(());`).
    then_leaves: bool,
}

fn is_plain_send(mc: &syn::ExprMethodCall) -> bool {
    matches!(
        mc.method.to_string().as_str(),
        "send" | "blocking_send" | "unbounded_send"
    )
}

/// A send on a channel or sink (not a socket's `send_to`, which is I/O).
fn is_channel_send(method: &str) -> bool {
    matches!(
        method,
        "send" | "try_send" | "blocking_send" | "unbounded_send" | "send_timeout"
    )
}

/// A plain send inside a `select!` arm (the walker reads the macro; `syn::visit` does not):
/// what [`bounded_loop_sends`] needs of it, since the parsed arm does not outlive the visit.
struct SelectSend<'a> {
    key: (usize, usize),
    root: Option<String>,
    /// The loops around the `select!` in its body, innermost last.
    outer: Vec<&'a syn::Expr>,
    /// The loops inside the arm around the send: (runs until stopped, its per-turn bindings).
    inner: Vec<(bool, Vec<String>)>,
    at: (usize, usize),
    then_leaves: bool,
}

#[derive(Default)]
struct Sites<'a> {
    sends: Vec<SendSite<'a>>,
    in_select: Vec<SelectSend<'a>>,
}

fn send_sites<'a>(block: &'a syn::Block, receivers: &[String]) -> Sites<'a> {
    #[derive(Default)]
    struct Sends<'a, 'r> {
        loops: Vec<&'a syn::Expr>,
        body: usize,
        bodies: usize,
        sites: Sites<'a>,
        receivers: &'r [String],
    }
    impl<'a> Sends<'a, '_> {
        fn at(&self) -> (usize, usize) {
            (self.body, self.loops.len())
        }
        /// A closure or async block is another body: a loop outside it is not its loop.
        fn other_body(&mut self, visit: impl FnOnce(&mut Self)) {
            let outer = (std::mem::take(&mut self.loops), self.body);
            self.bodies += 1;
            self.body = self.bodies;
            visit(self);
            (self.loops, self.body) = outer;
        }
    }
    impl<'a> syn::visit::Visit<'a> for Sends<'a, '_> {
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            let is_loop = matches!(
                e,
                syn::Expr::Loop(_) | syn::Expr::While(_) | syn::Expr::ForLoop(_)
            );
            if is_loop {
                self.loops.push(e);
            }
            if let syn::Expr::MethodCall(mc) = e
                && is_plain_send(mc)
            {
                self.sites.sends.push(SendSite {
                    send: mc,
                    loops: self.loops.clone(),
                    at: self.at(),
                    then_leaves: false,
                });
            }
            syn::visit::visit_expr(self, e);
            if is_loop {
                self.loops.pop();
            }
        }
        fn visit_expr_closure(&mut self, c: &'a syn::ExprClosure) {
            self.other_body(|v| syn::visit::visit_expr_closure(v, c));
        }
        fn visit_expr_async(&mut self, a: &'a syn::ExprAsync) {
            self.other_body(|v| syn::visit::visit_expr_async(v, a));
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
        fn visit_block(&mut self, b: &'a syn::Block) {
            let at = self.at();
            for (i, stmt) in b.stmts.iter().enumerate() {
                let before = (self.sites.sends.len(), self.sites.in_select.len());
                self.visit_stmt(stmt);
                if b.stmts[i + 1..].iter().any(leaves_loop) {
                    for site in self.sites.sends[before.0..]
                        .iter_mut()
                        .filter(|s| s.at == at)
                    {
                        site.then_leaves = true;
                    }
                    for site in self.sites.in_select[before.1..]
                        .iter_mut()
                        .filter(|s| s.at == at)
                    {
                        site.then_leaves = true;
                    }
                }
            }
        }
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            if crate::semantic::macros::macro_name(m) != "select" {
                return;
            }
            let Ok(sel) = crate::semantic::macros::parse_select(m.tokens.clone()) else {
                return;
            };
            let mut arm = ArmSends {
                receivers: self.receivers,
                loops: Vec::new(),
                in_closure: 0,
                found: Vec::new(),
            };
            for handler in sel.arms.iter().map(|a| &a.handler).chain(&sel.else_arm) {
                syn::visit::Visit::visit_expr(&mut arm, handler);
            }
            let at = self.at();
            for site in arm.found {
                // Only a send at the arm's own level can be left by what follows the `select!`.
                let at = if site.inner.is_empty() {
                    at
                } else {
                    (usize::MAX, 0)
                };
                self.sites.in_select.push(SelectSend {
                    at,
                    outer: self.loops.clone(),
                    ..site
                });
            }
        }
    }
    /// The sends of `select!` arms, as [`SelectSend`]s still without their outer context.
    struct ArmSends<'r> {
        receivers: &'r [String],
        loops: Vec<(bool, Vec<String>)>,
        in_closure: usize,
        found: Vec<SelectSend<'static>>,
    }
    impl<'ast> syn::visit::Visit<'ast> for ArmSends<'_> {
        fn visit_expr(&mut self, e: &'ast syn::Expr) {
            let is_loop = matches!(
                e,
                syn::Expr::Loop(_) | syn::Expr::While(_) | syn::Expr::ForLoop(_)
            );
            if is_loop {
                self.loops
                    .push((runs_until_stopped(e, self.receivers), per_turn_bindings(e)));
            }
            if let syn::Expr::MethodCall(mc) = e
                && is_plain_send(mc)
                && self.in_closure == 0
            {
                self.found.push(SelectSend {
                    key: pos(mc.method.span()),
                    root: chain_root(&mc.receiver).map(ToString::to_string),
                    outer: Vec::new(),
                    inner: self.loops.clone(),
                    at: (0, 0),
                    then_leaves: false,
                });
            }
            syn::visit::visit_expr(self, e);
            if is_loop {
                self.loops.pop();
            }
        }
        fn visit_expr_closure(&mut self, c: &'ast syn::ExprClosure) {
            self.in_closure += 1;
            syn::visit::visit_expr_closure(self, c);
            self.in_closure -= 1;
        }
        fn visit_expr_async(&mut self, a: &'ast syn::ExprAsync) {
            self.in_closure += 1;
            syn::visit::visit_expr_async(self, a);
            self.in_closure -= 1;
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
        fn visit_block(&mut self, b: &'ast syn::Block) {
            let depth = self.loops.len();
            for (i, stmt) in b.stmts.iter().enumerate() {
                let before = self.found.len();
                self.visit_stmt(stmt);
                if b.stmts[i + 1..].iter().any(leaves_loop) {
                    for site in self.found[before..]
                        .iter_mut()
                        .filter(|s| s.inner.len() == depth)
                    {
                        site.then_leaves = true;
                    }
                }
            }
        }
    }
    let mut sends = Sends {
        receivers,
        ..Sends::default()
    };
    syn::visit::Visit::visit_block(&mut sends, block);
    sends.sites
}

/// `return ..;`, `break;`, an exit with an error: the statement leaves the loop it is in.
fn leaves_loop(stmt: &syn::Stmt) -> bool {
    use crate::semantic::syntax::{Exit, exit_of};
    matches!(
        exit_of(stmt),
        Some(Exit::Error | Exit::Return | Exit::Break)
    )
}

/// Sends in a loop that do not go on producing for nobody once the receiver is gone (see
/// [`send_loss`]): every loop around the send ends by itself (a `for` over a collection, not
/// over a receiver such as `rx.iter()` or `listener.incoming()`), or the innermost loop binds
/// the sender anew each turn (`for output in outputs { let _ = output.send(m); }`: each
/// receiver is another consumer, and one gone loses one message).
fn bounded_loop_sends(
    sites: &Sites,
    receivers: &[String],
    out: &mut std::collections::HashSet<(usize, usize)>,
) {
    // A loop's per-turn bindings take a walk of its body: once per loop, and only for a send
    // that nothing cheaper settles.
    let mut per_turn_of: std::collections::HashMap<*const syn::Expr, Vec<String>> =
        std::collections::HashMap::new();
    let mut binds_per_turn = |l: &syn::Expr, root: &str| {
        per_turn_of
            .entry(l as *const syn::Expr)
            .or_insert_with(|| per_turn_bindings(l))
            .iter()
            .any(|n| n == root)
    };
    for site in &sites.in_select {
        if site.inner.is_empty() && site.outer.is_empty() {
            continue;
        }
        let until_stopped = site.inner.iter().any(|(stops, _)| *stops)
            || site.outer.iter().any(|l| runs_until_stopped(l, receivers));
        let mut per_turn = || {
            site.root
                .as_deref()
                .is_some_and(|r| match (site.inner.last(), site.outer.last()) {
                    (Some((_, names)), _) => names.iter().any(|n| n == r),
                    (None, Some(l)) => binds_per_turn(l, r),
                    (None, None) => false,
                })
        };
        if site.then_leaves || !until_stopped || per_turn() {
            out.insert(site.key);
        }
    }
    for site in &sites.sends {
        let Some(innermost) = site.loops.last() else {
            continue;
        };
        let send = site.send;
        if site.then_leaves
            || !site.loops.iter().any(|l| runs_until_stopped(l, receivers))
            || chain_root(&send.receiver)
                .is_some_and(|root| binds_per_turn(innermost, &root.to_string()))
        {
            out.insert(pos(send.method.span()));
        }
    }
}

/// `src.for_each(|ev| { let _ = out.send(ev); ready(()) }).await`: an awaited `for_each`,
/// `try_for_each` or `for_each_concurrent` on a stream runs its closure once per item until the
/// stream ends, like a `while let` body. Its plain sends (also in an `async` block the closure
/// returns) on a sender the closure does not bind count as sends in a loop. An iterator's
/// `for_each` is not awaited, and walks a collection: bounded, like a `for`.
fn stream_loop_sends(block: &syn::Block, out: &mut std::collections::HashSet<(usize, usize)>) {
    struct Awaited<'o>(&'o mut std::collections::HashSet<(usize, usize)>);
    impl<'ast> syn::visit::Visit<'ast> for Awaited<'_> {
        fn visit_expr_await(&mut self, aw: &'ast syn::ExprAwait) {
            if let syn::Expr::MethodCall(mc) = peel(&aw.base)
                && let Some(arg) = match mc.method.to_string().as_str() {
                    "for_each" | "try_for_each" => mc.args.first(),
                    "for_each_concurrent" | "try_for_each_concurrent" => mc.args.iter().nth(1),
                    _ => None,
                }
                && let syn::Expr::Closure(cl) = peel(arg)
            {
                let mut params = Vec::new();
                for p in &cl.inputs {
                    crate::semantic::syntax::pat_names(p, &mut params);
                }
                let mut sends = PlainSends(Vec::new());
                match peel(&cl.body) {
                    syn::Expr::Async(a) => syn::visit::Visit::visit_block(&mut sends, &a.block),
                    other => syn::visit::Visit::visit_expr(&mut sends, other),
                }
                for (key, root) in sends.0 {
                    if !root.is_some_and(|r| params.contains(&r)) {
                        self.0.insert(key);
                    }
                }
            }
            syn::visit::visit_expr_await(self, aw);
        }
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    /// Plain sends of one body (not of closures or async blocks inside it).
    struct PlainSends(Vec<((usize, usize), Option<String>)>);
    impl<'ast> syn::visit::Visit<'ast> for PlainSends {
        fn visit_expr_method_call(&mut self, mc: &'ast syn::ExprMethodCall) {
            if is_plain_send(mc) {
                self.0.push((
                    pos(mc.method.span()),
                    chain_root(&mc.receiver).map(ToString::to_string),
                ));
            }
            syn::visit::visit_expr_method_call(self, mc);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'ast syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    syn::visit::Visit::visit_block(&mut Awaited(out), block);
}

/// A `loop`, a `while`, or a `for` over a receiver (named as one, or known as one: a parameter
/// typed so or a `let (tx, rx) = channel()` of the fn, in `receivers`), a field named as one
/// (`self.jobs_rx.iter()`), or `incoming()` connections.
fn runs_until_stopped(l: &syn::Expr, receivers: &[String]) -> bool {
    let syn::Expr::ForLoop(f) = l else {
        return true;
    };
    let mut source = peel(&f.expr);
    loop {
        match source {
            syn::Expr::MethodCall(mc) if mc.method == "incoming" => return true,
            syn::Expr::MethodCall(mc) => source = peel(&mc.receiver),
            syn::Expr::Reference(r) => source = peel(&r.expr),
            syn::Expr::Field(f) => {
                return is_receiver_name(&crate::semantic::syntax::member_name(&f.member));
            }
            syn::Expr::Path(p) => {
                return p.path.get_ident().is_some_and(|i| {
                    let name = i.to_string();
                    is_receiver_name(&name) || receivers.contains(&name)
                });
            }
            _ => return false,
        }
    }
}

/// The fn's receivers: parameters declared as a channel receiver (`jobs: mpsc::Receiver<Job>`,
/// `&mut UnboundedReceiver<T>`), and the receiving ends of its `let (tx, rx) = channel()`s.
fn fn_receivers(sig: &syn::Signature, block: &syn::Block) -> Vec<String> {
    let mut out: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(pt) => Some(pt),
            syn::FnArg::Receiver(_) => None,
        })
        .filter(|pt| {
            let mut ty = &*pt.ty;
            while let syn::Type::Reference(r) = ty {
                ty = &r.elem;
            }
            channel_end(ty).is_some_and(|(_, end, _)| end.ends_with("receiver"))
        })
        .filter_map(|pt| match &*pt.pat {
            syn::Pat::Ident(i) => Some(i.ident.to_string()),
            _ => None,
        })
        .collect();
    out.extend(
        block
            .stmts
            .iter()
            .filter_map(channel_pair_let)
            .map(|(_, rx)| rx),
    );
    out
}

fn is_receiver_name(name: &str) -> bool {
    name == "rx" || name.ends_with("_rx") || name == "receiver" || name.ends_with("_receiver")
}

/// The names a loop binds anew each turn: its own pattern (`for out in ..`, `while let
/// Some((route, frame)) = ..`), and, in source order, what a `let`, `if let` or `match` arm
/// inside it binds from one of those (`let output = self.outputs.get_mut(&input)`) or from an element
/// it moves out of a collection (`let (_, send) = waiters.remove(i)`). A binding of
/// something else (`let Some(out) = self.out.as_ref() else { .. }`) is the same value each
/// turn.
fn per_turn_bindings(l: &syn::Expr) -> Vec<String> {
    let mut names = Vec::new();
    let body = match l {
        syn::Expr::ForLoop(f) => {
            crate::semantic::syntax::pat_names(&f.pat, &mut names);
            &f.body
        }
        syn::Expr::While(w) => {
            if let syn::Expr::Let(l) = peel(&w.cond) {
                crate::semantic::syntax::pat_names(&l.pat, &mut names);
            }
            &w.body
        }
        syn::Expr::Loop(l) => &l.body,
        _ => return names,
    };
    struct Derived<'n>(&'n mut Vec<String>);
    impl Derived<'_> {
        fn bind(&mut self, pat: &syn::Pat, from: &syn::Expr) {
            let mut idents = std::collections::BTreeSet::new();
            collect_idents(from.to_token_stream(), &mut idents);
            if idents.iter().any(|i| self.0.contains(i)) || takes_element(from) {
                crate::semantic::syntax::pat_names(pat, self.0);
            }
        }
    }
    /// `let (_, send) = waiters.remove(i)`: an element moved out of a collection by its
    /// position, another one each turn (a `pop_front` that a round-robin pushes back is the
    /// same few senders coming round).
    fn takes_element(e: &syn::Expr) -> bool {
        let mut e = peel(e);
        while let syn::Expr::MethodCall(mc) = e
            && matches!(mc.method.to_string().as_str(), "unwrap" | "expect")
        {
            e = peel(&mc.receiver);
        }
        matches!(e, syn::Expr::MethodCall(mc) if mc.args.len() == 1 && matches!(
            mc.method.to_string().as_str(),
            "remove" | "swap_remove" | "shift_remove"
        ))
    }
    impl<'ast> syn::visit::Visit<'ast> for Derived<'_> {
        fn visit_local(&mut self, local: &'ast syn::Local) {
            if let Some(init) = &local.init {
                self.bind(&local.pat, &init.expr);
            }
            syn::visit::visit_local(self, local);
        }
        fn visit_expr_let(&mut self, l: &'ast syn::ExprLet) {
            self.bind(&l.pat, &l.expr);
            syn::visit::visit_expr_let(self, l);
        }
        // `match action { Action::Save(input, reply) => .. }` on what the turn received: the
        // reply sender is the request's own.
        fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
            // The turn's value itself, not a tuple or a lookup with the loop's own sender in
            // it (`match (msg, &self.out)`, `match self.route(&msg)`).
            let per_turn = matches!(peel(&m.expr), syn::Expr::Path(p)
                if p.path.get_ident().is_some_and(|i| self.0.iter().any(|n| i == n)));
            if per_turn {
                let arms: Vec<(Vec<String>, std::collections::BTreeSet<String>)> = m
                    .arms
                    .iter()
                    .map(|arm| {
                        let mut bound = Vec::new();
                        crate::semantic::syntax::pat_names(&arm.pat, &mut bound);
                        let mut used = std::collections::BTreeSet::new();
                        collect_idents(arm.body.to_token_stream(), &mut used);
                        (bound, used)
                    })
                    .collect();
                // A name a sibling arm uses without binding it is another value there (`tx`
                // the reply sender in one arm, the downstream `tx` in the next): left out.
                for (k, (bound, _)) in arms.iter().enumerate() {
                    for n in bound {
                        let other_value = arms
                            .iter()
                            .enumerate()
                            .any(|(j, (b, used))| j != k && used.contains(n) && !b.contains(n));
                        if !other_value {
                            self.0.push(n.clone());
                        }
                    }
                }
            }
            syn::visit::visit_expr_match(self, m);
        }
        fn visit_expr_closure(&mut self, _: &'ast syn::ExprClosure) {}
        fn visit_item(&mut self, _: &'ast syn::Item) {}
    }
    syn::visit::Visit::visit_block(&mut Derived(&mut names), body);
    names
}

/// `call` (`tx.closed()`, squeezed as [`squeeze`] makes `text`) in `text`, on a receiver that
/// is all of `call`'s: not `self.tx.closed()` nor `rx_tx.closed()` for `tx.closed()`.
fn calls_on(text: &str, call: &str) -> bool {
    text.match_indices(call).any(|(at, _)| {
        !text[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '.')
    })
}

/// `loop { select! { _ = tx.closed() => { debug!(..); return; } .. } let _ = tx.send(v); }`:
/// the loop around the send watches the channel close and reacts to it (or leaves when another
/// send on it fails, see [`leaves_on_failed_send`]), so a send that finds the receivers gone is
/// the race the next turn reports. A check elsewhere in the fn does not see this send's failure.
fn closed_watched_sends(sites: &[SendSite], out: &mut std::collections::HashSet<(usize, usize)>) {
    for SendSite { send, loops, .. } in sites {
        let Some(in_loop) = loops.last() else {
            continue;
        };
        let sender = squeeze(send.receiver.to_token_stream());
        let text = squeeze(in_loop.to_token_stream());
        let watched = [".closed()", ".is_closed()"]
            .iter()
            .any(|check| calls_on(&text, &format!("{sender}{check}")));
        // A loop around it that leaves on a failed send also ends the inner ones' turns.
        if watched || loops.iter().any(|l| leaves_on_failed_send(l, &sender)) {
            out.insert(pos(send.method.span()));
        }
    }
}

/// `let mut server_task = tokio::spawn(async move { while let Some(m) = upstream.next().await
/// { let _ = client.send(m).await; } });` and, later in the same fn, `server_task.abort()`:
/// the pump is stopped from outside (a two-way proxy aborts one direction when the other
/// ends), so its sends do not go on for nobody once the peer is gone. Both must be statements
/// of one block (the fn's, or a loop turn's), the abort a later one that always runs:
/// `server_task.abort();` or a `select!` naming it (an abort in one branch, or of another
/// binding that reuses the name earlier, stops nothing on the other paths). Sends of a task
/// the pump spawns itself are not stopped by the abort.
fn aborted_task_sends(
    block: &syn::Block,
    sites: &[SendSite],
    out: &mut std::collections::HashSet<(usize, usize)>,
) {
    use syn::visit::Visit;
    /// The `async` block of `tokio::spawn(async { .. })` / `rt.spawn(async { .. })`.
    fn spawned_block(e: &syn::Expr) -> Option<&syn::ExprAsync> {
        let (name, args) = match peel(e) {
            syn::Expr::Call(c) => match peel(&c.func) {
                syn::Expr::Path(p) => (p.path.segments.last()?.ident.to_string(), &c.args),
                _ => return None,
            },
            syn::Expr::MethodCall(mc) => (mc.method.to_string(), &mc.args),
            _ => return None,
        };
        match (name.as_str(), args.first().map(peel)) {
            ("spawn" | "spawn_local", Some(syn::Expr::Async(a))) if args.len() == 1 => Some(a),
            _ => None,
        }
    }
    /// The closures and `async` blocks inside a task's block: their sends are their own.
    #[derive(Default)]
    struct Nested(Vec<((usize, usize), (usize, usize))>);
    impl Nested {
        fn push(&mut self, span: proc_macro2::Span) {
            let end = span.end();
            self.0.push((pos(span), (end.line, end.column)));
        }
    }
    impl<'a> Visit<'a> for Nested {
        fn visit_expr_async(&mut self, a: &'a syn::ExprAsync) {
            self.push(a.span());
        }
        fn visit_expr_closure(&mut self, c: &'a syn::ExprClosure) {
            self.push(c.span());
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    /// Every block of the fn (a loop's body too: `let pump = spawn(..); ..; pump.abort();`
    /// per accepted connection), not those of nested items.
    struct Blocks<'a>(Vec<&'a syn::Block>);
    impl<'a> Visit<'a> for Blocks<'a> {
        fn visit_block(&mut self, b: &'a syn::Block) {
            self.0.push(b);
            syn::visit::visit_block(self, b);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut blocks = Blocks(Vec::new());
    blocks.visit_block(block);
    for block in blocks.0 {
        for (i, stmt) in block.stmts.iter().enumerate() {
            let syn::Stmt::Local(l) = stmt else { continue };
            let (syn::Pat::Ident(name), Some(init)) = (&l.pat, &l.init) else {
                continue;
            };
            let Some(task) = spawned_block(&init.expr) else {
                continue;
            };
            let name = name.ident.to_string();
            // `select! { _ = &mut other => task.abort(), .. }`: macro arguments included.
            let abort_call = format!("{name}.abort()");
            let in_macro = |m: &syn::Macro| calls_on(&squeeze(m.tokens.clone()), &abort_call);
            let aborted = block.stmts[i + 1..].iter().any(|later| match later {
                syn::Stmt::Expr(e, _) => match peel(e) {
                    syn::Expr::MethodCall(mc) => {
                        mc.method == "abort"
                            && mc.args.is_empty()
                            && matches!(peel(&mc.receiver), syn::Expr::Path(p) if p.path.is_ident(&name))
                    }
                    syn::Expr::Macro(m) => in_macro(&m.mac),
                    _ => false,
                },
                syn::Stmt::Macro(m) => in_macro(&m.mac),
                _ => false,
            });
            if !aborted {
                continue;
            }
            let mut nested = Nested::default();
            syn::visit::visit_block(&mut nested, &task.block);
            let end = task.span().end();
            let (from, to) = (pos(task.span()), (end.line, end.column));
            for site in sites {
                let at = pos(site.send.method.span());
                let inner = nested.0.iter().any(|&(a, b)| a <= at && at <= b);
                if from <= at && at <= to && !inner {
                    out.insert(at);
                }
            }
        }
    }
}

/// The loop's other sends on the same sender leave it when one fails (`if
/// tx.send(ev).is_err() { break 'stdin; }`, `if let Err(_) = tx.send(ev) { return }`): the
/// loop reacts to the receiver's going, and a send that finds it gone is the race the next
/// checked one reports. The exit must leave `in_loop` itself: a `return`, a `break` of its
/// label, or an unlabelled `break` not inside a loop nested in it.
fn leaves_on_failed_send(in_loop: &syn::Expr, sender: &str) -> bool {
    use syn::visit::Visit;
    let (label, body) = match in_loop {
        syn::Expr::Loop(l) => (&l.label, &l.body),
        syn::Expr::While(w) => (&w.label, &w.body),
        syn::Expr::ForLoop(f) => (&f.label, &f.body),
        _ => return false,
    };
    /// `depth` counts the loops between the walk and the loop; `exiting` is set in the
    /// branch a failed send takes, where a `return` or a `break` of the loop leaves it.
    struct Scan<'s> {
        sender: &'s str,
        label: Option<String>,
        depth: u32,
        exiting: bool,
        found: bool,
    }
    impl Scan<'_> {
        fn is_send(&self, e: &syn::Expr) -> bool {
            matches!(peel_await(e), syn::Expr::MethodCall(mc)
                if matches!(mc.method.to_string().as_str(), "send" | "try_send" | "unbounded_send")
                    && squeeze(mc.receiver.to_token_stream()) == self.sender)
        }
        fn fails(&self, cond: &syn::Expr) -> bool {
            match peel(cond) {
                syn::Expr::MethodCall(mc) if mc.method == "is_err" => self.is_send(&mc.receiver),
                syn::Expr::Let(l) => {
                    (is_err_wildcard(&l.pat).is_some() || binds_err(&l.pat))
                        && self.is_send(&l.expr)
                }
                _ => false,
            }
        }
        fn nested(&mut self, visit: impl FnOnce(&mut Self)) {
            self.depth += 1;
            visit(self);
            self.depth -= 1;
        }
    }
    impl<'a> Visit<'a> for Scan<'_> {
        fn visit_expr_if(&mut self, i: &'a syn::ExprIf) {
            if !self.exiting && self.fails(&i.cond) {
                self.exiting = true;
                self.visit_block(&i.then_branch);
                self.exiting = false;
            }
            syn::visit::visit_expr_if(self, i);
        }
        fn visit_expr_break(&mut self, b: &'a syn::ExprBreak) {
            self.found |= self.exiting
                && match &b.label {
                    Some(l) => self.label.as_ref().is_some_and(|n| l.ident == n),
                    None => self.depth == 0,
                };
        }
        fn visit_expr_return(&mut self, _: &'a syn::ExprReturn) {
            self.found |= self.exiting;
        }
        fn visit_expr_loop(&mut self, l: &'a syn::ExprLoop) {
            self.nested(|v| syn::visit::visit_expr_loop(v, l));
        }
        fn visit_expr_while(&mut self, w: &'a syn::ExprWhile) {
            self.nested(|v| syn::visit::visit_expr_while(v, w));
        }
        fn visit_expr_for_loop(&mut self, f: &'a syn::ExprForLoop) {
            self.nested(|v| syn::visit::visit_expr_for_loop(v, f));
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut v = Scan {
        sender,
        label: label.as_ref().map(|l| l.name.ident.to_string()),
        depth: 0,
        exiting: false,
        found: false,
    };
    v.visit_block(body);
    v.found
}

/// Tokens as text without whitespace: `self . tx` and `self.tx` compare equal.
fn squeeze(t: TokenStream) -> String {
    t.to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// `select! { t = read() => { let _ = tx.send(Failed(e)).await; return } _ = tx.closed() =>
/// return }`: the send races the receiver's going away, and the arm next to it is how the
/// select reacts when it does; a send that finds it gone is that race, not a lost failure.
fn select_closed_sends(block: &syn::Block, out: &mut std::collections::HashSet<(usize, usize)>) {
    struct Selects<'o>(&'o mut std::collections::HashSet<(usize, usize)>);
    impl<'a> syn::visit::Visit<'a> for Selects<'_> {
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            if crate::semantic::macros::macro_name(m) != "select" {
                return;
            }
            let Ok(sel) = crate::semantic::macros::parse_select(m.tokens.clone()) else {
                return;
            };
            let watched: Vec<String> = sel
                .arms
                .iter()
                .filter_map(|a| match peel(&a.future) {
                    syn::Expr::MethodCall(mc) if mc.method == "closed" && mc.args.is_empty() => {
                        Some(squeeze(mc.receiver.to_token_stream()))
                    }
                    _ => None,
                })
                .collect();
            if watched.is_empty() {
                return;
            }
            struct Sends<'w, 'o>(
                &'w [String],
                &'o mut std::collections::HashSet<(usize, usize)>,
            );
            impl<'a> syn::visit::Visit<'a> for Sends<'_, '_> {
                fn visit_expr_method_call(&mut self, mc: &'a syn::ExprMethodCall) {
                    let receiver = squeeze(mc.receiver.to_token_stream());
                    if is_plain_send(mc) && self.0.contains(&receiver) {
                        self.1.insert(pos(mc.method.span()));
                    }
                    syn::visit::visit_expr_method_call(self, mc);
                }
                fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
            }
            for arm in &sel.arms {
                syn::visit::Visit::visit_expr(&mut Sends(&watched, self.0), &arm.handler);
            }
        }
    }
    syn::visit::Visit::visit_block(&mut Selects(out), block);
}

/// `struct EventLoop { command_tx: mpsc::UnboundedSender<Cmd>, command_rx:
/// mpsc::UnboundedReceiver<Cmd>, .. }`: the struct keeps its own queue, so a send on
/// `self.command_tx` in one of its methods cannot find the receiver gone (the method borrows or
/// owns `self`, and with it the receiver). Per struct name, the sender fields whose message type
/// a receiver field of the same channel kind carries (behind a `Mutex`/`RwLock`/`Arc` too; an
/// `Option` may have been taken, so it does not count). A name declared twice in the file maps
/// to nothing.
fn self_held_senders(
    items: &[syn::Item],
    out: &mut std::collections::HashMap<String, Vec<String>>,
) {
    for item in items {
        match item {
            syn::Item::Struct(st) => {
                let name = st.ident.to_string();
                let senders = if out.contains_key(&name) {
                    Vec::new()
                } else {
                    own_queue_senders(&st.fields)
                };
                out.insert(name, senders);
            }
            syn::Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    self_held_senders(inner, out);
                }
            }
            _ => {}
        }
    }
}

/// (channel module, end kind, message type) of a field's type, through lock and `Arc`
/// wrappers: `("mpsc", "unbounded sender", "Cmd")`.
fn channel_end(ty: &syn::Type) -> Option<(String, &'static str, String)> {
    let syn::Type::Path(tp) = ty else { return None };
    let last = tp.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let first_ty = args.args.iter().find_map(|a| match a {
        syn::GenericArgument::Type(t) => Some(t),
        _ => None,
    })?;
    let end = match last.ident.to_string().as_str() {
        "Mutex" | "RwLock" | "Arc" => return channel_end(first_ty),
        "Sender" | "SyncSender" => "sender",
        "UnboundedSender" => "unbounded sender",
        "Receiver" => "receiver",
        "UnboundedReceiver" => "unbounded receiver",
        _ => return None,
    };
    let module = tp
        .path
        .segments
        .iter()
        .rev()
        .nth(1)
        .map_or(String::new(), |s| s.ident.to_string());
    Some((module, end, first_ty.to_token_stream().to_string()))
}

fn own_queue_senders(fields: &syn::Fields) -> Vec<String> {
    let ends: Vec<(String, (String, &'static str, String))> = fields
        .iter()
        .filter_map(|f| Some((f.ident.as_ref()?.to_string(), channel_end(&f.ty)?)))
        .collect();
    ends.iter()
        .filter(|(_, (module, end, msg))| {
            let wanted = match *end {
                "sender" => "receiver",
                "unbounded sender" => "unbounded receiver",
                _ => return false,
            };
            ends.iter()
                .any(|(_, (m, e, t))| m == module && *e == wanted && t == msg)
        })
        .map(|(name, _)| name.clone())
        .collect()
}

/// A send on `self.<field>` for one of `fields` (`self.command_tx.send(..)`): marks the send.
fn field_sends(
    sites: &[SendSite],
    fields: &[String],
    out: &mut std::collections::HashSet<(usize, usize)>,
) {
    for SendSite { send, .. } in sites {
        if let syn::Expr::Field(f) = peel(&send.receiver)
            && matches!(peel(&f.base), syn::Expr::Path(p) if p.path.is_ident("self"))
            && fields.contains(&crate::semantic::syntax::member_name(&f.member))
        {
            out.insert(pos(send.method.span()));
        }
    }
}

/// Per struct of the file, its private fields typed `watch::Sender<..>` whose sender nothing
/// reads back: in the whole file, the field is only ever the receiver of a send
/// (`self.ready_tx.send(true)`, `send_replace`, `send_modify`, `send_if_modified`) or filled
/// by the shorthand of a literal of its own struct (`Self { ready_tx, .. }`). No `subscribe()`
/// or `borrow()` makes a later reader, and the sender is not handed elsewhere (as an argument,
/// a clone, a reference, a destructuring pattern, in a macro). A send on such a watch fails
/// only when every receiver is dropped, and then no reader can ever exist again: nothing is
/// lost. Not counted: a field name that any other field of the file also has, and every field
/// of a file that declares a module in another file (a child module sees private fields).
fn unread_watch_fields(file: &syn::File) -> std::collections::HashMap<String, Vec<String>> {
    use std::collections::{BTreeMap, BTreeSet, HashMap};
    #[derive(Default)]
    struct Fields {
        /// Field name → (struct, a private watch sender), for every named field.
        fields: BTreeMap<String, Vec<(String, bool)>>,
        out_of_line_mod: bool,
    }
    impl<'a> syn::visit::Visit<'a> for Fields {
        fn visit_item_struct(&mut self, st: &'a syn::ItemStruct) {
            for f in &st.fields {
                let Some(name) = &f.ident else { continue };
                let watch_sender = matches!(f.vis, syn::Visibility::Inherited)
                    && matches!(channel_end(&f.ty),
                        Some((module, "sender", _)) if module == "watch");
                self.fields
                    .entry(name.to_string())
                    .or_default()
                    .push((st.ident.to_string(), watch_sender));
            }
        }
        fn visit_item_mod(&mut self, m: &'a syn::ItemMod) {
            self.out_of_line_mod |= m.content.is_none();
            syn::visit::visit_item_mod(self, m);
        }
    }
    struct Uses<'n> {
        /// Field name → its struct.
        names: &'n BTreeMap<String, String>,
        read: BTreeSet<String>,
    }
    impl Uses<'_> {
        fn named<'e>(&self, e: &'e syn::Expr) -> Option<&'e proc_macro2::Ident> {
            let ident = match peel(e) {
                syn::Expr::Field(f) => match &f.member {
                    syn::Member::Named(i) => i,
                    syn::Member::Unnamed(_) => return None,
                },
                syn::Expr::Path(p) => p.path.get_ident()?,
                _ => return None,
            };
            self.names.contains_key(&ident.to_string()).then_some(ident)
        }
    }
    impl<'a> syn::visit::Visit<'a> for Uses<'_> {
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            match e {
                syn::Expr::MethodCall(mc)
                    if matches!(
                        mc.method.to_string().as_str(),
                        "send" | "send_replace" | "send_modify" | "send_if_modified"
                    ) && self.named(&mc.receiver).is_some() =>
                {
                    if let syn::Expr::Field(f) = peel(&mc.receiver) {
                        self.visit_expr(&f.base);
                    }
                    mc.args.iter().for_each(|a| self.visit_expr(a));
                }
                syn::Expr::Field(_) | syn::Expr::Path(_) => {
                    if let Some(i) = self.named(e) {
                        self.read.insert(i.to_string());
                    }
                    syn::visit::visit_expr(self, e);
                }
                syn::Expr::Struct(lit) => {
                    let own = lit.path.segments.last().map(|s| s.ident.to_string());
                    for fv in &lit.fields {
                        let shorthand = matches!((&fv.member, &fv.expr),
                        (syn::Member::Named(m), syn::Expr::Path(p))
                            if p.path.is_ident(m)
                                && self.names.get(&m.to_string()).is_some_and(|st| {
                                    own.as_deref() == Some("Self") || own.as_ref() == Some(st)
                                }));
                        if !shorthand {
                            self.visit_expr(&fv.expr);
                        }
                    }
                    if let Some(rest) = &lit.rest {
                        self.visit_expr(rest);
                    }
                }
                _ => syn::visit::visit_expr(self, e),
            }
        }
        fn visit_field_pat(&mut self, fp: &'a syn::FieldPat) {
            if let syn::Member::Named(m) = &fp.member
                && self.names.contains_key(&m.to_string())
            {
                self.read.insert(m.to_string());
            }
            syn::visit::visit_field_pat(self, fp);
        }
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            for n in self.names.keys() {
                if crate::semantic::syntax::mentions_ident(m.tokens.clone(), n) {
                    self.read.insert(n.clone());
                }
            }
        }
    }
    let mut fields = Fields::default();
    syn::visit::Visit::visit_file(&mut fields, file);
    if fields.out_of_line_mod {
        return HashMap::new();
    }
    let names: BTreeMap<String, String> = fields
        .fields
        .into_iter()
        .filter_map(
            |(name, mut owners)| match (owners.pop(), owners.is_empty()) {
                (Some((st, true)), true) => Some((name, st)),
                _ => None,
            },
        )
        .collect();
    if names.is_empty() {
        return HashMap::new();
    }
    let mut uses = Uses {
        names: &names,
        read: BTreeSet::new(),
    };
    syn::visit::Visit::visit_file(&mut uses, file);
    let read = uses.read;
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    for (name, st) in names {
        if !read.contains(&name) {
            out.entry(st).or_default().push(name);
        }
    }
    out
}

/// `let (tx, rx) = <channel ctor>(..);`: the two names (`rx` a binding, not `_`).
fn channel_pair_let(stmt: &syn::Stmt) -> Option<(String, String)> {
    let syn::Stmt::Local(local) = stmt else {
        return None;
    };
    let syn::Pat::Tuple(t) = strip_pat_type(&local.pat) else {
        return None;
    };
    let names: Vec<String> = t
        .elems
        .iter()
        .filter_map(|p| match p {
            syn::Pat::Ident(i) => Some(i.ident.to_string()),
            _ => None,
        })
        .collect();
    let [tx, rx] = names.as_slice() else {
        return None;
    };
    let syn::Expr::Call(c) = peel(&local.init.as_ref()?.expr) else {
        return None;
    };
    let syn::Expr::Path(f) = peel(&c.func) else {
        return None;
    };
    let ctor = f.path.segments.last()?.ident.to_string();
    CHANNEL_CTORS
        .contains(&ctor.as_str())
        .then(|| (tx.clone(), rx.clone()))
}

/// `let _ = tx.send(..)`, `_ = tx.send(..).await;`, `tx.send(..).ok();` on the binding `tx`.
fn discarded_send_on<'s>(stmt: &'s syn::Stmt, tx: &str) -> Option<&'s syn::ExprMethodCall> {
    let send = send_call(discard_of(stmt)?.expr())?;
    (is_plain_send(send)
        && matches!(peel(&send.receiver), syn::Expr::Path(p) if p.path.is_ident(tx)))
    .then_some(send)
}

/// A statement that throws a value away: `let _ = e;`, `_ = e;` or `e.ok();`.
struct Discard<'s> {
    what: Discarded<'s>,
    /// Where the statement starts (`let`, `_`, the expression) and ends (its `;`).
    first: proc_macro2::Span,
    last: proc_macro2::Span,
}

enum Discarded<'s> {
    /// `let _ = e;`, `_ = e;`: the value.
    Value(&'s syn::Expr),
    /// `e.ok();`: the `.ok()` call.
    Ok(&'s syn::ExprMethodCall),
}

impl<'s> Discard<'s> {
    /// The expression whose `Result` is thrown away.
    fn expr(&self) -> &'s syn::Expr {
        match self.what {
            Discarded::Value(e) => e,
            Discarded::Ok(ok) => &ok.receiver,
        }
    }
}

fn discard_of(stmt: &syn::Stmt) -> Option<Discard<'_>> {
    match stmt {
        syn::Stmt::Expr(e, Some(semi)) => match peel(e) {
            syn::Expr::Assign(a) if matches!(peel(&a.left), syn::Expr::Infer(_)) => Some(Discard {
                what: Discarded::Value(&a.right),
                first: a.left.span(),
                last: semi.span,
            }),
            inner => Some(Discard {
                what: Discarded::Ok(as_ok_call(inner)?),
                first: inner.span(),
                last: semi.span,
            }),
        },
        syn::Stmt::Local(local) if matches!(strip_pat_type(&local.pat), syn::Pat::Wild(_)) => {
            let init = local.init.as_ref().filter(|i| i.diverge.is_none())?;
            Some(Discard {
                what: Discarded::Value(&init.expr),
                first: local.let_token.span,
                last: local.semi_token.span,
            })
        }
        _ => None,
    }
}

/// What a failed send (or any other fallible call) loses.
/// `logged`: a log macro ran a few lines up in the same fn, with the error names it logged (see
/// [`forwards_logged_error`]).
/// Per file, by send position: sends that lose nothing, and sends in a stream's `for_each`.
type SendSets<'s> = (
    &'s std::collections::HashSet<(usize, usize)>,
    &'s std::collections::HashSet<(usize, usize)>,
);

fn loss(cx: &Cx, e: &syn::Expr, logged: Option<&[String]>, sets: SendSets) -> Loss {
    let (held, stream_loop) = sets;
    if writes_in_memory(cx, e) || sets_nonzero_timeout(cx, e) || window_chrome(e) {
        return Loss::Nothing;
    }
    if let Some(answer) = wait(cx, e).or_else(|| lossless_write(cx, e)) {
        return answer;
    }
    let Some(send) = send_call(e) else {
        return if reports_logged_error(e, logged) {
            Loss::Nothing
        } else {
            Loss::Data
        };
    };
    // One send outside any loop: if its receiver is gone, the message has no reader left, and
    // nothing goes on producing for it (the receiving side's end is where that end shows). In a
    // loop, the discarded error is the only news that the loop now works for nobody.
    if is_plain_send(send) && !cx.in_loop() && !stream_loop.contains(&pos(send.method.span())) {
        return Loss::Nothing;
    }
    if forwards_logged_error(send, logged) || held.contains(&pos(send.method.span())) {
        return Loss::Nothing;
    }
    // A plain send in a loop: lost only if the receiver can go while the loop runs, which a
    // channel whose receivers the crate all drains until it closes rules out.
    let drained = is_plain_send(send)
        .then(|| Condition {
            ty: cx.type_of(&send.receiver),
            holds: Holds::NotDrainedSender,
        })
        .filter(|c| !c.ty.is_unknown());
    // A pure signal is not data on a message channel, only (as a variant) on a `watch`.
    let signal = unit_signal(cx, send);
    if !matches!(signal, Loss::Data) {
        return signal;
    }
    // Each other answer is Nothing, or conditions the crate index settles: all must leave the
    // message data for the finding to stand.
    let mut conditions: Vec<Condition> = drained.into_iter().collect();
    for answer in [
        reply_channel(cx, send),
        oneshot_answer(cx, send),
        broadcast_publish(cx, send),
    ]
    .into_iter()
    .flatten()
    {
        match answer {
            Loss::Nothing => return Loss::Nothing,
            Loss::Data => {}
            Loss::If(c) => conditions.extend(c),
        }
    }
    if conditions.is_empty() {
        Loss::Data
    } else {
        Loss::If(conditions)
    }
}

/// Emits a finding about the discarded error of `discarded` unless the failure loses nothing
/// (see [`Loss`]), or `discarded` calls a workspace fn that never returns `Err` (declared
/// `-> Result<..>`, its body only returns `Ok(..)`: the call graph settles which fn it is).
fn emit_unless_lossless(
    cx: &Cx,
    loss: Loss,
    discarded: &syn::Expr,
    finding: crate::finding::Finding,
) {
    let conditions = match loss {
        Loss::Data => Vec::new(),
        Loss::Nothing => return,
        Loss::If(conditions) => conditions,
    };
    let callee = match peel_await(discarded) {
        syn::Expr::MethodCall(mc) => Some(mc.method.span()),
        syn::Expr::Call(c) => Some(c.func.span()),
        _ => None,
    };
    match callee {
        Some(at) => cx.emit_unless_callee_loses_no_error(conditions, at, finding),
        None => cx.emit_if_all(conditions, finding),
    }
}

/// A closure `|x| <body>.ok()` (body possibly in a block) whose error is dropped: not a
/// validation conversion, not a "not now" operation, not logged.
fn closure_drops_error(cl: &syn::ExprClosure, config: bool) -> bool {
    let Some(ok) = closure_ok_call(cl) else {
        return false;
    };
    if (validation(&ok.receiver) && !config) || expected(&ok.receiver) {
        return false;
    }
    !observes_error(cl.body.to_token_stream()) && !chain_observes_error(&ok.receiver)
}

/// `.map(TryInto::try_into)`, `.map(HeaderValue::from_str)`, `.map(|m| Mechname::parse(m))`:
/// the items were just put through a validation conversion, so `.filter_map(Result::ok)` after
/// it skips the invalid ones, as the closure form `.filter_map(|v| v.try_into().ok())` does.
fn validation_map(e: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(map) = peel(e) else {
        return false;
    };
    if map.method != "map" {
        return false;
    }
    // `.map(|m| Mechname::parse(m.as_bytes()))`: the closure form of the same step.
    if let Some(syn::Expr::Closure(cl)) = map.args.first().map(peel) {
        let body = match peel(&cl.body) {
            syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
                syn::Stmt::Expr(e, None) => e,
                _ => return false,
            },
            e => e,
        };
        return validation(body);
    }
    let Some((_, segs)) = map.args.first().and_then(fn_value) else {
        return false;
    };
    let Some((op, ty)) = segs.split_last() else {
        return false;
    };
    checks_value(op, ty.last().map(String::as_str))
}

/// A function given by path (`Result::ok`, `TryInto::try_into`): the path and its segments.
fn fn_value(e: &syn::Expr) -> Option<(&syn::Path, Vec<String>)> {
    let syn::Expr::Path(p) = peel(e) else {
        return None;
    };
    let segs = p
        .path
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    Some((&p.path, segs))
}

/// `Result::ok` / `std::result::Result::ok` as a function value.
fn is_result_ok_path(cx: &Cx, e: &syn::Expr) -> bool {
    let Some((path, segs)) = fn_value(e) else {
        return false;
    };
    if segs.len() < 2 || segs.last().map(String::as_str) != Some("ok") {
        return false;
    }
    let resolved = cx.resolve(path);
    resolved == "std::result::Result::ok" || segs[segs.len() - 2] == "Result"
}

/// `Err(_)`, `Err(_e)`, `Err(..)`.
fn is_err_wildcard(pat: &syn::Pat) -> Option<&syn::Path> {
    let syn::Pat::TupleStruct(ts) = pat else {
        return None;
    };
    if ts.path.segments.last()?.ident != "Err" || ts.elems.len() != 1 {
        return None;
    }
    let ignored = match ts.elems.first()? {
        syn::Pat::Wild(_) | syn::Pat::Rest(_) => true,
        syn::Pat::Ident(pi) => pi.ident.to_string().starts_with('_') && pi.subpat.is_none(),
        _ => false,
    };
    ignored.then_some(&ts.path)
}

/// `Err(e)`, `Err(_)`, `Err(Kind::X(e))`: any pattern of the error.
fn is_err_pattern(pat: &syn::Pat) -> bool {
    matches!(pat, syn::Pat::TupleStruct(ts) if ts.path.segments.last().is_some_and(|s| s.ident == "Err"))
}

/// `Err(e)` / `Err(Kind::X(e))`: an arm that names the error (or part of it).
fn binds_err(pat: &syn::Pat) -> bool {
    let syn::Pat::TupleStruct(ts) = pat else {
        return false;
    };
    ts.path.segments.last().is_some_and(|s| s.ident == "Err")
        && ts.elems.iter().any(|p| {
            let mut names = std::collections::BTreeSet::new();
            collect_idents(p.to_token_stream(), &mut names);
            names
                .iter()
                .any(|n| !n.starts_with('_') && n.chars().next().is_some_and(char::is_lowercase))
        })
}

/// Words and phrases that say an error is let go on purpose, wherever a comment on the discard
/// (or the fn's doc) says them. Matched on whole words of the lowercased comment.
const LET_GO_REASONS: &[&str] = &[
    "ignore",
    "ignored",
    "ignores",
    "ignoring",
    "best effort",
    "best-effort",
    "don't care",
    "do not care",
    "doesn't matter",
    "does not matter",
    "fire and forget",
    "fire-and-forget",
    "omit errors",
    "omits errors",
    "omitting errors",
];

/// Words that explain a discard only in a comment next to it: the other side may be gone, the
/// failure is allowed or cannot happen, the drop is deliberate (in a fn's doc they describe
/// other things). Whole words: `fine` is not in `define`.
const NEARBY_REASONS: &[&str] = &[
    "gone",
    "fine",
    "harmless",
    "intentional",
    "intentionally",
    "deliberate",
    "deliberately",
    "fail",
    "fails",
    "failed",
    "failing",
    "failure",
    "cannot happen",
    "can't happen",
    "never happen",
    // The operation cannot fail ("`TryFrom` is total over the closed enum").
    "infallible",
    "is total",
    // The error is not worth stopping for ("we don't want to panic if there is an error").
    "don't want to panic",
    "do not want to panic",
    "not fatal",
    "non-fatal",
    "not critical",
    "non-critical",
    "not a hard error",
    "not an error",
    // "erroring is ok", "if this fails that's ok".
    "is ok",
    "is okay",
    "are ok",
    "that's ok",
    // The failure is expected ("Could error if the subscription is closing").
    "could error",
    "may error",
    "might error",
    // The peer is expected to hang up ("sozu may close during handshake").
    "may close",
    "might close",
    "may be closed",
    "might be closed",
    "may have closed",
    "may already be closed",
    "may have been closed",
    "may disconnect",
    "may have disconnected",
    // A bad value is expected and falls back ("defaulting to 2000 if not set or invalid").
    "if not set or invalid",
    "defaulting to",
    "falls back",
    "fall back",
    "falling back",
    // The receiver is expected to go ("Reply may be dropped if `apply` was cancelled").
    "may be dropped",
    "might be dropped",
    "may have been dropped",
    "may have dropped",
    // "an error on send means downstream dropped its receiver"
    "dropped its receiver",
    "dropped the receiver",
    "receiver dropped",
    "receiver is dropped",
    "receiver was dropped",
    "receiver has been dropped",
];

/// Words that make a comment a note about a problem, not a reason (`// TODO: don't swallow
/// this`, `// BUG: the event may be dropped here`).
const PROBLEM_MARKERS: &[&str] = &["todo", "fixme", "xxx", "bug", "hack"];

/// Whether a comment next to a discard explains it, as whole words. A `racewise: allow(..)`
/// comment is a suppression: it must stay the one that applies (or be reported unused).
fn says(comment: &str) -> bool {
    comment_words(comment).is_some_and(|words| {
        (has_phrase(&words, LET_GO_REASONS) || has_phrase(&words, NEARBY_REASONS))
            && !has_phrase(&words, PROBLEM_MARKERS)
    })
}

fn says_one_of(comment: &str, reasons: &[&str]) -> bool {
    comment_words(comment).is_some_and(|words| has_phrase(&words, reasons))
}

/// The comment's lowercased words separated by single spaces, padded (` best effort `
/// matches as a phrase); `None` for a `racewise:` suppression comment.
fn comment_words(comment: &str) -> Option<String> {
    let c = comment.to_ascii_lowercase();
    if c.contains("racewise:") {
        return None;
    }
    Some(
        c.split(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '\'' || ch == '-'))
            .filter(|w| !w.is_empty())
            .fold(String::from(" "), |mut acc, w| {
                acc.push_str(w);
                acc.push(' ');
                acc
            }),
    )
}

fn has_phrase(words: &str, reasons: &[&str]) -> bool {
    reasons.iter().any(|r| {
        words
            .match_indices(r)
            .any(|(at, _)| words[..at].ends_with(' ') && words[at + r.len()..].starts_with(' '))
    })
}

/// The `///` doc of the fn whose signature starts on line `sig` (above its attributes) gives a
/// reason for the discards in its body ("Delivery is best effort").
fn doc_explains(cx: &Cx, sig: u32) -> bool {
    doc_says(cx, sig, LET_GO_REASONS)
}

/// Phrases of a fn's doc that let the errors of an iterator step go: about errors, not about
/// the items (`/// Lists the files, ignoring hidden ones.` drops no error on purpose).
const ERRORS_LET_GO: &[&str] = &[
    "best effort",
    "best-effort",
    "fail-safe",
    "omit errors",
    "omits errors",
    "omitting errors",
    "ignore errors",
    "ignores errors",
    "ignoring errors",
    "errors are ignored",
    "fire and forget",
    "fire-and-forget",
];

/// Whether the `///` doc of the fn whose signature starts on line `sig` says one of `reasons`.
fn doc_says(cx: &Cx, sig: u32, reasons: &[&str]) -> bool {
    let src = cx.source();
    (1..sig)
        .rev()
        .take(40)
        .map(|l| src.line(l).trim())
        .skip_while(|t| t.starts_with("#[") || t.starts_with(')') || t.starts_with(']'))
        .take_while(|t| t.starts_with("///"))
        .any(|t| says_one_of(t.trim_start_matches('/'), reasons))
}

/// A discard its comment explains (`.ok(); // receiver may be gone if the test completed`, or
/// `// We ignore the send error if the consumer was dropped` right above): a decision written
/// down, not an error nobody thought about. Looks at the statement's last line and the `//`
/// comment lines directly above its first.
fn explained_discard(cx: &Cx, first: proc_macro2::Span, last: proc_macro2::Span) -> bool {
    let src = cx.source();
    let (first, last) = (first.start().line as u32, last.end().line as u32);
    if src
        .line(last)
        .split_once("//")
        .is_some_and(|(_, c)| says(c))
    {
        return true;
    }
    // A comment line between the steps of a chain written one step per line (`.await` /
    // `// Could error if the subscription is closing.` / `.ok();`): the next line that is no
    // comment goes on with a step. Not one inside an argument or a closure.
    let steps_after = |l: u32| {
        (l + 1..=last)
            .map(|n| src.line(n).trim())
            .find(|t| !t.starts_with("//"))
            .is_some_and(|t| t.starts_with('.'))
    };
    if (first + 1..last).any(|l| {
        let t = src.line(l).trim();
        t.starts_with("//") && says(t) && steps_after(l)
    }) {
        return true;
    }
    // The comment block right above, or above a run of discards this one continues
    // (`// only fails for host-less URLs` over `url.set_username(u).ok();` and
    // `url.set_password(p).ok();`).
    let is_discard =
        |t: &str| t.ends_with(".ok();") || t.starts_with("let _ =") || t.starts_with("_ =");
    (1..first)
        .rev()
        .take(8)
        .map(|l| src.line(l).trim())
        .skip_while(|t| is_discard(t))
        .take_while(|t| t.starts_with("//"))
        .any(says)
}

/// A step of a method chain written one step per line, explained by the `//` lines right
/// above the line the chain starts on (`// Read capacity from the environment, defaulting to
/// 2000 if not set or invalid` over `let cap = env::var(..)` and its `.and_then(..)` lines).
fn explained_chain(cx: &Cx, step: proc_macro2::Span) -> bool {
    let src = cx.source();
    let mut line = step.start().line as u32;
    // Up through the chain's earlier steps (`.ok()`, `.map(..)`) to the line it starts on.
    for _ in 0..8 {
        if line <= 1 || !src.line(line).trim_start().starts_with('.') {
            break;
        }
        line -= 1;
    }
    if line == step.start().line as u32 {
        return false;
    }
    comment_block_above(cx, line).any(says)
}

/// The `//` lines right above `line`, nearest first (at most 8 lines up).
fn comment_block_above<'c>(cx: &'c Cx, line: u32) -> impl Iterator<Item = &'c str> {
    let src = cx.source();
    (1..line)
        .rev()
        .take(8)
        .map(move |l| src.line(l).trim())
        .take_while(|t| t.starts_with("//"))
}

/// A filter step its comment says filters (`.filter_map(|r| r.ok()) // Filter out buggy
/// events`, `// skip rows that fail to decode` right above a line the step starts): dropping
/// the failures is the step's stated purpose.
fn explained_filter(cx: &Cx, step: proc_macro2::Span) -> bool {
    const FILTER_REASONS: &[&str] = &[
        "filter out",
        "filters out",
        "filtering out",
        "skip",
        "skips",
        "skipping",
        "discard",
        "discards",
        "discarding",
    ];
    let src = cx.source();
    let line = step.start().line as u32;
    // The comment block right above counts only when the step starts its line: above a
    // one-line chain it may be about another step (`// skip the header` over
    // `lines().skip(1).filter_map(..)`).
    let starts_line = src.line(line).trim_start().starts_with('.');
    src.line(line)
        .split_once("//")
        .is_some_and(|(_, c)| says_one_of(c, FILTER_REASONS))
        || starts_line && comment_block_above(cx, line).any(|t| says_one_of(t, FILTER_REASONS))
}

/// `.map(|r| Ok::<_, Error>(Hit { .. })).filter_map(|r| r.ok())`: the step before wraps every
/// item in `Ok` (a closure whose value is an `Ok(..)` and that has no `?` or `return` to make
/// anything else), so no `Err` reaches the filter.
fn all_ok_items(receiver: &syn::Expr) -> bool {
    let syn::Expr::MethodCall(map) = peel(receiver) else {
        return false;
    };
    let Some(syn::Expr::Closure(cl)) = map.args.first().map(peel) else {
        return false;
    };
    map.method == "map" && map.args.len() == 1 && fallible::expr_never_errs(&cl.body)
}

/// Cleanup a test throws away the result of: removing its files and directories
/// (`let _ = fs::remove_dir_all(&dir);`, `tokio::fs::remove_file(&p).await.ok();`, std's, tokio's
/// or `fs_err`'s) or closing its temporary directory (`tmp.close().ok();` on a `TempDir`,
/// `Utf8TempDir`, `NamedTempFile`, or, type not known here, a receiver named as one). A failed
/// cleanup leaves a file behind; it cannot change what the test checks.
fn test_cleanup(cx: &Cx, e: &syn::Expr) -> bool {
    const REMOVALS: &[&str] = &["remove_file", "remove_dir", "remove_dir_all"];
    match peel_await(e) {
        syn::Expr::Call(c) => cx.callee(c).is_some_and(|callee| {
            let (module, name) = crate::semantic::syntax::split_last(&callee);
            // `fs::` may still name a module a glob brought in (`use super::*;`).
            REMOVALS.contains(&name)
                && module.is_some_and(|m| {
                    crate::semantic::syntax::last_segment(m) == "fs" || m == "fs_err"
                })
        }),
        syn::Expr::MethodCall(mc) if mc.method == "close" && mc.args.is_empty() => {
            match cx.type_of(&mc.receiver).known() {
                Some(t) => t.peel().path_str().is_some_and(|p| {
                    let last = crate::semantic::syntax::last_segment(p);
                    ["TempDir", "TempPath", "TempFile"]
                        .iter()
                        .any(|n| last.contains(n))
                }),
                None => {
                    let name = expr_text(&mc.receiver).to_ascii_lowercase();
                    ["dir", "tmp", "temp"].iter().any(|w| name.contains(w))
                }
            }
        }
        _ => false,
    }
}

/// `let _ = tls.flush();` on the line right after `let _ = tls.write_all(&frame);` (or
/// `tls.write(..).ok();`): the pair is one decision to let the write's outcome go, reported
/// once, at the write. A flush after a write whose error *is* checked stays a finding.
fn flush_of_discarded_write(cx: &Cx, d: &Discard) -> bool {
    let mut e = match d.what {
        Discarded::Value(e) => e,
        Discarded::Ok(ok) => &ok.receiver,
    };
    if let syn::Expr::Await(a) = peel(e) {
        e = &a.base;
    }
    if let syn::Expr::MethodCall(m) = peel(e)
        && m.method == "ok"
        && m.args.is_empty()
    {
        e = &m.receiver;
    }
    let syn::Expr::MethodCall(flush) = peel(e) else {
        return false;
    };
    if flush.method != "flush" || !flush.args.is_empty() {
        return false;
    }
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let write = format!(
        "{}.write",
        compact(&flush.receiver.to_token_stream().to_string())
    );
    let line = d.first.start().line as u32;
    let above = compact(cx.source().line(line.saturating_sub(1)));
    above.starts_with(&format!("let_={write}"))
        || above.starts_with(&format!("_={write}"))
        || (above.starts_with(&write) && above.ends_with(".ok();"))
}

/// `Err(_cancelled) => ()`, `Err(_closed) => ()`, or an `Err(_) => ()` arm whose comment (on
/// its line or the line above) says the error is a cancellation: the error *is* the expected
/// outcome.
fn cancellation_marker(cx: &Cx, pat: &syn::Pat) -> bool {
    let says_cancel = |s: &str| {
        let s = s.to_ascii_lowercase();
        s.contains("cancel")
            || s.contains("abort")
            || s.split(|c: char| !c.is_alphanumeric())
                .any(|w| w == "closed")
    };
    let mut names = Vec::new();
    crate::semantic::syntax::pat_names(pat, &mut names);
    if names.iter().any(|n| says_cancel(n)) {
        return true;
    }
    let line = pat.span().start().line as u32;
    let src = cx.source();
    [line.saturating_sub(1), line].iter().any(|&l| {
        src.line(l)
            .split_once("//")
            .is_some_and(|(_, comment)| says_cancel(comment))
    })
}

/// An empty arm body whose braces hold a comment saying why (`Err(_) => { // already logged
/// by the metrics task }`): a decision written down, like a suppression's reason. A comment
/// that only defers (`TODO`, `FIXME`, `XXX`) explains nothing.
fn explained_inside(cx: &Cx, body: &syn::Expr) -> bool {
    let region = crate::finding::Region::from_span(body.span());
    let text = cx
        .source()
        .text
        .get(region.start_byte as usize..region.end_byte as usize)
        .unwrap_or_default();
    let comment: String = text
        .lines()
        .filter_map(|l| l.split_once("//").map(|(_, c)| c.trim()))
        .chain(
            text.split_once("/*")
                .map(|(_, c)| c.split_once("*/").map_or(c, |(inside, _)| inside).trim()),
        )
        .collect::<Vec<_>>()
        .join(" ");
    let upper = comment.to_ascii_uppercase();
    comment.split_whitespace().count() >= 2
        && !["TODO", "FIXME", "XXX"].iter().any(|w| upper.contains(w))
}

/// `match` statements right before an error that leaves the fn: the fn body's tail `Err(..)`
/// (no `;`), or, in any block of the body, a last statement that returns one (`return
/// Err(..);`, `bail!(..)`). An `Err(_) => {}` arm there falls through to that error (`match
/// lookup(..) { Ok(r) => return Ok(r), Err(_) => {} } Err(ProofError::ds_should_exist(zone))`):
/// the caller hears of the failure, as this fn's own error. Closures and `async` blocks
/// (a spawned task's tail reaches nobody) are not looked into.
fn matches_before_error_tail(
    block: &syn::Block,
    out: &mut std::collections::HashSet<(usize, usize)>,
) {
    use crate::semantic::syntax::{is_bail, is_variant_call};
    struct Scan<'o>(&'o mut std::collections::HashSet<(usize, usize)>);
    let err_ctor = |e: &syn::Expr| is_variant_call(e, "Err");
    /// The statement leaves the fn with an error (a narrower `syntax::exit_of`: not `Err(e)?`,
    /// an exit, or a block's tail, whose value may go nowhere).
    fn returns_error(stmt: &syn::Stmt) -> bool {
        match stmt {
            syn::Stmt::Expr(syn::Expr::Return(r), _) => {
                r.expr.as_deref().is_some_and(|v| is_variant_call(v, "Err"))
            }
            syn::Stmt::Expr(syn::Expr::Macro(m), _) => is_bail(&m.mac),
            syn::Stmt::Macro(m) => is_bail(&m.mac),
            _ => false,
        }
    }
    fn before(b: &syn::Block, last: impl Fn(&syn::Stmt) -> bool) -> Option<&syn::ExprMatch> {
        match b.stmts.as_slice() {
            [.., syn::Stmt::Expr(syn::Expr::Match(m), _), tail] if last(tail) => Some(m),
            _ => None,
        }
    }
    impl<'a> syn::visit::Visit<'a> for Scan<'_> {
        fn visit_block(&mut self, b: &'a syn::Block) {
            if let Some(m) = before(b, returns_error) {
                self.0.insert(pos(m.match_token.span));
            }
            syn::visit::visit_block(self, b);
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    if let Some(m) = before(
        block,
        |t| matches!(t, syn::Stmt::Expr(e, None) if err_ctor(e)),
    ) {
        out.insert(pos(m.match_token.span));
    }
    syn::visit::Visit::visit_block(&mut Scan(out), block);
}

/// `let _ = fs::remove_file(&partial); return Err(e);`: a clean-up on the way out with an
/// error. That error is the failure reported; the clean-up's own is secondary (a leftover
/// file, an overlay left open next to a reported failure). A clean-up is named so: `remove*`,
/// `delete*`, `revoke*`, `consume*`, `close`, `cancel`, `abort`, `kill`, `shutdown`,
/// `rollback`, `flush` (the last words to a peer on a connection being torn down). The way out: the first unconditional exit after it, in its block or a block
/// around it (up to its loop, closure or fn), leaves with an error (`return Err(..)`,
/// `bail!`, `Err(..)?`, an `Err(..)` tail, `process::exit(1)`); a `return Ok(..)`, an `Ok(..)` tail, a `break` or
/// a `continue` first means the clean-up is on another path. The same clean-up in the handling
/// of another error (a `match` arm `Err(e) => { error!(.., e); .. kill(pid).ok(); }`, an `if
/// let Err(e) = ..` block) whose error that handling reports, hands on or returns (it names
/// `e`): that error is the failure heard about.
fn failure_path_cleanups(block: &syn::Block, out: &mut std::collections::HashSet<(usize, usize)>) {
    struct Blocks<'a, 'o> {
        /// The blocks around the statement being visited, each with the statements after it.
        after: Vec<&'a [syn::Stmt]>,
        /// Inside the handling of an error that it observes (see above).
        handling_error: usize,
        /// The bindings the `if let` conditions around the statement test (`path` of `if let
        /// Some(parent) = path.parent()`), innermost last.
        tested: Vec<Vec<String>>,
        out: &'o mut std::collections::HashSet<(usize, usize)>,
    }
    /// `Err(e)` with `body` naming `e`.
    fn observed_error(pat: &syn::Pat, body: proc_macro2::TokenStream) -> bool {
        let syn::Pat::TupleStruct(ts) = pat else {
            return false;
        };
        match ts.elems.first() {
            Some(syn::Pat::Ident(e)) if ts.elems.len() == 1 && e.subpat.is_none() => {
                ts.path.segments.last().is_some_and(|s| s.ident == "Err")
                    && crate::semantic::syntax::mentions_ident(body, &e.ident.to_string())
            }
            _ => false,
        }
    }
    impl<'a> syn::visit::Visit<'a> for Blocks<'a, '_> {
        fn visit_block(&mut self, b: &'a syn::Block) {
            for (i, stmt) in b.stmts.iter().enumerate() {
                let rest = &b.stmts[i + 1..];
                if let Some(d) = discard_of(stmt)
                    && op_name(d.expr()).is_some_and(|(op, _)| is_cleanup(&op))
                    && (self.handling_error > 0
                        || std::iter::once(rest)
                            .chain(self.after.iter().rev().copied())
                            .flatten()
                            .find_map(crate::semantic::syntax::exit_of)
                            == Some(crate::semantic::syntax::Exit::Error))
                {
                    self.out.insert(pos(d.first));
                }
                if let Some(d) = discard_of(stmt)
                    && let Some((path, removed)) = prepared_path(d.expr())
                {
                    let names: std::collections::BTreeSet<String> = path_binding(path)
                        .into_iter()
                        .chain(self.tested.iter().flatten().cloned())
                        .collect();
                    let mut later = std::iter::once(rest)
                        .chain(self.after.iter().rev().copied())
                        .flatten();
                    let reported = if removed {
                        later.any(|s| replaces_path(s, path))
                    } else {
                        later.any(|s| propagates_error_of(s, &names))
                    };
                    if reported {
                        self.out.insert(pos(d.first));
                    }
                }
                self.after.push(rest);
                self.visit_stmt(stmt);
                self.after.pop();
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
        fn visit_arm(&mut self, arm: &'a syn::Arm) {
            let handles = observed_error(&arm.pat, arm.body.to_token_stream());
            self.handling_error += usize::from(handles);
            syn::visit::visit_arm(self, arm);
            self.handling_error -= usize::from(handles);
        }
        fn visit_expr_if(&mut self, i: &'a syn::ExprIf) {
            let handles = matches!(peel(&i.cond), syn::Expr::Let(l)
                if observed_error(&l.pat, i.then_branch.to_token_stream()));
            self.visit_expr(&i.cond);
            let tested = match peel(&i.cond) {
                syn::Expr::Let(l) => path_binding(&l.expr).into_iter().collect(),
                _ => Vec::new(),
            };
            self.tested.push(tested);
            self.handling_error += usize::from(handles);
            self.visit_block(&i.then_branch);
            self.handling_error -= usize::from(handles);
            self.tested.pop();
            if let Some((_, e)) = &i.else_branch {
                self.visit_expr(e);
            }
        }
        // A loop turn, a closure or an async block ends before the statements after it run;
        // a closure or an async block runs apart from the handling around it.
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            if matches!(
                e,
                syn::Expr::Loop(_)
                    | syn::Expr::While(_)
                    | syn::Expr::ForLoop(_)
                    | syn::Expr::Closure(_)
                    | syn::Expr::Async(_)
            ) {
                let outer = std::mem::take(&mut self.after);
                let handling = if matches!(e, syn::Expr::Closure(_) | syn::Expr::Async(_)) {
                    std::mem::take(&mut self.handling_error)
                } else {
                    self.handling_error
                };
                syn::visit::visit_expr(self, e);
                self.after = outer;
                self.handling_error = handling;
            } else {
                syn::visit::visit_expr(self, e);
            }
        }
    }
    let mut blocks = Blocks {
        after: Vec::new(),
        handling_error: 0,
        tested: Vec::new(),
        out,
    };
    syn::visit::Visit::visit_block(&mut blocks, block);
}

/// The path a call (std's or tokio's) prepares for a later use, and whether the call is the
/// removal: the directory `create_dir_all(dir)` / `create_dir(dir)` makes, or the stale file
/// `remove_file(path)` clears before something is put at the path again (see
/// [`replaces_path`]). Not `remove_dir_all`: a directory it failed to empty is still there for
/// a `create_dir_all` after it, old contents and all.
fn prepared_path(e: &syn::Expr) -> Option<(&syn::Expr, bool)> {
    match peel_await(e) {
        syn::Expr::Call(c)
            if c.args.len() == 1
                && ["create_dir_all", "create_dir", "remove_file"]
                    .iter()
                    .any(|f| crate::semantic::syntax::path_ends_with(&c.func, f)) =>
        {
            let removed = crate::semantic::syntax::path_ends_with(&c.func, "remove_file");
            c.args.first().map(|p| (p, removed))
        }
        _ => None,
    }
}

/// `stmt` propagates with `?` the error of a call that puts something at the very path a
/// discarded `remove_file(path)` cleared (the same expression): a socket bound there
/// (`UnixListener::bind(&path)?`, which a file left behind fails), a file created or written
/// there (`File::create(&path)?`, `fs::write(&path, ..)?`, which replace it), one renamed or
/// copied onto it, or an `OpenOptions` chain with `create_new(true)`. Not a read, an append or
/// another path from the same binding.
fn replaces_path(stmt: &syn::Stmt, path: &syn::Expr) -> bool {
    const REPLACING: &[&str] = &[
        "bind",
        "create",
        "write",
        "rename",
        "copy",
        "symlink",
        "hard_link",
        "persist",
    ];
    struct Tries {
        path: String,
        found: bool,
    }
    impl Tries {
        fn names(&self, args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>) -> bool {
            args.iter().any(|a| {
                let a = match peel(a) {
                    syn::Expr::Reference(r) => &*r.expr,
                    other => other,
                };
                a.to_token_stream().to_string() == self.path
            })
        }
        fn replaces(&self, e: &syn::Expr) -> bool {
            let mut e = peel_await(e);
            // Adapters of the error: `.context(..)`, `.with_context(..)`, `.map_err(..)`.
            while let syn::Expr::MethodCall(mc) = e
                && matches!(
                    mc.method.to_string().as_str(),
                    "context" | "with_context" | "map_err"
                )
            {
                e = peel_await(&mc.receiver);
            }
            match e {
                syn::Expr::Call(c) => {
                    crate::semantic::syntax::path_last_ident(&c.func)
                        .is_some_and(|i| REPLACING.contains(&i.to_string().as_str()))
                        && self.names(&c.args)
                }
                syn::Expr::MethodCall(mc) if mc.method == "open" => {
                    let mut r = &*mc.receiver;
                    let mut create_new = false;
                    while let syn::Expr::MethodCall(step) = peel(r) {
                        create_new |= step.method == "create_new";
                        r = &step.receiver;
                    }
                    self.names(&mc.args) && create_new
                }
                syn::Expr::MethodCall(mc) => {
                    REPLACING.contains(&mc.method.to_string().as_str()) && self.names(&mc.args)
                }
                _ => false,
            }
        }
    }
    impl<'a> syn::visit::Visit<'a> for Tries {
        fn visit_expr_try(&mut self, t: &'a syn::ExprTry) {
            self.found |= self.replaces(&t.expr);
            syn::visit::visit_expr_try(self, t);
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let path = match peel(path) {
        syn::Expr::Reference(r) => &*r.expr,
        other => other,
    };
    let mut v = Tries {
        path: path.to_token_stream().to_string(),
        found: false,
    };
    syn::visit::Visit::visit_stmt(&mut v, stmt);
    v.found
}

/// The local binding a path expression starts from (`path` of `path.parent().unwrap()`,
/// `&dir`); not `self`, whose every field would be the same path.
fn path_binding(e: &syn::Expr) -> Option<String> {
    crate::semantic::syntax::chain_root(e)
        .map(|i| i.to_string())
        .filter(|n| n != "self")
}

/// `stmt` propagates with `?` (or panics with, by `.expect(..)`/`.unwrap()`) the error of an
/// expression naming one of `names` (`fs::write(path, ..)?`, `r.render(&results, dest)?`): the
/// write a discarded `create_dir_all` prepared reports its failure, with the path.
fn propagates_error_of(stmt: &syn::Stmt, names: &std::collections::BTreeSet<String>) -> bool {
    struct Tries<'n> {
        names: &'n std::collections::BTreeSet<String>,
        found: bool,
    }
    impl<'a> syn::visit::Visit<'a> for Tries<'_> {
        fn visit_expr_try(&mut self, t: &'a syn::ExprTry) {
            self.found |= crate::semantic::syntax::any_ident(t.expr.to_token_stream(), &|i| {
                self.names.iter().any(|n| i == n)
            });
            syn::visit::visit_expr_try(self, t);
        }
        // `File::create(dir.join(..)).expect("..")`: the panic carries the error too, when
        // the unwrapped call takes the path as an argument (not `dir.file_name().unwrap()`).
        fn visit_expr_method_call(&mut self, m: &'a syn::ExprMethodCall) {
            if matches!(m.method.to_string().as_str(), "expect" | "unwrap") {
                self.found |= self.names_path(&m.receiver);
            }
            syn::visit::visit_expr_method_call(self, m);
        }
        // `match File::create(path.join(..)) { Ok(f) => .., Err(e) => error!(.., path, e) }`
        // (also `if let Err(e) = ..`): the failure is logged.
        fn visit_expr_match(&mut self, m: &'a syn::ExprMatch) {
            self.found |= self.names_path(&m.expr)
                && m.arms
                    .iter()
                    .any(|a| is_err_pattern(&a.pat) && logs_in(&a.body));
            syn::visit::visit_expr_match(self, m);
        }
        fn visit_expr_if(&mut self, i: &'a syn::ExprIf) {
            if let syn::Expr::Let(l) = &*i.cond
                && is_err_pattern(&l.pat)
                && self.names_path(&l.expr)
                && i.then_branch.stmts.iter().any(|s| match s {
                    syn::Stmt::Expr(e, _) => logs_in(e),
                    syn::Stmt::Macro(m) => is_log_macro(&macro_name(&m.mac)),
                    _ => false,
                })
            {
                self.found = true;
            }
            syn::visit::visit_expr_if(self, i);
        }
        fn visit_expr_closure(&mut self, _: &'a syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &'a syn::ExprAsync) {}
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    impl Tries<'_> {
        /// A call naming the path in its arguments (`File::create(dir.join(..))`), also as
        /// the start of a chain (`File::create(dir.join(..)).and_then(|f| ..)`).
        fn names_path(&self, e: &syn::Expr) -> bool {
            let names_it = |args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>| {
                args.iter().any(|a| {
                    crate::semantic::syntax::any_ident(a.to_token_stream(), &|i| {
                        self.names.iter().any(|n| i == n)
                    })
                })
            };
            let mut e = peel_await(e);
            loop {
                match e {
                    syn::Expr::Call(c) => return names_it(&c.args),
                    syn::Expr::MethodCall(mc) if names_it(&mc.args) => return true,
                    syn::Expr::MethodCall(mc) => e = peel_await(&mc.receiver),
                    _ => return false,
                }
            }
        }
    }
    let mut v = Tries {
        names,
        found: false,
    };
    syn::visit::Visit::visit_stmt(&mut v, stmt);
    v.found
}

/// Names of clean-ups: a call named with one of the first four as a prefix, or exactly one of
/// the others.
const CLEANUPS: &[&str] = &[
    "remove", "delete", "revoke", "consume", "close", "cancel", "abort", "kill", "shutdown",
    "rollback", "flush",
];

fn is_cleanup(op: &str) -> bool {
    let (prefixes, exact) = CLEANUPS.split_at(4);
    prefixes.iter().any(|p| op.starts_with(p)) || exact.contains(&op)
}

/// `Ok(_permit) => unreachable!(..)`: every arm but the `Err` ones cannot happen, so the empty
/// `Err` arm is the outcome the code waits for (a semaphore closed to signal the end).
fn only_err_happens(m: &syn::ExprMatch) -> bool {
    m.arms
        .iter()
        .filter(|a| is_err_wildcard(&a.pat).is_none())
        .all(|a| {
            matches!(peel(&a.body), syn::Expr::Macro(mac)
                if crate::semantic::macros::macro_name(&mac.mac) == "unreachable")
        })
}

/// `{}` or `()`: an arm that does nothing.
fn does_nothing(e: &syn::Expr) -> bool {
    match peel(e) {
        syn::Expr::Block(b) => b.block.stmts.is_empty() && b.label.is_none(),
        syn::Expr::Tuple(t) => t.elems.is_empty(),
        _ => false,
    }
}

/// The chains whose `None` the code reads right there: the scrutinee of a `match <chain>` with
/// a `None` (or `_`) arm that does something, or of an `if let Some(..) = <chain>` with a final
/// `else` block; and the initializers of `let x = <chain>;` whose `x` a later statement of the
/// block handles as an `Option`: `x.unwrap_or_else(..)` (any [`HANDLES_NONE`] adapter),
/// `x.is_none()`, a comparison (`x == expected`), a `match x` or an `if let` as above, a
/// struct literal's field (`Entry { timestamp: x, .. }`) or a field setter's value
/// (`self.mode.store(x)`). The
/// `None` a conversion in the chain produced is then a value the code reads, as in a chain that
/// ends in `.unwrap_or(..)`. A binding only unwrapped by `if let Some(v) = x { .. }` skips its
/// `None` silently, and stays a finding.
fn handled_chains(block: &syn::Block) -> Vec<&syn::Expr> {
    struct Lets<'a>(Vec<&'a syn::Expr>);
    impl<'a> syn::visit::Visit<'a> for Lets<'a> {
        fn visit_block(&mut self, b: &'a syn::Block) {
            for (i, stmt) in b.stmts.iter().enumerate() {
                if let syn::Stmt::Local(local) = stmt
                    && let Some(init) = &local.init
                    && init.diverge.is_none()
                    && !and_thens(&init.expr).is_empty()
                    && let syn::Pat::Ident(id) = strip_pat_type(&local.pat)
                    && let Some(rest) = b.stmts.get(i + 1..)
                    && uses_binding_where(rest, &id.ident.to_string(), handles_none_use)
                {
                    self.0.push(&init.expr);
                }
            }
            syn::visit::visit_block(self, b);
        }
        fn visit_expr(&mut self, e: &'a syn::Expr) {
            if let Some(scrutinee) = none_read_scrutinee(e)
                && !and_thens(scrutinee).is_empty()
            {
                self.0.push(scrutinee);
            }
            // `Self { client: key.and_then(|k| make_client(k).ok()), .. }`: kept as the
            // field's `Option`, as through a `let` (see `handles_none_use`).
            if let syn::Expr::Struct(st) = e {
                for f in &st.fields {
                    if !and_thens(&f.expr).is_empty() {
                        self.0.push(&f.expr);
                    }
                }
            }
            // `post_update.cover = cover.and_then(|c| Media::from_activity(c).ok());`: the
            // same, assigned.
            if let syn::Expr::Assign(a) = e
                && matches!(peel(&a.left), syn::Expr::Field(_))
                && !and_thens(&a.right).is_empty()
            {
                self.0.push(&a.right);
            }
            // `self.previous_mode.store(byte.and_then(|b| Mode::try_from(b).ok()))`: the
            // field's new `Option`, as in a struct literal.
            if let Some(arg) = field_setter_arg(e)
                && !and_thens(arg).is_empty()
            {
                self.0.push(arg);
            }
            syn::visit::visit_expr(self, e);
        }
    }
    let mut lets = Lets(Vec::new());
    syn::visit::Visit::visit_block(&mut lets, block);
    lets.0
}

/// Every `and_then` of `chain` (its last call first), through further `Option` adapters
/// (`.and_then(..ok()).and_then(..ok()).unwrap_or_default()` has two).
fn and_thens(chain: &syn::Expr) -> Vec<&syn::ExprMethodCall> {
    let mut out = Vec::new();
    let mut cur = chain;
    while let syn::Expr::MethodCall(inner) = peel(cur)
        && OPTION_ADAPTERS.contains(&inner.method.to_string().as_str())
    {
        if inner.method == "and_then" {
            out.push(inner);
        }
        cur = &inner.receiver;
    }
    // `if let Some(a) = attr { <chain> } else { <chain> }.ok_or(NoUuid)?`: the value of each
    // branch is the `Option` the adapter handles.
    for end in value_ends(peel(cur)) {
        out.extend(and_thens(end));
    }
    out
}

/// The expressions whose value an `if`, `match` or block expression takes: its branches'
/// tails (none for anything else).
fn value_ends(e: &syn::Expr) -> Vec<&syn::Expr> {
    fn tail(b: &syn::Block) -> Option<&syn::Expr> {
        match b.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => Some(e),
            _ => None,
        }
    }
    match e {
        syn::Expr::If(i) => {
            let mut out: Vec<&syn::Expr> = tail(&i.then_branch).into_iter().collect();
            if let Some((_, els)) = &i.else_branch {
                out.push(els);
            }
            out
        }
        syn::Expr::Block(b) => tail(&b.block).into_iter().collect(),
        syn::Expr::Match(m) => m.arms.iter().map(|a| &*a.body).collect(),
        _ => Vec::new(),
    }
}

/// What `e` matches on, when `e` reads its `None`: a `match` with a `None` or `_` arm that
/// does something, an `if let` with a final `else` block (`else if ..` may let the `None` fall
/// through).
fn none_read_scrutinee(e: &syn::Expr) -> Option<&syn::Expr> {
    match e {
        syn::Expr::Match(m) => m
            .arms
            .iter()
            .any(|a| {
                (is_none_pat(&a.pat) || matches!(a.pat, syn::Pat::Wild(_)))
                    && !does_nothing(&a.body)
            })
            .then_some(&*m.expr),
        syn::Expr::If(i) => match (&i.else_branch, peel(&i.cond)) {
            (Some((_, e)), syn::Expr::Let(l)) if matches!(**e, syn::Expr::Block(_)) => {
                Some(&l.expr)
            }
            _ => None,
        },
        _ => None,
    }
}

/// See [`handled_chains`].
fn handles_none_use(e: &syn::Expr, name: &str) -> bool {
    match e {
        // Also after further steps that keep its `None` (`x.and_then(|r| r.uri).map(..)
        // .unwrap_or_else(..)`).
        syn::Expr::MethodCall(mc) => {
            carries_none(&mc.receiver, name)
                && (handles_none(&mc.method.to_string())
                    || READS_NONE.contains(&mc.method.to_string().as_str()))
        }
        syn::Expr::Binary(b) => {
            matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_))
                && (is_binding(&b.left, name) || is_binding(&b.right, name))
        }
        // A tuple's `(Remote, None) => {}` arm drops the `None` whatever the catch-all does.
        syn::Expr::Match(m)
            if matches!(peel(&m.expr), syn::Expr::Tuple(_))
                && m.arms.iter().any(|a| {
                    matches!(&a.pat, syn::Pat::Tuple(t) if t.elems.iter().any(is_none_pat))
                        && does_nothing(&a.body)
                }) =>
        {
            false
        }
        syn::Expr::Match(_) | syn::Expr::If(_) => {
            none_read_scrutinee(e).is_some_and(|s| carries_none(s, name))
        }
        // `Self { timestamp: time, .. }`: kept as an `Option` field, a value whose `None` its
        // readers see (a history line without a valid time is a line without a time).
        // `address: address.clone()` in a struct built per item.
        syn::Expr::Struct(st) => st.fields.iter().any(|f| carries_none(&f.expr, name)),
        _ => field_setter_arg(e).is_some_and(|a| carries_none(a, name)),
    }
}

/// The value a field's setter stores (`self.mode.store(x)`, `cell.set(x)` on a field,
/// `.replace(x)`, `.swap(x)`): the field keeps it, as a struct literal's field does.
fn field_setter_arg(e: &syn::Expr) -> Option<&syn::Expr> {
    let syn::Expr::MethodCall(mc) = e else {
        return None;
    };
    let setter = matches!(
        mc.method.to_string().as_str(),
        "store" | "set" | "replace" | "swap"
    );
    (setter && mc.args.len() == 1 && matches!(peel(&mc.receiver), syn::Expr::Field(_)))
        .then(|| &mc.args[0])
}

/// The binding, or an `Option` that is `None` whenever it is: `x.map(..)`, `x.as_ref()`,
/// `a.zip(x)` (`if let Some((a, x)) = a.zip(x) { .. } else { .. }` reads `x`'s `None` in
/// its `else`), or a tuple holding one (`match (host, origin) { (_, Some(o)) => .., _ => ..
/// }`: the catch-all arm is where `origin`'s `None` goes).
fn carries_none(e: &syn::Expr, name: &str) -> bool {
    if is_binding(e, name) {
        return true;
    }
    let mc = match peel(e) {
        syn::Expr::MethodCall(mc) => mc,
        syn::Expr::Tuple(t) => return t.elems.iter().any(|el| carries_none(el, name)),
        _ => return false,
    };
    match mc.method.to_string().as_str() {
        "zip" => {
            carries_none(&mc.receiver, name)
                || mc.args.first().is_some_and(|a| carries_none(a, name))
        }
        "map" | "and_then" | "filter" | "as_ref" | "as_deref" | "as_mut" | "cloned" | "copied"
        | "clone" => carries_none(&mc.receiver, name),
        _ => false,
    }
}

/// `.is_some_and(|id| id == room_id)`: a comparison with an expected value, which a `None`
/// fails as it should (like `x == expected` on the bound `Option`).
fn compares(mc: &syn::ExprMethodCall) -> bool {
    mc.args.first().is_some_and(|a| match peel(a) {
        syn::Expr::Closure(cl) => matches!(
            peel(&cl.body),
            syn::Expr::Binary(b) if matches!(
                b.op,
                syn::BinOp::Eq(_)
                    | syn::BinOp::Ne(_)
                    | syn::BinOp::Lt(_)
                    | syn::BinOp::Le(_)
                    | syn::BinOp::Gt(_)
                    | syn::BinOp::Ge(_)
            )
        ),
        _ => false,
    })
}

fn is_none_pat(p: &syn::Pat) -> bool {
    match p {
        syn::Pat::Ident(i) => i.ident == "None" && i.subpat.is_none(),
        syn::Pat::Path(p) => p.path.segments.last().is_some_and(|s| s.ident == "None"),
        syn::Pat::Or(o) => o.cases.iter().any(is_none_pat),
        _ => false,
    }
}

const SEND_HELP: &str = "handle the closed channel (stop producing, or log at debug level), or suppress with a reason if losing the message is intended";

/// What a discarded send's error hides: a full queue (`try_send`, `send_timeout`), or, for a
/// send in a loop,
/// that the loop now produces for nobody.
fn send_loss(e: &syn::Expr) -> &'static str {
    match send_call(e) {
        Some(send) if !is_plain_send(send) => {
            ": if the queue is full or the receiver is gone, the message is lost and nobody hears about it"
        }
        _ => {
            " in a loop: once the receiver is gone, every message is lost and the loop goes on producing for nobody"
        }
    }
}

/// `reply.ok()` on a binding or field whose type is known, another crate's, and neither a
/// `Result` nor an `Option`: a method of that name (fuser's `ReplyEmpty::ok` sends the
/// success reply), not `Result::ok`.
fn known_not_result(cx: &Cx, receiver: &syn::Expr) -> bool {
    if !matches!(peel(receiver), syn::Expr::Path(_) | syn::Expr::Field(_)) {
        return false;
    }
    let TyExpr::Known(t) = cx.type_of(receiver) else {
        return false;
    };
    !t.mentions_crate_path()
        // `Result` and its aliases (`LockResult`, `QueryResult`, `IResult`).
        && t.path_str()
            .is_some_and(|p| !p.ends_with("Result") && !p.ends_with("Option"))
}

/// `Drop::drop`: a destructor has no caller to report to, and best-effort cleanup there
/// (`let _ = fs::remove_file(..)`) is the idiom.
fn skipped(cx: &Cx) -> bool {
    cx.in_drop()
}

impl SwallowedResult {
    fn send_sets(&self) -> SendSets<'_> {
        (&self.lossless_sends, &self.stream_loop_sends)
    }

    /// Every `and_then` of `chain` ([`and_thens`]): whatever handles the chain's `None`
    /// handles theirs.
    fn mark_none_handled(&mut self, chain: &syn::Expr) {
        for call in and_thens(chain) {
            self.none_handled.insert(pos(call.method.span()));
        }
    }

    fn report_ok(&self, cx: &Cx, ok: &syn::ExprMethodCall, logged: Option<&[String]>) {
        if expected(&ok.receiver)
            || chain_observes_error(&ok.receiver)
            || removes_if_empty(&ok.receiver)
        {
            return;
        }
        if known_not_result(cx, &ok.receiver) {
            return;
        }
        let loss = loss(cx, &ok.receiver, logged, self.send_sets());
        if matches!(loss, Loss::Nothing) {
            return;
        }
        // `CELL.set(v).ok()`: a once-cell's `Err` is "already set". An unknown receiver is
        // given the benefit of the doubt; a known other type is reported.
        let once_set = match peel_await(&ok.receiver) {
            syn::Expr::MethodCall(mc) if mc.method == "set" && mc.args.len() == 1 => {
                Some(cx.type_of(&mc.receiver))
            }
            _ => None,
        };
        // `handle.join().ok()`: the panic it reports was printed; an output error is not.
        let thread_join = match peel(&ok.receiver) {
            syn::Expr::MethodCall(mc) if mc.method == "join" && mc.args.is_empty() => {
                Some(cx.type_of(&mc.receiver))
            }
            _ => None,
        };
        let what = expr_text(&ok.receiver);
        let (message, help) = match fallible_call(cx, &ok.receiver) {
            Some((_, _, true)) => (
                format!(
                    "`.ok()` discards the error of `{what}`{}",
                    send_loss(&ok.receiver)
                ),
                SEND_HELP,
            ),
            _ => (
                format!("`.ok()` discards the error of `{what}` without logging it"),
                "propagate it with `?`, log it (`if let Err(e) = .. { warn!(..) }` or `.inspect_err(|e| warn!(..))`), or suppress with a reason",
            ),
        };
        let finding = cx.finding(&META, ok.method.span(), message, help);
        match (once_set, thread_join) {
            (Some(ty), _) if ty.is_unknown() => {}
            (Some(ty), _) => cx.emit_if(ty, not_once_cell, finding),
            (None, Some(ty)) if ty.known().is_some_and(joins_no_error) => {}
            (None, _) => emit_unless_lossless(cx, loss, &ok.receiver, finding),
        }
    }

    fn check_discard(&self, cx: &Cx, init: &syn::Expr, logged: Option<&[String]>) {
        if chain_observes_error(init) || removes_if_empty(init) {
            return;
        }
        if let Some(ok) = as_ok_call(init) {
            self.report_ok(cx, ok, logged);
            return;
        }
        let Some((span, what, is_send)) = fallible_call(cx, init) else {
            return;
        };
        let loss = loss(cx, init, logged, self.send_sets());
        let (message, help) = if is_send {
            (
                format!(
                    "`let _ =` discards the error of `{what}`{}",
                    send_loss(init)
                ),
                SEND_HELP,
            )
        } else {
            (
                format!("`let _ =` discards the error of `{what}` without logging it"),
                "propagate it with `?` or log it (`if let Err(e) = .. { warn!(..) }`); suppress with a reason if the failure is really irrelevant",
            )
        };
        emit_unless_lossless(cx, loss, init, cx.finding(&META, span, message, help));
    }
}

impl Lint for SwallowedResult {
    fn meta(&self) -> &'static RuleMeta {
        &META
    }

    fn expr_kinds(&self) -> ExprKinds {
        ExprKinds::METHOD_CALL | ExprKinds::MATCH
    }

    fn hooks(&self) -> Hooks {
        Hooks::FILE | Hooks::FN | Hooks::STMT | Hooks::EXPR
    }

    fn check_file(&mut self, cx: &Cx, file: &syn::File) {
        self.self_held.clear();
        self.lossless_sends.clear();
        self.stream_loop_sends.clear();
        self.failure_cleanups.clear();
        self.unread_watch = if cx.file_mentions("Sender") && cx.file_mentions("watch") {
            unread_watch_fields(file)
        } else {
            Default::default()
        };
        if cx.file_mentions("Receiver") {
            self_held_senders(&file.items, &mut self.self_held);
            self.self_held.retain(|_, senders| !senders.is_empty());
        }
    }

    fn check_fn(&mut self, cx: &Cx, f: &FnView) {
        self.last_log = None;
        self.fn_doc_explains = None;
        self.fn_sig_line = f.sig.fn_token.span.start().line as u32;
        // Not cleared here: a nested fn item's check runs in the middle of its outer fn's walk
        // (the sets are keyed by source position, so one file's fns never collide).
        let body = f.body_text();
        if (body.contains("Err") || body.contains("bail!") || body.contains("exit("))
            && CLEANUPS.iter().any(|c| body.contains(c))
            || (body.contains("create_dir") || body.contains("remove_file"))
                && (body.contains('?') || body.contains(".expect(") || body.contains(".unwrap()"))
        {
            failure_path_cleanups(f.block, &mut self.failure_cleanups);
        }
        if body.contains("channel") || body.contains("unbounded") {
            held_receiver_sends(f.block, &mut self.lossless_sends);
        }
        if body.contains("repl") || body.contains("respon") {
            request_reply_sends(f.block, &mut self.lossless_sends);
        }
        if body.contains("Err(_) =>") {
            matches_before_error_tail(f.block, &mut self.before_error_tail);
        }
        if body.contains("and_then") {
            for chain in handled_chains(f.block) {
                self.mark_none_handled(chain);
            }
        }
        let self_ty = ((!self.self_held.is_empty() || !self.unread_watch.is_empty())
            && f.sig.receiver().is_some())
        .then(|| cx.function())
        .flatten()
        .and_then(|f| f.split("::").next().map(str::to_string));
        let own_queue = self_ty.as_ref().and_then(|ty| self.self_held.get(ty));
        let own_watch = self_ty.as_ref().and_then(|ty| self.unread_watch.get(ty));
        let watches_close = body.contains("closed()");
        let loops_send =
            body.contains("send") && ["for ", "loop", "while"].iter().any(|l| body.contains(l));
        if body.contains("for_each") && body.contains("send") {
            stream_loop_sends(f.block, &mut self.stream_loop_sends);
        }
        if own_queue.is_some() || own_watch.is_some() || watches_close || loops_send {
            let receivers = fn_receivers(f.sig, f.block);
            let sites = send_sites(f.block, &receivers);
            bounded_loop_sends(&sites, &receivers, &mut self.lossless_sends);
            for fields in [own_queue, own_watch].into_iter().flatten() {
                field_sends(&sites.sends, fields, &mut self.lossless_sends);
            }
            // A loop that watches the sender close, or leaves when a send on it fails.
            if watches_close || body.contains("is_err") || body.contains("Err(") {
                closed_watched_sends(&sites.sends, &mut self.lossless_sends);
            }
            if watches_close {
                select_closed_sends(f.block, &mut self.lossless_sends);
            }
            if body.contains(".abort()") {
                aborted_task_sends(f.block, &sites.sends, &mut self.lossless_sends);
            }
        }
    }

    fn check_stmt(&mut self, cx: &Cx, stmt: &syn::Stmt) {
        if skipped(cx) {
            return;
        }
        // `let Some(m) = v.and_then(|c| from_value(c).ok()) else { return .. };`: the `else`
        // handles the `None`.
        if let syn::Stmt::Local(local) = stmt
            && let Some(init) = &local.init
            && init.diverge.is_some()
        {
            self.mark_none_handled(&init.expr);
        }
        // `error!(%e, ..);` as a statement: an error passed on below it was reported here.
        let mac = crate::semantic::syntax::stmt_macro(stmt);
        if let Some(mac) = mac
            && mac
                .path
                .segments
                .last()
                .is_some_and(|s| is_log_macro(&s.ident.to_string()))
        {
            let mut errors = std::collections::BTreeSet::new();
            value_names(mac.tokens.clone(), &mut errors);
            self.last_log = Some(RecentLog {
                line: mac.delimiter.span().close().end().line as u32,
                errors: errors.into_iter().filter(|n| is_error_name(n)).collect(),
            });
            return;
        }
        let logged = |first: proc_macro2::Span| {
            let first = first.start().line as u32;
            self.last_log
                .as_ref()
                .filter(|l| l.line <= first && first - l.line <= LOGGED_WITHIN_LINES)
                .map(|l| l.errors.as_slice())
        };
        if let Some(d) = discard_of(stmt)
            && !*self
                .fn_doc_explains
                .get_or_insert_with(|| doc_explains(cx, self.fn_sig_line))
            && !explained_discard(cx, d.first, d.last)
            && !flush_of_discarded_write(cx, &d)
            && !self.failure_cleanups.contains(&pos(d.first))
            && !(cx.in_test() && test_cleanup(cx, d.expr()))
        {
            match d.what {
                Discarded::Value(e) => self.check_discard(cx, e, logged(d.first)),
                Discarded::Ok(ok) => self.report_ok(cx, ok, logged(d.first)),
            }
        }
    }

    fn check_expr(&mut self, cx: &Cx, e: &syn::Expr) {
        if skipped(cx) {
            return;
        }
        match e {
            syn::Expr::MethodCall(mc) => {
                let method = mc.method.to_string();
                if handles_none(&method)
                    || READS_NONE.contains(&method.as_str())
                    || (method == "is_some_and" && compares(mc))
                {
                    self.mark_none_handled(&mc.receiver);
                }
                if mc.args.len() != 1 {
                    return;
                }
                let iter_form = matches!(method.as_str(), "filter_map" | "flat_map" | "find_map");
                if !iter_form && method != "and_then" {
                    return;
                }
                let Some(arg) = mc.args.first() else { return };
                // A config value converted in the step (`.and_then(|v| v.parse().ok())`): a
                // malformed setting becomes the default unheard, however the `None` is handled.
                // A step that uses the config for something else (connecting with it) is a
                // conversion like any other.
                let config = reads_config(&mc.receiver)
                    && match peel(arg) {
                        syn::Expr::Closure(cl) => {
                            closure_ok_call(cl).is_some_and(|ok| validation(&ok.receiver))
                        }
                        _ => true,
                    };
                if method == "and_then"
                    && !config
                    && self.none_handled.contains(&pos(mc.method.span()))
                {
                    return;
                }
                // `find_map(|r| RecordRef::<SOA>::try_from(r).ok())`: the first item that
                // converts, a search by kind; the others are not failures.
                let search = method == "find_map"
                    && !config
                    && matches!(peel(arg), syn::Expr::Closure(cl)
                        if closure_ok_call(cl).is_some_and(|ok| op_name(&ok.receiver)
                            .is_some_and(|(op, _)| matches!(op.as_str(), "try_from" | "try_into"))));
                // `.map(|r| Ok::<_, E>(..))` before the filter: no `Err` reaches it.
                let all_ok = iter_form && all_ok_items(&mc.receiver);
                let drops = !(search || all_ok)
                    && match peel(arg) {
                        syn::Expr::Closure(cl) => closure_drops_error(cl, config),
                        other => {
                            iter_form
                                && is_result_ok_path(cx, other)
                                && (config || !validation_map(&mc.receiver))
                        }
                    };
                // `// .ok() cannot drop a real config: TryFrom is total` over the step, or the
                // fn's doc letting its errors go ("Fail-safe, omits errors.").
                if !drops
                    || explained_discard(cx, mc.method.span(), mc.method.span())
                    || (iter_form && explained_filter(cx, mc.method.span()))
                    || explained_chain(cx, mc.method.span())
                    || doc_says(cx, self.fn_sig_line, ERRORS_LET_GO)
                {
                    return;
                }
                let message = if iter_form {
                    format!(
                        "`.{method}(..ok())` silently drops every `Err` item: failures vanish from the result instead of being reported"
                    )
                } else {
                    "`.and_then(|x| ...ok())` turns an error into `None` without logging it"
                        .to_string()
                };
                let finding = cx.finding(
                    &META,
                    mc.method.span(),
                    message,
                    "collect into a `Result` (`.collect::<Result<Vec<_>, _>>()?`), or log the errors you skip (`.inspect_err(|e| warn!(..))`)",
                );
                // `filter_map(|d| Column::try_from(d).ok())`: unless the workspace fn called
                // loses no error (its `Err` is `()`, or it never returns one).
                let converted = match peel(arg) {
                    syn::Expr::Closure(cl) => closure_ok_call(cl).map(|ok| &*ok.receiver),
                    _ => None,
                };
                match converted {
                    Some(call) => emit_unless_lossless(cx, Loss::Data, call, finding),
                    None => cx.emit(finding),
                }
            }
            syn::Expr::Match(m) => {
                // `Err(e) if first.is_none() => first = Some(e), Err(_) => {}`: the match keeps
                // an error it chose; the empty arm is the deliberate rest.
                if expected(&m.expr)
                    || m.arms.iter().any(|a| binds_err(&a.pat))
                    || only_err_happens(m)
                    || self.before_error_tail.contains(&pos(m.match_token.span))
                {
                    return;
                }
                for arm in &m.arms {
                    let Some(path) = is_err_wildcard(&arm.pat) else {
                        continue;
                    };
                    if arm.guard.is_some()
                        || !does_nothing(&arm.body)
                        || cancellation_marker(cx, &arm.pat)
                        || explained_inside(cx, &arm.body)
                    {
                        continue;
                    }
                    // A send that loses nothing (a broadcast publish, a signal..) loses nothing
                    // here either.
                    let loss = loss(cx, &m.expr, None, self.send_sets());
                    let finding = cx.finding(
                        &META,
                        path.span(),
                        format!(
                            "`Err(_) => {{}}` discards the error of `{}` without logging it",
                            expr_text(&m.expr)
                        ),
                        "log it (`Err(e) => warn!(..)`), propagate it, or say in a suppression why the error does not matter",
                    );
                    emit_unless_lossless(cx, loss, &m.expr, finding);
                }
            }
            _ => {}
        }
    }
}
