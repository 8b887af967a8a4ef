//! The standard responses library as the desk reads it: held in memory with its ranking index (rebuilt
//! when the library's generation moves), auto-suggestions, Find and `#`, favourites.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::db::{Conn, Flag, Pool};
use hovor_types::placeholder;
use hovor_types::rank::{self, Document, RankIndex};
use hovor_types::response::{FAVOURITES_MAX, SuggestedResponse};

use super::conversations::ConversationRow;
use super::learning::{Learned, LearnedCache};
use crate::error::{AppError, AppResult};
use hovor_types::error::{FieldError, Rule};

/// How many suggestions the pane receives.
pub const SUGGESTIONS: usize = 10;
/// How many responses Find and `#` list.
pub const SEARCH_RESULTS: usize = 20;
/// A response outside the conversation's categories is suggested when it matches this many times better
/// than the best inside them, and at least this well (BM25 points).
const OTHER_CATEGORY_MARGIN: f32 = 1.5;
const OTHER_CATEGORY_MIN: f32 = 2.0;

/// One response of the library.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: i64,
    pub category_id: i64,
    pub language: String,
    pub title: String,
    pub body: String,
    pub shortcut: Option<String>,
    /// How customers ask for what it answers.
    pub phrases: Vec<String>,
}

/// A response's phrasings as the `phrases` column holds them: one per line.
pub fn phrases_column<S: std::borrow::Borrow<str>>(phrases: &[S]) -> String {
    phrases.join("\n")
}

