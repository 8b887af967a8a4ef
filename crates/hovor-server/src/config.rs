//! Command-line flags, each also readable from the environment.

use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Debug, Clone, clap::Parser)]
#[command(name = "hovor-server", version, about = "Hovor agent desktop server")]
pub struct Config {
    /// Address to listen on.
    #[arg(long, env = "HOVOR_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Database URL; a SQLite file is created and migrated on first start.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://hovor.db")]
    pub database: String,
    /// Fill the database with a demo contact center when it is empty.
    #[arg(long, env = "HOVOR_DEMO")]
    pub demo: bool,
    /// Directory of the built app (`dist/`, made by scripts/build.sh); without it only the API is served.
    #[arg(long, env = "HOVOR_DIST")]
    pub dist: Option<PathBuf>,
    /// Secret shared with the host site that signs customer identities for web chat (HMAC-SHA256).
    /// Without it every chat customer is unauthenticated.
    #[arg(long, env = "HOVOR_CHAT_IDENTITY_SECRET", hide_env_values = true)]
    pub chat_identity_secret: Option<String>,
    /// Origins of the host sites that may hand the chat page self-service actions and context
    /// (comma-separated, e.g. `https://shop.example`). Messages from any other opener are ignored.
    #[arg(long, env = "HOVOR_CHAT_HOST_ORIGINS", value_delimiter = ',')]
    pub chat_host_origins: Vec<String>,
    /// The CRM origins that may show the desk in a frame (comma-separated exact origins, e.g.
    /// `https://crm.example,https://crm-eu.example:8443`): `/embed?host=<origin>` serves it to them
    /// alone. Without it no site may frame Hovor.
    #[arg(long, env = "HOVOR_EMBED_HOST_ORIGINS", value_delimiter = ',')]
    pub embed_host_origins: Vec<String>,
    /// The secret a listed CRM's server signs agents' assertions with (HS256), to sign an agent in to
    /// the framed desk without the sign-in window. Without it only the window signs in.
    #[arg(long, env = "HOVOR_EMBED_ASSERTION_SECRET", hide_env_values = true)]
    pub embed_assertion_secret: Option<String>,
    /// Lets a listed CRM place a call from the framed desk at once (the host API's `dial` with
    /// `autoPlace`). Without it the desk asks the agent to tap Call first.
    #[arg(long, env = "HOVOR_EMBED_AUTO_DIAL")]
    pub embed_auto_dial: bool,
    /// The SMTP relay agents' emails go to, e.g. `smtp://127.0.0.1:2525`, `smtp://relay:587?tls=required`
    /// or `smtps://user:password@relay:465`. Without it agents cannot send email.
    #[arg(long, env = "HOVOR_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The token the mail gateway sends (`Authorization: Bearer …`) to post arriving email to
    /// `/api/email/inbound`. Without it no email is accepted.
    #[arg(long, env = "HOVOR_INBOUND_EMAIL_TOKEN", hide_env_values = true)]
    pub inbound_email_token: Option<String>,
    /// The token a website or an IVR sends (`Authorization: Bearer …`) to create, list, change and
    /// delete callbacks through `/api/callbacks`, and nothing else. Without it only signed-in users can.
    #[arg(long, env = "HOVOR_CALLBACKS_API_TOKEN", hide_env_values = true)]
    pub callbacks_api_token: Option<String>,
    /// The most outbound calls (Start call and callbacks) that may go on at once across all instances,
    /// as a telephony contract limits them; the next is refused with the reason code
    /// `call_limit_reached` until one ends. Without it there is no limit.
    #[arg(long, env = "HOVOR_MAX_OUTBOUND_CALLS")]
    pub max_outbound_calls: Option<u32>,
    /// How often retention runs (hours): the administrator's rules applied, old events removed and,
    /// on PostgreSQL, the tables rows were removed from compacted. Instances sharing a database take
    /// turns; one runs each round.
    #[arg(long, env = "HOVOR_RETENTION_EVERY_HOURS", default_value_t = 24, value_parser = clap::value_parser!(u32).range(1..=720))]
    pub retention_every_hours: u32,
    /// The address agents and customers reach Hovor at, e.g. `https://desk.example`. With `https://`,
    /// cookies are marked Secure and HSTS is sent (Hovor behind a TLS-terminating proxy); browsers'
    /// state-changing requests must come from this origin.
    #[arg(long, env = "HOVOR_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Take the client's address from the last `X-Forwarded-For` entry (set only behind a reverse proxy
    /// that writes it): sign-in and public-door limits count per client address.
    #[arg(long, env = "HOVOR_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    /// Chats one client address may start at once; after that, one more a minute (429 beyond).
    #[arg(long, env = "HOVOR_CHAT_STARTS_PER_ADDRESS", default_value_t = crate::limits::CHAT_STARTS.burst)]
    pub chat_starts_per_address: u32,
    /// UDP address of the media switch that every call's audio goes through (one port for all calls),
    /// e.g. `0.0.0.0:3479`. Without it: the address of `--listen` with a free port.
    #[arg(long, env = "HOVOR_MEDIA_LISTEN")]
    pub media_listen: Option<SocketAddr>,
    /// The address browsers send call audio to, when it is not the one the switch listens on (behind
    /// NAT, or listening on 0.0.0.0). Without it: the listening address, or for 0.0.0.0 the address of
    /// the interface with the default route.
    #[arg(long, env = "HOVOR_MEDIA_PUBLIC")]
    pub media_public: Option<SocketAddr>,
    /// Where call recordings (Ogg Opus files) are kept; by default `recordings/` beside the SQLite
    /// database, or in the working directory.
    #[arg(long, env = "HOVOR_RECORDINGS")]
    pub recordings: Option<PathBuf>,
    /// This instance's name among those sharing the database, the same after a restart: the calls an
    /// instance held end when it starts again (their audio went with the process). Without it: the
    /// host's name and the `--listen` port. Set it where host names change on every start (containers).
    #[arg(long, env = "HOVOR_INSTANCE")]
    pub instance: Option<String>,
    /// Where the other instances sharing the database reach this one (`http://host:port`): a request
    /// about a call that reaches another instance is forwarded here when this one holds the call.
    /// Without it: `http://` and the `--listen` address, with the host's name for an unspecified IP.
    #[arg(long, env = "HOVOR_PEER_ADDRESS")]
    pub peer_address: Option<String>,
    /// Print the OpenAPI document as JSON and exit.
    #[arg(long)]
    pub print_openapi: bool,
}

