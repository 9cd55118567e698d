//! A throwaway `redis-server` for tests: bound to 127.0.0.1 on a free port, nothing saved to disk,
//! killed when dropped.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server` child process.
#[derive(Debug)]
pub struct RedisServer {
    child: Child,
    port: u16,
    password: Option<String>,
}

impl RedisServer {
    /// Starts `redis-server` (from `PATH`) on a free loopback port and waits until it answers.
    ///
    /// # Errors
    /// `redis-server` is not installed, or did not answer `PING` within 10 seconds.
    pub fn start() -> Result<Self, String> {
        Self::start_with_password(None)
    }

    /// Like [`RedisServer::start`], with `requirepass`.
    ///
    /// # Errors
    /// As [`RedisServer::start`].
    pub fn start_with_password(password: Option<&str>) -> Result<Self, String> {
        // The port is free when picked, but a client socket of a test running beside this one
        // may take it before the server binds (the OS hands out the same ephemeral range): the
        // server then exits at once, and another port is tried.
        let mut last = String::new();
        for _ in 0..3 {
            let port = free_port().map_err(|e| format!("no free loopback port: {e}"))?;
            let mut server = Self::spawn(port, password)?;
            match server.wait_ready(Duration::from_secs(10)) {
                Ok(()) => return Ok(server),
                Err(Ready::Exited(e)) => last = e,
                Err(Ready::Silent(e)) => return Err(e),
            }
        }
        Err(last)
    }

    fn spawn(port: u16, password: Option<&str>) -> Result<Self, String> {
        let mut cmd = Command::new("redis-server");
        cmd.args(["--bind", "127.0.0.1", "--port", &port.to_string()])
            .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
            .args(["--protected-mode", "yes", "--loglevel", "warning"]);
        if let Some(p) = password {
            cmd.args(["--requirepass", p]);
        }
        let child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start redis-server ({e}); install it (Debian: apt-get install redis-server)"
                )
            })?;
        Ok(Self {
            child,
            port,
            password: password.map(str::to_string),
        })
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// `redis://[:PASSWORD@]127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        match &self.password {
            Some(p) => format!("redis://:{p}@127.0.0.1:{}", self.port),
            None => format!("redis://127.0.0.1:{}", self.port),
        }
    }

    /// How many keys the server holds (`DBSIZE`): a stress must leave none behind.
    ///
    /// # Errors
    /// The server cannot be reached.
    pub fn key_count(&self) -> Result<usize, String> {
        let client = redis::Client::open(self.url()).map_err(|e| e.to_string())?;
        let mut con = client
            .get_connection_with_timeout(Duration::from_secs(3))
            .map_err(|e| e.to_string())?;
        redis::cmd("DBSIZE")
            .query(&mut con)
            .map_err(|e| e.to_string())
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), Ready> {
        let start = Instant::now();
        while start.elapsed() < limit {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(Ready::Exited(format!(
                    "redis-server on port {} exited before answering ({status})",
                    self.port
                )));
            }
            if let Ok(mut s) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = s.set_read_timeout(Some(Duration::from_secs(1)));
                // Any RESP reply (PONG, or NOAUTH with a password) means the server is up.
                if s.write_all(b"PING\r\n").is_ok() {
                    let mut line = String::new();
                    if BufReader::new(&s).read_line(&mut line).is_ok()
                        && (line.starts_with('+') || line.starts_with('-'))
                    {
                        return Ok(());
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(Ready::Silent(format!(
            "redis-server on port {} did not answer within {limit:?}",
            self.port
        )))
    }
}

/// Why a started server is not ready.
enum Ready {
    /// It exited (its port was taken meanwhile): another port may do.
    Exited(String),
    /// It runs but does not answer.
    Silent(String),
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nothing listens on right now (the OS's pick for port 0).
pub fn free_port() -> std::io::Result<u16> {
    Ok(TcpListener::bind(("127.0.0.1", 0))?.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    // The flake this guards against: a port taken between `free_port` and the server's bind
    // made the server exit, and the start waited out its whole 10 s before failing.
    #[test]
    fn a_server_whose_port_is_taken_is_seen_to_exit_at_once() {
        let holder = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
        let port = holder.local_addr().expect("addr").port();
        let mut server = RedisServer::spawn(port, None).unwrap_or_else(|e| panic!("{e}"));
        let start = Instant::now();
        match server.wait_ready(Duration::from_secs(10)) {
            Err(Ready::Exited(e)) => assert!(e.contains("exited before answering"), "{e}"),
            Err(Ready::Silent(e)) => panic!("waited it out instead: {e}"),
            Ok(()) => panic!("something answered on a port the test holds"),
        }
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "{:?}",
            start.elapsed()
        );
    }

    #[test]
    fn start_finds_a_port_and_answers() {
        let server = RedisServer::start().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(server.key_count(), Ok(0));
    }
}