pub fn phrases_of_column(column: &str) -> Vec<String> {
    column.lines().filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

/// The whole library with its index, as of one generation.
pub struct Library {
    generation: i64,
    entries: Vec<Entry>,
    index: RankIndex,
    positions: HashMap<i64, usize>,
    /// Category id → (parent, name).
    categories: HashMap<i64, (Option<i64>, String)>,
    /// Each entry's language and category as small numbers (positions in `languages` and
    /// `category_ids`): a ranking tests every entry, and comparing strings or hashing ids for each of
    /// thousands cost more than the ranking itself.
    languages: Vec<String>,
    language_of: Vec<u8>,
    category_ids: Vec<i64>,
    category_of: Vec<u32>,
}

impl Library {
    pub fn new(
        generation: i64,
        entries: Vec<Entry>,
        categories: HashMap<i64, (Option<i64>, String)>,
    ) -> Library {
        let bodies: Vec<String> = entries.iter().map(|e| placeholder::strip(&e.body)).collect();
        let index = RankIndex::new(entries.iter().zip(&bodies).map(|(e, body)| Document {
            title: &e.title,
            body,
            shortcut: e.shortcut.as_deref(),
            phrases: &e.phrases,
        }));
        let positions = entries.iter().enumerate().map(|(n, e)| (e.id, n)).collect();
        let mut languages: Vec<String> = entries.iter().map(|e| e.language.clone()).collect();
        languages.sort_unstable();
        languages.dedup();
        let mut category_ids: Vec<i64> = entries.iter().map(|e| e.category_id).collect();
        category_ids.sort_unstable();
        category_ids.dedup();
        let language_of =
            entries.iter().map(|e| languages.binary_search(&e.language).unwrap_or(0) as u8).collect();
        let category_of =
            entries.iter().map(|e| category_ids.binary_search(&e.category_id).unwrap_or(0) as u32).collect();
        Library {
            generation,
            entries,
            index,
            positions,
            categories,
            languages,
            language_of,
            category_ids,
            category_of,
        }
    }

    /// Which entries are in `language` (all, for none).
    fn in_language(&self, language: Option<&str>) -> Vec<bool> {
        let wanted = language.map(|l| self.languages.iter().position(|x| x == l));
        self.language_of.iter().map(|n| wanted.is_none_or(|w| w == Some(*n as usize))).collect()
    }

    /// Which entries are in one of `categories`.
    fn in_categories(&self, categories: &HashSet<i64>) -> Vec<bool> {
        let wanted: Vec<bool> = self.category_ids.iter().map(|c| categories.contains(c)).collect();
        self.category_of.iter().map(|n| wanted[*n as usize]).collect()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The categories and every category under them.
    pub fn with_subcategories(&self, roots: &[i64]) -> HashSet<i64> {
        let mut all: HashSet<i64> = roots.iter().copied().collect();
        loop {
            let before = all.len();
            for (id, (parent, _)) in &self.categories {
                if parent.is_some_and(|p| all.contains(&p)) {
                    all.insert(*id);
                }
            }
            if all.len() == before {
                return all;
            }
        }
    }

    /// Responses in `language` ranked against `text`, and against what customers wrote when agents
    /// chose them (`learned`): those of `categories` that match first (best first), then the rest of
    /// them in library order; at most `limit`. A response of another category comes in at its place
    /// when it matches clearly better than the best of them (`OTHER_CATEGORY_MARGIN` times, and at
    /// least `OTHER_CATEGORY_MIN`): a customer may raise what the queue rarely gets.
    pub fn suggest(
        &self,
        language: &str,
        categories: &HashSet<i64>,
        text: &str,
        limit: usize,
        learned: Option<&Learned>,
    ) -> Vec<(usize, f32)> {
        let (inside, in_language) = (self.in_categories(categories), self.in_language(Some(language)));
        let (inside, in_language) = (|n: usize| inside[n], |n: usize| in_language[n]);
        let mut scores = self.index.scores(text);
        let best_of = |scores: &[f32], keep: &dyn Fn(usize) -> bool| {
            scores.iter().enumerate().filter(|(n, _)| keep(*n)).map(|(_, s)| *s).fold(0.0f32, f32::max)
        };
        let votes = learned.map(|l| l.votes(text)).unwrap_or_default();
        if !votes.is_empty() {
            // A near repeat of messages agents answered: their choice counts as much as the best match.
            let best = best_of(&scores, &in_language).max(1.0);
            for (id, share) in votes {
                if let Some(n) = self.position(id).filter(|n| in_language(*n)) {
                    scores[n] += best * share;
                }
            }
        }
        let best_inside = best_of(&scores, &|n| in_language(n) && inside(n));
        let clearly_better =
            |score: f32| score >= OTHER_CATEGORY_MIN && score >= best_inside * OTHER_CATEGORY_MARGIN;
        let shown_ones = |n: usize| in_language(n) && (inside(n) || clearly_better(scores[n]));
        let mut shown = rank::best(&scores, shown_ones, |_| false, limit);
        if shown.len() < limit {
            let seen: HashSet<usize> = shown.iter().map(|r| r.0).collect();
            let rest = (0..self.entries.len()).filter(|n| in_language(*n) && inside(*n) && !seen.contains(n));
            shown.extend(rest.take(limit - shown.len()).map(|n| (n, 0.0)));
        }
        shown
    }

    /// Find and `#`: the agent's favourites that match first, then the other matches, each best first.
    /// A blank query lists favourites, then the library in order.
    pub fn search(
        &self,
        query: &str,
        language: Option<&str>,
        favourites: &HashSet<i64>,
    ) -> Vec<(usize, f32)> {
        let keep = self.in_language(language);
        let keep = |n: usize| keep[n];
        let favourite = |n: usize| favourites.contains(&self.entries[n].id);
        if query.trim().trim_start_matches('#').is_empty() {
            let mut listed: Vec<(usize, f32)> =
                (0..self.entries.len()).filter(|n| keep(*n)).map(|n| (n, 0.0)).collect();
            // Stable: the library's order within each group.
            listed.sort_by_key(|(n, _)| !favourite(*n));
            listed.truncate(SEARCH_RESULTS);
            return listed;
        }
        rank::best(&self.index.search_scores(query), keep, favourite, SEARCH_RESULTS)
    }

    /// The entry at `n` as the desk shows it.
    pub fn shown(&self, (n, score): (usize, f32), favourites: &HashSet<i64>) -> SuggestedResponse {
        let e = &self.entries[n];
        SuggestedResponse {
            id: e.id,
            title: e.title.clone(),
            body: e.body.clone(),
            category_id: e.category_id,
            category: self.categories.get(&e.category_id).map(|c| c.1.clone()).unwrap_or_default(),
            language: e.language.clone(),
            shortcut: e.shortcut.clone(),
            favourite: favourites.contains(&e.id),
            relevance: (score.min(u32::MAX as f32 / 1000.0) * 1000.0).round() as u32,
            other_category: false,
        }
    }

    /// Position of a response in the library.
    pub fn position(&self, id: i64) -> Option<usize> {
        self.positions.get(&id).copied()
    }
}

/// The library in memory; reloaded when a change to responses or categories (by the administration page
/// or directly in the database) has moved the generation a trigger keeps.
#[derive(Clone, Default)]
pub struct LibraryCache(Arc<tokio::sync::Mutex<Option<Arc<Library>>>>);

impl LibraryCache {
    pub async fn current(&self, pool: &Pool) -> AppResult<Arc<Library>> {
        let generation: i64 = sqlx::query_scalar("SELECT generation FROM response_library WHERE id = 1")
            .fetch_one(pool)
            .await?;
        let mut held = self.0.lock().await;
        if let Some(library) = held.as_ref().filter(|l| l.generation == generation) {
            return Ok(library.clone());
        }
        let library = Arc::new(load(pool, generation).await?);
        *held = Some(library.clone());
        Ok(library)
    }
}

/// id, category, language, title, body, shortcut, phrases.
type EntryRow = (i64, i64, String, String, String, Option<String>, String);

async fn load(pool: &Pool, generation: i64) -> AppResult<Library> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT id, category_id, language, title, body, shortcut, phrases FROM responses ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let entries = rows
        .into_iter()
        .map(|(id, category_id, language, title, body, shortcut, phrases)| Entry {
            id,
            category_id,
            language,
            title,
            body,
            shortcut,
            phrases: phrases_of_column(&phrases),
        })
        .collect();
    let categories: Vec<(i64, Option<i64>, String)> =
        sqlx::query_as("SELECT id, parent_id, name FROM response_categories").fetch_all(pool).await?;
    let categories = categories.into_iter().map(|(id, parent, name)| (id, (parent, name))).collect();
    Ok(Library::new(generation, entries, categories))
}

/// The agent's favourite responses.
pub async fn favourite_ids(pool: &Pool, user: i64) -> AppResult<HashSet<i64>> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT response_id FROM response_favourites WHERE user_id = $1")
        .bind(user)
        .fetch_all(pool)
        .await?;
    Ok(ids.into_iter().collect())
}

