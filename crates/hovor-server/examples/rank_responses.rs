//! Benchmark: ranking a library of 10,000 responses (docs/PERFORMANCE.md, "Response ranking").
//!
//! Builds the library from the demo's responses, varied until there are 10,000 in one language, then
//! ranks each labelled message (`tests/data/suggestions-labelled.json`) as auto-suggestions over all of
//! them (with as many agents' choices as the server keeps) and runs Find and `#` queries, and prints
//! p50 / p99 against the budget.

use std::collections::{HashMap, HashSet};
use std::time::Instant;

use hovor_server::store::learning::{Learned, USES_MAX, Use};
use hovor_server::store::responses::{Entry, Library, phrases_of_column};

const LIBRARY: usize = 10_000;
/// p99 budgets: auto-suggestions run on every customer message, Find and `#` as the agent types.
const SUGGEST_BUDGET_MS: f64 = 1.0;
const SEARCH_BUDGET_MS: f64 = 5.0;
const ROUNDS: usize = 20;

#[derive(serde::Deserialize)]
struct Labelled {
    language: String,
    subject: Option<String>,
    message: String,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let pool =
        hovor_server::db::connect(&format!("sqlite://{}", dir.path().join("bench.db").display())).await?;
    hovor_server::demo::fill_if_empty(&pool, &hovor_server::demo::Scale::small()).await?;
    let demo: Vec<(i64, String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT category_id, language, title, body, shortcut, phrases FROM responses ORDER BY id",
    )
    .fetch_all(&pool)
    .await?;
    let labelled: Vec<Labelled> =
        serde_json::from_str(include_str!("../tests/data/suggestions-labelled.json"))?;

    let mut failed = false;
    for language in ["en", "cs", "bg", "uk"] {
        let base: Vec<_> = demo.iter().filter(|r| r.1 == language).collect();
        let words: Vec<&str> = base.iter().flat_map(|r| r.3.split_whitespace()).collect();
        let entries: Vec<Entry> = (0..LIBRARY)
            .map(|n| {
                let (category, _, title, body, shortcut, phrases) = base[n % base.len()];
                // Each copy gets a few other words, so copies differ as real responses do.
                let extra: Vec<&str> =
                    (0..6).map(|k| words[(n * 7919 + k * 104_729) % words.len()]).collect();
                Entry {
                    id: n as i64 + 1,
                    category_id: *category,
                    language: language.to_owned(),
                    title: format!("{title} {}", n / base.len()),
                    body: format!("{body} {}", extra.join(" ")),
                    shortcut: shortcut.as_ref().map(|s| format!("{s}{n}")),
                    phrases: phrases_of_column(phrases),
                }
            })
            .collect();
        let categories: HashSet<i64> = entries.iter().map(|e| e.category_id).collect();
        let names: HashMap<i64, (Option<i64>, String)> =
            categories.iter().map(|c| (*c, (None, format!("category {c}")))).collect();
        let started = Instant::now();
        let library = Library::new(1, entries, names);
        let build_ms = started.elapsed().as_secs_f64() * 1000.0;

        let messages: Vec<String> = labelled
            .iter()
            .filter(|l| l.language == language)
            .map(|l| {
                [l.subject.as_deref(), Some(l.message.as_str())]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join("\n")
            })
            .collect();
        // As many agents' choices as the server keeps: the messages with other words, each answered
        // with some response of the library.
        let uses: Vec<Use> = (0..USES_MAX as usize)
            .map(|n| Use {
                response_id: (n * 7919 % LIBRARY) as i64 + 1,
                text: format!("{} {}", messages[n % messages.len()], words[n * 104_729 % words.len()]),
                edited: n % 3 == 0,
            })
            .collect();
        let started = Instant::now();
        let learned = Learned::new(&uses);
        let learned_ms = started.elapsed().as_secs_f64() * 1000.0;
        let mut suggest = Vec::new();
        let mut search = Vec::new();
        let favourites: HashSet<i64> = (1..=50).collect();
        for _ in 0..ROUNDS {
            for text in &messages {
                let started = Instant::now();
                let ranked = library.suggest(language, &categories, text, 10, Some(&learned));
                suggest.push(started.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(ranked.len(), 10);
                let query: String = text.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
                let typing: String = query.chars().take(3).collect();
                for q in [query.as_str(), "#", typing.as_str()] {
                    let started = Instant::now();
                    let found = library.search(q, Some(language), &favourites);
                    search.push(started.elapsed().as_secs_f64() * 1000.0);
                    std::hint::black_box(found);
                }
            }
        }
        for (what, times, budget) in
            [("suggestions", &mut suggest, SUGGEST_BUDGET_MS), ("Find and #", &mut search, SEARCH_BUDGET_MS)]
        {
            let (p50, p99) = percentiles(times);
            let verdict = if p99 <= budget { "ok" } else { "OVER BUDGET" };
            failed |= p99 > budget;
            println!(
                "{language}: {what} over {} responses: p50 {p50:.2} ms, p99 {p99:.2} ms (budget {budget} ms) {verdict}",
                library.len()
            );
        }
        println!(
            "{language}: index built in {build_ms:.0} ms, {USES_MAX} agents' choices read in {learned_ms:.0} ms"
        );
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

fn percentiles(times: &mut [f64]) -> (f64, f64) {
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1];
    (at(0.50), at(0.99))
}
