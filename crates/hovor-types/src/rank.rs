//! Ranks standard responses by relevance to a text (Okapi BM25 over word stems and their sounds, from an
//! inverted index, so ranking reads only the responses that share a word with the text).
//!
//! Each word counts twice: by its stem (the letters as written, folded) and by its sound in Latin
//! letters (`text::sound`), which matches a message typed in the other script at a lower weight, so an
//! exact match still outranks it. Stop words and greeting formulas weigh little (`text::LIGHT`): they
//! decide only between responses that share nothing else. The server ranks; the rule lives here so any
//! client-side ranking agrees with it.

use std::collections::{BTreeMap, HashMap};

use crate::text::{Term, fold, terms};

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// A word in the title says more about a response than the same word in its body; its shortcut's words
/// as much as the title's.
const TITLE_WEIGHT: f32 = 2.0;
const SHORTCUT_WEIGHT: f32 = 2.0;
/// How customers ask for what a response answers (its phrasings) counts this much beside the response's
/// own words: a message phrased like them finds it with no word of the answer. Customers' words say
/// more about a customer's message than the answer's do (chosen on the evaluation's tuning part).
const PHRASES_WEIGHT: f32 = 2.0;
/// A word matched only by its sound (another script, another spelling) counts this much of a match.
const SOUND_WEIGHT: f32 = 0.4;
/// Find and `#`: a query that is a response's shortcut puts it first; one its shortcut starts with, high.
const SHORTCUT_EXACT: f32 = 1000.0;
const SHORTCUT_PREFIX: f32 = 500.0;
/// The word being typed matches the words it begins from this many letters on.
const PREFIX_MIN: usize = 2;

/// The index's key of a sound, apart from the stems.
fn sound_key(sound: &str) -> String {
    format!("~{sound}")
}

/// A text's index keys with the weight each has in a query: its stems and its sounds. Ordered, so the
/// scores add up the same way every time.
fn query_keys(terms: &[Term]) -> BTreeMap<String, f32> {
    let mut keys: BTreeMap<String, f32> = BTreeMap::new();
    for term in terms {
        let stem = keys.entry(term.stem.clone()).or_default();
        *stem = stem.max(term.weight);
        if let Some(sound) = &term.sound {
            let sound = keys.entry(sound_key(sound)).or_default();
            *sound = sound.max(term.weight * SOUND_WEIGHT);
        }
    }
    keys
}

/// One document: a response's title, body (placeholders already removed), shortcut and the phrasings
/// customers use for what it answers.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub shortcut: Option<&'a str>,
    pub phrases: &'a [String],
}

struct Posting {
    idf: f32,
    documents: Vec<(u32, f32)>,
}

/// A ranking index over a fixed set of documents.
pub struct RankIndex {
    /// Stem → its inverse document frequency and, per document having it, the BM25 share of its
    /// weighted frequency there (computed once here, so ranking only multiplies and adds).
    postings: HashMap<String, Posting>,
    /// Every stem, sorted, for the word being typed.
    vocabulary: Vec<String>,
    documents: usize,
    shortcuts: Vec<Option<String>>,
    /// The documents' phrasings, each document's as one text, scored apart: many phrasings make a
    /// long text, which must not dilute the document's own words.
    phrases: Option<Box<RankIndex>>,
}

