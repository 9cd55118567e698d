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
        let port = free_port().map_err(|e| format!("no free loopback port: {e}"))?;
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
        let server = Self {
            child,
            port,
            password: password.map(str::to_string),
        };
        server.wait_ready(Duration::from_secs(10))?;
        Ok(server)
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

    fn wait_ready(&self, limit: Duration) -> Result<(), String> {
        let start = Instant::now();
        while start.elapsed() < limit {
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
        Err(format!(
            "redis-server on port {} did not answer within {limit:?}",
            self.port
        ))
    }
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
