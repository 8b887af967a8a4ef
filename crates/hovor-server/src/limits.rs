//! Limits on the doors anyone can knock on: sign-in (growing delays per account and per client address,
//! a bounded number of password checks at once) and the public customer doors (chats and callbacks
//! started per client address).
//!
//! The counters live in this process's memory: they protect each instance, are lost on restart, and
//! need no write per attempt.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::Semaphore;

use crate::AppState;
use crate::error::AppError;

/// Failures are forgotten this long after the last one.
const FORGET_AFTER: Duration = Duration::from_secs(15 * 60);
/// A successful sign-in makes its address known to the account for this long.
const KNOWN_FOR: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Password checks waiting for a free worker longer than this are refused.
const CHECK_QUEUE_WAIT: Duration = Duration::from_secs(5);
/// Entries kept per table before the forgotten ones are swept.
const SWEEP_ABOVE: usize = 10_000;

/// How delays grow for one kind of key: `free` failures cost nothing, then each one doubles the wait
/// from `first`, up to `cap`.
#[derive(Clone, Copy, Debug)]
pub struct Backoff {
    pub free: u32,
    pub first: Duration,
    pub cap: Duration,
}

impl Backoff {
    /// The wait after `failures` failures.
    pub fn delay(self, failures: u32) -> Duration {
        if failures < self.free {
            return Duration::ZERO;
        }
        let doublings = (failures - self.free).min(20);
        self.first.saturating_mul(1 << doublings).min(self.cap)
    }
}

/// One account from one address: the guesser's own door, closing fast.
const PAIR: Backoff = Backoff { free: 3, first: Duration::from_secs(1), cap: Duration::from_secs(15 * 60) };
/// One address across accounts it was never used with: password spraying. A whole contact center may
/// sign in from one office address, so accounts known there are neither counted nor held back by it.
const ADDRESS: Backoff =
    Backoff { free: 10, first: Duration::from_secs(1), cap: Duration::from_secs(15 * 60) };
/// One account from addresses it was never used from: many machines guessing one password. Capped low
/// and skipped for addresses the account signed in from before, so it cannot lock the agent out.
const ACCOUNT: Backoff = Backoff { free: 10, first: Duration::from_secs(1), cap: Duration::from_secs(30) };

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    last: Instant,
    blocked_until: Instant,
}

#[derive(Default)]
struct Tables {
    pairs: HashMap<(String, IpAddr), Failures>,
    addresses: HashMap<IpAddr, Failures>,
    accounts: HashMap<String, Failures>,
    known: HashMap<(String, IpAddr), Instant>,
}

/// Sign-in's throttle and its bound on concurrent password checks.
#[derive(Clone)]
pub struct SignInGuard {
    tables: Arc<Mutex<Tables>>,
    checks: Arc<Semaphore>,
}

impl Default for SignInGuard {
    fn default() -> Self {
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        SignInGuard { tables: Arc::default(), checks: Arc::new(Semaphore::new(workers)) }
    }
}

impl SignInGuard {
    /// Refuses an attempt that comes before its wait is over; `Ok` lets it go on to the password check.
    pub fn admit(&self, username: &str, from: IpAddr) -> Result<(), AppError> {
        let now = Instant::now();
        let tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let account = username.to_lowercase();
        let known = tables.known.get(&(account.clone(), from)).is_some_and(|until| *until > now);
        let mut waits = vec![tables.pairs.get(&(account.clone(), from)).copied()];
        if !known {
            waits.push(tables.addresses.get(&from).copied());
            waits.push(tables.accounts.get(&account).copied());
        }
        let until = waits.into_iter().flatten().map(|f| f.blocked_until).max();
        match until {
            Some(until) if until > now => {
                Err(AppError::RateLimited { retry_after_s: (until - now).as_secs_f64().ceil() as u64 })
            }
            _ => Ok(()),
        }
    }

