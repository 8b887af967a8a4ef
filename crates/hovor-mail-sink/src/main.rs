//! `hovor-mail-sink --listen 127.0.0.1:2525 --dir mail/`: keeps every email sent to it as a file.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;

use clap::Parser;

#[derive(Debug, Parser)]
#[command(name = "hovor-mail-sink", version, about = "A local SMTP server that keeps every email as a file")]
struct Args {
    #[arg(long, env = "HOVOR_MAIL_SINK_LISTEN", default_value = "127.0.0.1:2525")]
    listen: SocketAddr,
    /// Where the received emails are written, one `.eml` file each.
    #[arg(long, env = "HOVOR_MAIL_SINK_DIR", default_value = "mail")]
    dir: PathBuf,
    /// Recipients refused for good (550), comma-separated.
    #[arg(long, value_delimiter = ',')]
    refuse: Vec<String>,
    /// Recipients refused for now (451), comma-separated.
    #[arg(long, value_delimiter = ',')]
    defer: Vec<String>,
}

fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let listener = TcpListener::bind(args.listen)?;
    println!("Mail sink at smtp://{}, keeping emails in {}", listener.local_addr()?, args.dir.display());
    hovor_mail_sink::serve(
        listener,
        &args.dir,
        hovor_mail_sink::Rules { refuse: args.refuse, defer: args.defer },
    )
}
