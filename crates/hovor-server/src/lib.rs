//! The Hovor server: JSON API under `/api`, the built app everywhere else, one port.

pub mod auth;
pub mod callbacks;
pub mod change;
mod chat_page;
pub mod config;
pub mod db;
pub mod demo;
pub mod edge;
pub mod email;
mod embed;
pub mod embed_assertion;
pub mod error;
mod export;
mod extract;
mod first_paint;
pub mod hub;
pub mod language;
pub mod limits;
mod openapi;
mod phone_page;
pub mod relay;
pub mod retention;
mod routes;
pub mod routing;
pub mod state;
mod static_files;
pub mod store;
pub mod voice;

use axum::Router;
use axum::http::{HeaderValue, header};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use config::Config;
pub use state::AppState;

/// The whole application: API routes, the OpenAPI document and, when `dist` is given, the app.
pub fn app(state: AppState, dist: Option<&std::path::Path>) -> anyhow::Result<Router> {
    let csp = static_files::content_security_policy(dist)?;
    let state_origins = state.chat_host_origins.clone();
    let calls = state.voice.is_some();
    let origins = edge::Origins { public: state.public_url.clone(), chat_hosts: state_origins.clone() };
    let https = state.is_https();
    let first_paint_state = state.clone();
    let forward_calls = axum::middleware::from_fn_with_state(state.clone(), voice::hosts::forward);
    let api = routes::api_router(state)?
        .route("/api/{*rest}", axum::routing::any(edge::unknown_api_path))
        .layer(forward_calls)
        .layer(axum::middleware::from_fn_with_state(origins, edge::api_edge));
    let api = api
        .merge(
            chat_page::router(&state_origins, calls)
                .layer(RequestBodyLimitLayer::new(routes::BODY_LIMIT_BYTES)),
        )
        .merge(phone_page::router())
        .merge(embed::sign_in_router());
    let router = match dist {
        Some(dist) => api
            .merge(embed::router(embed::Embedding::new(
                &first_paint_state.embed_host_origins,
                first_paint_state.embed_auto_dial,
                static_files::index_page(dist)?,
                &static_files::policy_but_framing(Some(dist))?,
            )))
            .merge(first_paint::router(first_paint_state, static_files::index_page(dist)?))
            .nest_service("/app", static_files::app_files(dist))
            .fallback_service(static_files::service(dist)),
        None => api,
    };
    let router = if https {
        // A year, as browsers' preload lists expect; only ever sent when Hovor is reached over HTTPS.
        router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ))
    } else {
        router
    };
    Ok(router
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        // The embedded desk sets its own, which names its host.
        .layer(SetResponseHeaderLayer::if_not_present(header::CONTENT_SECURITY_POLICY, csp))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span)))
}

/// A request's log span: its method and path. Never the query, which carries what users search for
/// (a customer's name, a phone number) and tickets.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    tracing::debug_span!("request", method = %request.method(), path = %request.uri().path())
}

/// Opens the database, fills the demo when asked, and serves until SIGTERM or Ctrl-C.
pub async fn serve(config: Config) -> anyhow::Result<()> {
    if config.print_openapi {
        println!("{}", routes::openapi_document()?.to_pretty_json()?);
        return Ok(());
    }
    let pool = db::connect(&config.database).await?;
    if config.demo && demo::fill_if_empty(&pool, &demo::Scale::full()).await? {
        tracing::info!("filled the empty database with the demo contact center");
    }
    let listener = tokio::net::TcpListener::bind(config.listen).await?;
    let address = listener.local_addr()?;
    let state = AppState::new(pool.clone())
        .with_chat_identity_secret(config.chat_identity_secret.as_deref())
        .with_chat_host_origins(config.chat_host_origins.clone())
        .with_embed_host_origins(config.embed_host_origins()?)
        .with_embed_assertion_secret(config.embed_assertion_secret.as_deref())
        .with_embed_auto_dial(config.embed_auto_dial)
        .with_public_url(config.public_url.as_deref())
        .with_callbacks_token(config.callbacks_api_token.as_deref())
        .with_max_outbound_calls(config.max_outbound_calls)
        .with_mail(email::outbox::Mail::new(
            config.smtp_url.as_deref(),
            config.inbound_email_token.as_deref(),
        )?);
    let chat_starts = limits::Rate { burst: config.chat_starts_per_address, ..limits::CHAT_STARTS };
    let media = config.media_listen.unwrap_or(std::net::SocketAddr::new(address.ip(), 0));
    let (switch, peer_events) = voice::switch::Switch::start(media, config.media_public)?;
    tracing::info!(candidate = %switch.candidate(), "call audio goes through the media switch");
    let instance = config.instance_name(address);
    let call_hosts = voice::hosts::CallHosts::register(&state, &instance, &config.peer_address(address)?)
        .await
        .map_err(|e| anyhow::anyhow!("recording where the other instances reach this one: {e:?}"))?;
    let state = AppState {
        trust_forwarded_for: config.trust_forwarded_for,
        doors: limits::PublicDoors::new(chat_starts, limits::CALLBACK_REQUESTS),
        voice: Some(voice::calls::Calls::new(switch, &instance, &config.recordings_dir())?),
        call_hosts: Some(call_hosts),
        ..state
    };
    let ended = voice::flows::end_calls_left_behind(&state)
        .await
        .map_err(|e| anyhow::anyhow!("ending the calls held before the restart: {e:?}"))?;
    if ended > 0 {
        tracing::info!(ended, "ended the calls this instance held before it stopped");
    }
    voice::flows::follow_peers(state.clone(), peer_events);
    // The relay starts from the newest stored event: before the timers or the outbox commit anything.
    if db::Backend::of(&pool) == db::Backend::Postgres {
        relay::start(&state, &config.database).await?;
    }
    state.start_routing();
    state.start_outbox();
    tokio::spawn(db::checkpoint_regularly(pool.clone(), state.hub.shutting_down()));
    tokio::spawn(retention::every(state.clone(), config.retention_every_hours));
    let hub = state.hub.clone();
    let router = app(state, config.dist.as_deref())?;
    println!("Hovor is running at http://{address}/");
    if config.demo {
        println!("Demo sign-ins (password \"{}\"): agent1 … agent8, supervisor, admin", demo::PASSWORD);
    }
    if config.dist.is_none() {
        println!("No --dist given: serving the API only.");
    }
    // Listening for the signals starts here, before the first request is answered: axum polls the
    // shutdown future in a task of its own, which a busy machine may run only after a SIGTERM came.
    let shutdown = shutdown_signal()?;
    // Prepared once: serving the bare Router would rebuild every route for each connection.
    // With the peer's address: sign-in and the public doors count per client address.
    axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Event streams never end on their own: end them, or the shutdown would wait forever.
            hub.shut_down();
        })
        .await?;
    pool.close().await;
    Ok(())
}

/// Ctrl+C or SIGTERM, whichever comes first; both handlers are installed before this returns.
fn shutdown_signal() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let ctrl_c = tokio::signal::ctrl_c();
    Ok(async move {
        #[cfg(unix)]
        let terminate = terminate.recv();
        #[cfg(not(unix))]
        let terminate = std::future::pending::<Option<()>>();
        tokio::select! {
            _ = ctrl_c => {},
            _ = terminate => {},
        }
        tracing::info!("shutting down");
    })
}
