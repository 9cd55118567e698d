//! `racewise models ...`: runs the shuttle model checks from the normally built binary (issue 7).

use std::io::Write;

#[derive(Debug, clap::Subcommand)]
pub enum ModelsCommand {
    /// List every model variant.
    List,
}

pub fn run(cmd: &ModelsCommand, out: &mut dyn Write) -> std::io::Result<i32> {
    match cmd {
        ModelsCommand::List => {
            writeln!(out, "no models yet")?;
            Ok(0)
        }
    }
}
