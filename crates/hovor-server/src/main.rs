//! `hovor-server`: serves the Hovor API and the built app on one port.

use clap::Parser;
use hovor_server::{Config, serve};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "hovor_server=info,tower_http=warn".into()),
        )
        .init();
    serve(Config::parse()).await
}