    /// A wrong user name or password: every key's wait grows.
    pub fn failed(&self, username: &str, from: IpAddr) {
        let now = Instant::now();
        let account = username.to_lowercase();
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        let known = tables.known.get(&(account.clone(), from)).is_some_and(|until| *until > now);
        count(&mut tables.pairs, (account.clone(), from), PAIR, now);
        if !known {
            count(&mut tables.addresses, from, ADDRESS, now);
            count(&mut tables.accounts, account, ACCOUNT, now);
        }
    }

    /// A successful sign-in: the address is known to the account, and its own failures are forgiven.
    pub fn succeeded(&self, username: &str, from: IpAddr) {
        let now = Instant::now();
        let key = (username.to_lowercase(), from);
        let mut tables = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        tables.pairs.remove(&key);
        if tables.known.len() > SWEEP_ABOVE {
            tables.known.retain(|_, until| *until > now);
        }
        tables.known.insert(key, now + KNOWN_FOR);
    }

    /// Runs a password check (argon2) on a blocking worker, at most one per core at once; a check that
    /// would wait too long for a worker is refused, so guessing cannot take over the CPU.
    pub async fn check<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let permit = tokio::time::timeout(CHECK_QUEUE_WAIT, self.checks.clone().acquire_owned())
            .await
            .map_err(|_| AppError::RateLimited { retry_after_s: 1 })?
            .map_err(|e| AppError::Internal(e.into()))?;
        let result = tokio::task::spawn_blocking(work).await.map_err(|e| AppError::Internal(e.into()))?;
        drop(permit);
        Ok(result)
    }
}

fn count<K: std::hash::Hash + Eq>(table: &mut HashMap<K, Failures>, key: K, backoff: Backoff, now: Instant) {
    if table.len() > SWEEP_ABOVE {
        table.retain(|_, f| now - f.last < FORGET_AFTER || f.blocked_until > now);
    }
    let entry = table.entry(key).or_insert(Failures { count: 0, last: now, blocked_until: now });
    if now - entry.last >= FORGET_AFTER {
        entry.count = 0;
    }
    entry.count += 1;
    entry.last = now;
    entry.blocked_until = now + backoff.delay(entry.count);
}

/// A public door's per-address rate: a burst, then one more every `every`.
#[derive(Clone, Copy, Debug)]
pub struct Rate {
    pub burst: u32,
    pub every: Duration,
}

/// Chats a client address may start: 5 at once, then one a minute.
pub const CHAT_STARTS: Rate = Rate { burst: 5, every: Duration::from_secs(60) };
/// Callbacks a client address may ask for: 3 at once, then one every 5 minutes.
pub const CALLBACK_REQUESTS: Rate = Rate { burst: 3, every: Duration::from_secs(300) };

/// Sound checks a client address may start: 5 at once, then one a minute.
pub const SOUND_CHECKS: Rate = Rate { burst: 5, every: Duration::from_secs(60) };

/// Calls a client address may dial from the phone page: 5 at once, then one a minute.
pub const PHONE_CALLS: Rate = Rate { burst: 5, every: Duration::from_secs(60) };

/// Per-address limits of the public customer doors.
#[derive(Clone)]
pub struct PublicDoors {
    pub chat_starts: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub callback_requests: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub sound_checks: Arc<DefaultKeyedRateLimiter<IpAddr>>,
    pub calls: Arc<DefaultKeyedRateLimiter<IpAddr>>,
}

impl Default for PublicDoors {
    fn default() -> Self {
        PublicDoors::new(CHAT_STARTS, CALLBACK_REQUESTS)
    }
}

impl PublicDoors {
    pub fn new(chats: Rate, callbacks: Rate) -> PublicDoors {
        PublicDoors {
            chat_starts: Arc::new(limiter(chats)),
            callback_requests: Arc::new(limiter(callbacks)),
            sound_checks: Arc::new(limiter(SOUND_CHECKS)),
            calls: Arc::new(limiter(PHONE_CALLS)),
        }
    }
}

fn limiter(rate: Rate) -> DefaultKeyedRateLimiter<IpAddr> {
    let burst = NonZeroU32::new(rate.burst).unwrap_or(NonZeroU32::MIN);
    let quota = Quota::with_period(rate.every).unwrap_or(Quota::per_minute(burst)).allow_burst(burst);
    RateLimiter::keyed(quota)
}