impl RankIndex {
    pub fn new<'a>(documents: impl IntoIterator<Item = Document<'a>>) -> RankIndex {
        let documents: Vec<Document> = documents.into_iter().collect();
        let fields = documents.iter().map(|doc| {
            [(doc.title, TITLE_WEIGHT), (doc.shortcut.unwrap_or_default(), SHORTCUT_WEIGHT), (doc.body, 1.0)]
        });
        let mut index = RankIndex::weighted(fields);
        index.shortcuts = documents.iter().map(|doc| doc.shortcut.map(fold)).collect();
        if documents.iter().any(|doc| !doc.phrases.is_empty()) {
            let phrases = documents.iter().map(|doc| doc.phrases.iter().map(|p| (p.as_str(), 1.0)));
            let phrases = RankIndex::weighted(phrases);
            index.vocabulary.extend(phrases.vocabulary.iter().cloned());
            index.vocabulary.sort_unstable();
            index.vocabulary.dedup();
            index.phrases = Some(Box::new(phrases));
        }
        index
    }

    /// An index over documents given as texts, each with its weight (and no shortcuts): what customers
    /// wrote when agents answered with a response, for instance.
    pub fn weighted<'a, F>(documents: impl IntoIterator<Item = F>) -> RankIndex
    where
        F: IntoIterator<Item = (&'a str, f32)>,
    {
        let mut frequencies: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
        let mut lengths = Vec::new();
        for (n, fields) in documents.into_iter().enumerate() {
            let mut counts: HashMap<String, f32> = HashMap::new();
            let mut length = 0.0;
            for (text, weight) in fields {
                for term in terms(text) {
                    *counts.entry(term.stem).or_default() += weight;
                    if let Some(sound) = term.sound {
                        *counts.entry(sound_key(&sound)).or_default() += weight;
                    }
                    length += weight;
                }
            }
            for (stem, tf) in counts {
                frequencies.entry(stem).or_default().push((n as u32, tf));
            }
            lengths.push(length);
        }
        let average_length = if lengths.is_empty() {
            1.0
        } else {
            (lengths.iter().sum::<f32>() / lengths.len() as f32).max(1.0)
        };
        let n = lengths.len() as f32;
        let norms: Vec<f32> = lengths.iter().map(|l| K1 * (1.0 - B + B * l / average_length)).collect();
        let postings: HashMap<String, Posting> = frequencies
            .into_iter()
            .map(|(stem, list)| {
                let df = list.len() as f32;
                let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
                let documents = list
                    .into_iter()
                    .map(|(doc, tf)| (doc, tf * (K1 + 1.0) / (tf + norms[doc as usize])))
                    .collect();
                (stem, Posting { idf, documents })
            })
            .collect();
        let mut vocabulary: Vec<String> = postings.keys().filter(|k| !k.starts_with('~')).cloned().collect();
        vocabulary.sort_unstable();
        let documents = lengths.len();
        RankIndex { postings, vocabulary, documents, shortcuts: vec![None; documents], phrases: None }
    }

    pub fn len(&self) -> usize {
        self.documents
    }

    pub fn is_empty(&self) -> bool {
        self.documents == 0
    }

    /// Documents `keep` accepts that share a word with `text`, best first; ties keep the documents' order.
    pub fn rank(&self, text: &str, keep: impl Fn(usize) -> bool) -> Vec<(usize, f32)> {
        best(&self.scores(text), keep, |_| false, usize::MAX)
    }

    /// Every document's score for `text` (0: no word in common), in the documents' order.
    pub fn scores(&self, text: &str) -> Vec<f32> {
        self.key_scores(&query_keys(&terms(text)))
    }

    /// Find and `#`: as [`rank`](Self::rank), and the word still being typed (the last one) also matches
    /// the words it begins, and a shortcut the query is or begins puts its response first.
    pub fn search(&self, query: &str, keep: impl Fn(usize) -> bool) -> Vec<(usize, f32)> {
        best(&self.search_scores(query), keep, |_| false, usize::MAX)
    }

    /// Every document's score for a Find or `#` query, in the documents' order.
    pub fn search_scores(&self, query: &str) -> Vec<f32> {
        let folded = fold(query.trim_start().trim_start_matches('#'));
        let mut keys = query_keys(&terms(&folded));
        // A word followed by a space or a stop is finished; the one at the end is still being typed.
        let typing = folded.ends_with(char::is_alphanumeric);
        let last: Option<String> = typing
            .then(|| folded.split(|c: char| !c.is_alphanumeric()).rfind(|w| !w.is_empty()).map(str::to_owned))
            .flatten();
        if let Some(word) = &last
            && word.chars().count() >= PREFIX_MIN
        {
            let start = self.vocabulary.partition_point(|v| v.as_str() < word.as_str());
            for stem in self.vocabulary[start..].iter().take_while(|v| v.starts_with(word.as_str())) {
                keys.entry(stem.clone()).or_insert(1.0);
            }
        }
        let mut scores = self.key_scores(&keys);
        let shortcut = folded.trim();
        if !shortcut.is_empty() && !shortcut.contains(char::is_whitespace) {
            for (n, s) in self.shortcuts.iter().enumerate() {
                match s {
                    Some(s) if s == shortcut => scores[n] += SHORTCUT_EXACT,
                    Some(s) if s.starts_with(shortcut) => scores[n] += SHORTCUT_PREFIX,
                    _ => {}
                }
            }
        }
        scores
    }

    /// Every document's score for the query's keys: its own words, and its phrasings.
    fn key_scores(&self, keys: &BTreeMap<String, f32>) -> Vec<f32> {
        let mut scores = vec![0.0f32; self.len()];
        for (key, weight) in keys {
            self.add_term(key, *weight, &mut scores);
        }
        if let Some(phrases) = &self.phrases {
            for (key, weight) in keys {
                phrases.add_term(key, weight * PHRASES_WEIGHT, &mut scores);
            }
        }
        scores
    }

    /// Adds one index key's share to every document that has it; `weight`: the key's in the query.
    fn add_term(&self, term: &str, weight: f32, scores: &mut [f32]) {
        let Some(posting) = self.postings.get(term) else { return };
        let weight = weight * posting.idf;
        for &(doc, share) in &posting.documents {
            scores[doc as usize] += weight * share;
        }
    }
}