/// The categories a conversation's auto-suggestions draw from.
pub async fn conversation_categories(pool: &Pool, conversation: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT category_id FROM conversation_categories WHERE conversation_id = $1 ORDER BY category_id",
    )
    .bind(conversation)
    .fetch_all(pool)
    .await?)
}

/// What the customer wrote last: an email's subject and the latest inbound message.
async fn customer_text(pool: &Pool, c: &ConversationRow) -> AppResult<String> {
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT body FROM messages WHERE conversation_id = $1 AND direction = 'inbound' ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(c.id)
    .fetch_optional(pool)
    .await?;
    Ok([c.subject.as_deref(), latest.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n"))
}

/// The language the desk suggests and finds responses in: the one the customer writes in when that is
/// clear, else the conversation's.
pub async fn reply_language(pool: &Pool, c: &ConversationRow) -> AppResult<String> {
    let text = customer_text(pool, c).await?;
    Ok(crate::language::of_customer_text(&text, &c.language).to_owned())
}

/// The conversation's responses ranked against the latest customer message (and an email's subject),
/// in the language the customer writes in.
pub async fn suggestions(
    pool: &Pool,
    (cache, learned): (&LibraryCache, &LearnedCache),
    c: &ConversationRow,
    user: i64,
) -> AppResult<Vec<SuggestedResponse>> {
    let library = cache.current(pool).await?;
    let learned = learned.current(pool).await?;
    let categories = library.with_subcategories(&conversation_categories(pool, c.id).await?);
    let text = customer_text(pool, c).await?;
    let language = crate::language::of_customer_text(&text, &c.language);
    let favourites = favourite_ids(pool, user).await?;
    Ok(library
        .suggest(language, &categories, &text, SUGGESTIONS, Some(&learned))
        .into_iter()
        .map(|hit| {
            let shown = library.shown(hit, &favourites);
            SuggestedResponse { other_category: !categories.contains(&shown.category_id), ..shown }
        })
        .collect())
}

/// Adds a category to the conversation's auto-suggestions (422 `category_id` for no such category);
/// adding one twice is no change.
pub async fn select_category(conn: &mut Conn, conversation_id: i64, category_id: i64) -> AppResult<()> {
    let added = sqlx::query(
        "INSERT INTO conversation_categories (conversation_id, category_id)
         SELECT $1, id FROM response_categories WHERE id = $2 ON CONFLICT DO NOTHING",
    )
    .bind(conversation_id)
    .bind(category_id)
    .execute(&mut *conn)
    .await?;
    if added.rows_affected() == 0 {
        let Flag(exists) =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM response_categories WHERE id = $1)")
                .bind(category_id)
                .fetch_one(&mut *conn)
                .await?;
        if !exists {
            return Err(FieldError::new("category_id", Rule::NotAnOption).into());
        }
    }
    Ok(())
}

/// Takes a category out of the conversation's auto-suggestions (404 when it was not in them).
pub async fn remove_category(conn: &mut Conn, conversation_id: i64, category_id: i64) -> AppResult<()> {
    let removed =
        sqlx::query("DELETE FROM conversation_categories WHERE conversation_id = $1 AND category_id = $2")
            .bind(conversation_id)
            .bind(category_id)
            .execute(&mut *conn)
            .await?;
    if removed.rows_affected() == 0 { Err(AppError::NotFound) } else { Ok(()) }
}

/// Adds a response to the agent's favourites; adding one twice is no change.
pub async fn add_favourite(conn: &mut Conn, user: i64, response: i64) -> AppResult<()> {
    let Flag(exists) = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM responses WHERE id = $1)")
        .bind(response)
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    let (count, Flag(already)): (i64, Flag) = sqlx::query_as(
        "SELECT count(*), EXISTS (SELECT 1 FROM response_favourites WHERE user_id = $1 AND response_id = $2)
         FROM response_favourites WHERE user_id = $1",
    )
    .bind(user)
    .bind(response)
    .fetch_one(&mut *conn)
    .await?;
    if already {
        return Ok(());
    }
    if count as usize >= FAVOURITES_MAX {
        return Err(hovor_types::error::FieldError::new(
            "favourites",
            hovor_types::error::Rule::TooLarge { max: FAVOURITES_MAX },
        )
        .into());
    }
    // After the agent's latest favourite even within the same millisecond, so "most recently added
    // first" is a strict order.
    sqlx::query(
        "INSERT INTO response_favourites (user_id, response_id, added_at)
         SELECT $1, $2, CASE WHEN coalesce(max(added_at) + 1, 0) > $3 THEN max(added_at) + 1 ELSE $3 END
         FROM response_favourites WHERE user_id = $1",
    )
    .bind(user)
    .bind(response)
    .bind(crate::db::now_ms())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Removes a favourite; one the agent does not have is not found.
pub async fn remove_favourite(pool: &Pool, user: i64, response: i64) -> AppResult<()> {
    let removed = sqlx::query("DELETE FROM response_favourites WHERE user_id = $1 AND response_id = $2")
        .bind(user)
        .bind(response)
        .execute(pool)
        .await?
        .rows_affected();
    if removed == 0 { Err(AppError::NotFound) } else { Ok(()) }
}

/// The agent's favourites (in `language`, when given), most recently added first.
pub async fn favourites(
    pool: &Pool,
    cache: &LibraryCache,
    user: i64,
    language: Option<&str>,
) -> AppResult<Vec<SuggestedResponse>> {
    let library = cache.current(pool).await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT response_id FROM response_favourites WHERE user_id = $1 ORDER BY added_at DESC, response_id",
    )
    .bind(user)
    .fetch_all(pool)
    .await?;
    let set: HashSet<i64> = ids.iter().copied().collect();
    Ok(ids
        .iter()
        .filter_map(|id| library.position(*id))
        .map(|n| library.shown((n, 0.0), &set))
        .filter(|r| language.is_none_or(|l| r.language == l))
        .collect())
}