impl Config {
    /// The recordings directory: `--recordings`, else beside the SQLite database file. Instances that
    /// share a database share it too (a call's recording is written by the instance that holds the
    /// call and played by any).
    pub fn recordings_dir(&self) -> PathBuf {
        if let Some(dir) = &self.recordings {
            return dir.clone();
        }
        let file = self.database.strip_prefix("sqlite://").map(|f| f.split('?').next().unwrap_or(f));
        let beside = file.and_then(|f| std::path::Path::new(f).parent().map(|p| p.to_path_buf()));
        beside.unwrap_or_default().join("recordings")
    }

    /// `--embed-host-origins`, each checked to be an exact origin (compared byte for byte).
    pub fn embed_host_origins(&self) -> anyhow::Result<Vec<String>> {
        let origins: Vec<String> =
            self.embed_host_origins.iter().map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect();
        match origins.iter().find(|o| !hovor_types::embed::is_exact_origin(o)) {
            Some(bad) => anyhow::bail!(
                "--embed-host-origins: `{bad}` is not an exact origin (scheme://host[:port], lower case, no path)"
            ),
            None => Ok(origins),
        }
    }

    /// `--instance`, else the host's name and the port this instance listens on.
    pub fn instance_name(&self, listening: SocketAddr) -> String {
        self.instance.clone().unwrap_or_else(|| format!("{}:{}", host_name(), listening.port()))
    }

    /// `--peer-address`, else `http://` and the listening address (the host's name for 0.0.0.0).
    /// Instances talk plain HTTP on the private network they share, as a balancer talks to them.
    pub fn peer_address(&self, listening: SocketAddr) -> anyhow::Result<String> {
        let address = self.peer_address.clone().unwrap_or_else(|| match listening.ip() {
            ip if ip.is_unspecified() => format!("http://{}:{}", host_name(), listening.port()),
            _ => format!("http://{listening}"),
        });
        let authority = address.strip_prefix("http://").map(|rest| rest.strip_suffix('/').unwrap_or(rest));
        match authority {
            Some(authority) if !authority.is_empty() && !authority.contains('/') => Ok(address),
            _ => anyhow::bail!(
                "--peer-address: `{address}` is not http://host:port (instances talk plain HTTP)"
            ),
        }
    }
}

/// The machine's host name, or `localhost`.
fn host_name() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    match host.trim() {
        "" => "localhost".to_owned(),
        host => host.to_owned(),
    }
}