/// Takes one from `door` for `from`, or answers 429 with the wait.
pub fn knock(door: &DefaultKeyedRateLimiter<IpAddr>, from: IpAddr) -> Result<(), AppError> {
    if door.len() > SWEEP_ABOVE {
        door.retain_recent();
    }
    door.check_key(&from).map_err(|not_until| {
        let wait =
            not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
        AppError::RateLimited { retry_after_s: wait.as_secs_f64().ceil().max(1.0) as u64 }
    })
}

/// The client's address: the connection's peer, or with `--trust-forwarded-for` the address the
/// reverse proxy put last in `X-Forwarded-For`.
#[derive(Clone, Copy, Debug)]
pub struct ClientAddr(pub IpAddr);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        if state.trust_forwarded_for {
            let forwarded = parts
                .headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|a| a.trim().parse::<IpAddr>().ok())
                .next_back();
            if let Some(address) = forwarded {
                return Ok(ClientAddr(address));
            }
        }
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientAddr(peer.unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
    const THEM: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));

    #[test]
    fn delays_double_after_the_free_failures_up_to_the_cap() {
        assert_eq!(PAIR.delay(2), Duration::ZERO);
        assert_eq!(PAIR.delay(3), Duration::from_secs(1));
        assert_eq!(PAIR.delay(4), Duration::from_secs(2));
        assert_eq!(PAIR.delay(8), Duration::from_secs(32));
        assert_eq!(PAIR.delay(50), Duration::from_secs(15 * 60));
        assert_eq!(ACCOUNT.delay(50), Duration::from_secs(30));
    }

    #[test]
    fn a_guesser_waits_but_the_agent_from_a_known_address_does_not() {
        let guard = SignInGuard::default();
        guard.succeeded("agent1", ME);
        for _ in 0..3 {
            assert!(guard.admit("agent1", THEM).is_ok());
            guard.failed("agent1", THEM);
        }
        assert!(matches!(guard.admit("agent1", THEM), Err(AppError::RateLimited { retry_after_s: 1 })));
        for _ in 0..20 {
            guard.failed("agent1", THEM);
        }
        assert!(
            matches!(guard.admit("Agent1", THEM), Err(AppError::RateLimited { retry_after_s }) if retry_after_s > 60)
        );
        assert!(guard.admit("agent1", ME).is_ok(), "the agent's own address is not locked out");
        assert!(guard.admit("agent2", ME).is_ok());
    }

    #[test]
    fn typos_in_an_office_behind_one_address_do_not_hold_back_its_other_agents() {
        let guard = SignInGuard::default();
        for n in 1..=20 {
            guard.succeeded(&format!("agent{n}"), ME);
        }
        for n in 1..=20 {
            guard.failed(&format!("agent{n}"), ME);
        }
        assert!(guard.admit("agent7", ME).is_ok(), "twenty typos by twenty agents");
        // A sprayer from the same address, on accounts never used there, is held back.
        for n in 1..=12 {
            guard.failed(&format!("stranger{n}"), ME);
        }
        assert!(matches!(guard.admit("stranger13", ME), Err(AppError::RateLimited { .. })));
        assert!(guard.admit("agent7", ME).is_ok(), "the agents are not");
    }

    #[test]
    fn a_door_lets_a_burst_through_then_says_how_long_to_wait() {
        let doors = PublicDoors::new(Rate { burst: 2, every: Duration::from_secs(60) }, CALLBACK_REQUESTS);
        assert!(knock(&doors.chat_starts, ME).is_ok());
        assert!(knock(&doors.chat_starts, ME).is_ok());
        assert!(
            matches!(knock(&doors.chat_starts, ME), Err(AppError::RateLimited { retry_after_s }) if (55..=60).contains(&retry_after_s))
        );
        assert!(knock(&doors.chat_starts, THEM).is_ok(), "another address has its own allowance");
    }
}
