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

/// One document: a response's title, body (placeholders already removed) and shortcut.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub shortcut: Option<&'a str>,
}

/// A ranking index over a fixed set of documents.
pub struct RankIndex {
    /// Stem → (document, weighted term frequency).
    postings: HashMap<String, Vec<(u32, f32)>>,
    /// Every stem, sorted, for the word being typed.
    vocabulary: Vec<String>,
    lengths: Vec<f32>,
    average_length: f32,
    shortcuts: Vec<Option<String>>,
}

impl RankIndex {
    pub fn new<'a>(documents: impl IntoIterator<Item = Document<'a>>) -> RankIndex {
        let mut shortcuts = Vec::new();
        let fields = documents.into_iter().map(|doc| {
            shortcuts.push(doc.shortcut.map(fold));
            [(doc.title, TITLE_WEIGHT), (doc.shortcut.unwrap_or_default(), SHORTCUT_WEIGHT), (doc.body, 1.0)]
        });
        let mut index = RankIndex::weighted(fields);
        index.shortcuts = shortcuts;
        index
    }

    /// An index over documents given as texts, each with its weight (and no shortcuts): what customers
    /// wrote when agents answered with a response, for instance.
    pub fn weighted<'a, F>(documents: impl IntoIterator<Item = F>) -> RankIndex
    where
        F: IntoIterator<Item = (&'a str, f32)>,
    {
        let mut postings: HashMap<String, Vec<(u32, f32)>> = HashMap::new();
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
                postings.entry(stem).or_default().push((n as u32, tf));
            }
            lengths.push(length);
        }
        let average_length = if lengths.is_empty() {
            1.0
        } else {
            (lengths.iter().sum::<f32>() / lengths.len() as f32).max(1.0)
        };
        let mut vocabulary: Vec<String> = postings.keys().filter(|k| !k.starts_with('~')).cloned().collect();
        vocabulary.sort_unstable();
        let shortcuts = vec![None; lengths.len()];
        RankIndex { postings, vocabulary, lengths, average_length, shortcuts }
    }

    pub fn len(&self) -> usize {
        self.lengths.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lengths.is_empty()
    }

    /// Documents `keep` accepts that share a word with `text`, best first; ties keep the documents' order.
    pub fn rank(&self, text: &str, keep: impl Fn(usize) -> bool) -> Vec<(usize, f32)> {
        let mut scores = vec![0.0f32; self.len()];
        for (key, weight) in query_keys(&terms(text)) {
            self.add_term(&key, weight, &mut scores);
        }
        self.collect(scores, keep)
    }

    /// Find and `#`: as [`rank`](Self::rank), and the word still being typed (the last one) also matches
    /// the words it begins, and a shortcut the query is or begins puts its response first.
    pub fn search(&self, query: &str, keep: impl Fn(usize) -> bool) -> Vec<(usize, f32)> {
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
        let mut scores = vec![0.0f32; self.len()];
        for (key, weight) in keys {
            self.add_term(&key, weight, &mut scores);
        }
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
        self.collect(scores, keep)
    }

    /// Adds one index key's share to every document that has it; `weight`: the key's in the query.
    fn add_term(&self, term: &str, weight: f32, scores: &mut [f32]) {
        let Some(list) = self.postings.get(term) else { return };
        let n = self.len() as f32;
        let df = list.len() as f32;
        let idf = ((n - df + 0.5) / (df + 0.5) + 1.0).ln();
        for &(doc, tf) in list {
            let norm = K1 * (1.0 - B + B * self.lengths[doc as usize] / self.average_length);
            scores[doc as usize] += weight * idf * tf * (K1 + 1.0) / (tf + norm);
        }
    }

    fn collect(&self, scores: Vec<f32>, keep: impl Fn(usize) -> bool) -> Vec<(usize, f32)> {
        let mut scored: Vec<(usize, f32)> =
            scores.into_iter().enumerate().filter(|(n, s)| *s > 0.0 && keep(*n)).collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> RankIndex {
        let doc = |title, body, shortcut| Document { title, body, shortcut };
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
    fn search_matches_the_word_being_typed_and_shortcuts_first() {
        assert_eq!(index().search("zas", |_| true)[0].0, 2);
        assert!(index().search("zas ", |_| true).is_empty(), "a finished word is matched whole");
        let by_shortcut = index().search("#doruceni", |_| true);
        assert_eq!(by_shortcut[0].0, 2);
        assert!(by_shortcut[0].1 >= SHORTCUT_EXACT);
        assert_eq!(index().search("#vit", |_| true)[0].0, 0);
    }
}