/// The `limit` best of the documents `keep` accepts with a score above 0: those `first` picks ahead of
/// the rest, then the higher score, then the documents' order. Only the few shown are sorted: a common
/// word gives most of a large library some score.
pub fn best(
    scores: &[f32],
    keep: impl Fn(usize) -> bool,
    first: impl Fn(usize) -> bool,
    limit: usize,
) -> Vec<(usize, f32)> {
    let mut scored: Vec<(bool, usize, f32)> = scores
        .iter()
        .enumerate()
        .filter(|(n, s)| **s > 0.0 && keep(*n))
        .map(|(n, s)| (!first(n), n, *s))
        .collect();
    let order = |a: &(bool, usize, f32), b: &(bool, usize, f32)| {
        a.0.cmp(&b.0).then(b.2.total_cmp(&a.2)).then(a.1.cmp(&b.1))
    };
    if scored.len() > limit {
        scored.select_nth_unstable_by(limit, order);
        scored.truncate(limit);
    }
    scored.sort_unstable_by(order);
    scored.into_iter().map(|(_, n, s)| (n, s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> RankIndex {
        let doc = |title, body, shortcut| Document { title, body, shortcut, phrases: &[] };
        RankIndex::new([
            doc("Vítejte", "Dobrý den, jak vám mohu pomoci?", Some("vitejte")),
            doc(
                "Dvojitá platba",
                "Omlouváme se, platba byla stržena dvakrát. Peníze vrátíme do 5 dnů.",
                None,
            ),
            doc("Doručení zásilky", "Vaše zásilka je na cestě a dorazí zítra.", Some("doruceni")),
            doc("Обратно плащане", "Съжаляваме, плащането е удържано два пъти. Ще възстановим сумата.", None),
        ])
    }

    #[test]
    fn the_matching_response_ranks_first_with_and_without_diacritics() {
        let with = index().rank("Dobrý den, platba mi byla stržena dvakrát!", |_| true);
        let without = index().rank("dobry den, platba mi byla strzena dvakrat", |_| true);
        assert_eq!(with[0].0, 1);
        assert_eq!(without[0].0, 1);
        assert!((with[0].1 - without[0].1).abs() < f32::EPSILON);
        assert!(with[0].1 > with[1].1);
    }

    #[test]
    fn cyrillic_matches_inflected_words() {
        let ranked = index().rank("Плащането ми беше удържано два пъти", |_| true);
        assert_eq!(ranked[0].0, 3);
        assert!(ranked[0].1 > 0.0);
    }

    #[test]
    fn unrelated_and_filtered_documents_are_left_out() {
        assert!(index().rank("xyz", |_| true).is_empty());
        let ranked = index().rank("platba zásilka", |n| n != 1);
        assert_eq!(ranked.iter().map(|r| r.0).collect::<Vec<_>>(), vec![2]);
    }

    #[test]
    fn a_message_phrased_as_customers_ask_finds_the_response_by_its_phrasings() {
        let phrases = ["rozmyslel jsem si to".to_owned(), "chci to poslat zpátky".to_owned()];
        let doc = |title, body, phrases| Document { title, body, shortcut: None, phrases };
        let index = RankIndex::new([
            doc("Dvojitá platba", "Platba byla stržena dvakrát, peníze vrátíme.", &[]),
            doc("Vrácení zboží", "Zboží lze vrátit do 14 dnů od převzetí.", &phrases),
        ]);
        let ranked = index.rank("rozmyslela jsem si to, pošlu ho zpátky", |_| true);
        assert_eq!(ranked.iter().map(|r| r.0).collect::<Vec<_>>(), vec![1], "no word of its text");
        assert_eq!(index.rank("platba stržena dvakrát", |_| true)[0].0, 0);
        assert_eq!(index.search("zpát", |_| true)[0].0, 1, "the word being typed matches phrasings too");
    }

    #[test]
    fn search_matches_the_word_being_typed_and_shortcuts_first() {
        assert_eq!(index().search("zas", |_| true)[0].0, 2);
        assert!(index().search("zas ", |_| true).is_empty(), "a finished word is matched whole");
        let by_shortcut = index().search("#doruceni", |_| true);
        assert_eq!(by_shortcut[0].0, 2);
        assert!(by_shortcut[0].1 >= SHORTCUT_EXACT);
        assert_eq!(index().search("#vit", |_| true)[0].0, 0);
    }
}
