//! Ranks standard responses by relevance to a customer's message (Okapi BM25 over word stems).
//!
//! The server ranks; the rule lives here so any client-side ranking agrees with it.

use std::collections::HashMap;

use crate::text::stems;

const K1: f32 = 1.2;
const B: f32 = 0.75;
/// A word in the title says more about a response than the same word in its body.
const TITLE_WEIGHT: u32 = 2;

/// A ranking index over a fixed set of documents, each a title and a body.
pub struct RankIndex {
    docs: Vec<HashMap<String, u32>>,
    lengths: Vec<f32>,
    average_length: f32,
    document_frequency: HashMap<String, u32>,
}

impl RankIndex {
    pub fn new<'a>(documents: impl IntoIterator<Item = (&'a str, &'a str)>) -> RankIndex {
        let mut docs = Vec::new();
        let mut lengths = Vec::new();
        let mut document_frequency: HashMap<String, u32> = HashMap::new();
        for (title, body) in documents {
            let mut counts: HashMap<String, u32> = HashMap::new();
            let mut length = 0u32;
            for stem in stems(title) {
                *counts.entry(stem).or_default() += TITLE_WEIGHT;
                length += TITLE_WEIGHT;
            }
            for stem in stems(body) {
                *counts.entry(stem).or_default() += 1;
                length += 1;
            }
            for stem in counts.keys() {
                *document_frequency.entry(stem.clone()).or_default() += 1;
            }
            docs.push(counts);
            lengths.push(length as f32);
        }
        let average_length = if lengths.is_empty() {
            1.0
        } else {
            (lengths.iter().sum::<f32>() / lengths.len() as f32).max(1.0)
        };
        RankIndex { docs, lengths, average_length, document_frequency }
    }

    /// Every document's index and score, best first; ties keep the documents' order.
    pub fn rank(&self, query: &str) -> Vec<(usize, f32)> {
        let mut terms: Vec<String> = stems(query).collect();
        terms.sort();
        terms.dedup();
        let n = self.docs.len() as f32;
        let weights: Vec<(&str, f32)> = terms
            .iter()
            .filter_map(|t| {
                let df = *self.document_frequency.get(t)? as f32;
                Some((t.as_str(), ((n - df + 0.5) / (df + 0.5) + 1.0).ln()))
            })
            .collect();
        let mut scored: Vec<(usize, f32)> = self
            .docs
            .iter()
            .enumerate()
            .map(|(i, counts)| {
                let norm = K1 * (1.0 - B + B * self.lengths[i] / self.average_length);
                let score = weights
                    .iter()
                    .filter_map(|(t, idf)| {
                        let tf = *counts.get(*t)? as f32;
                        Some(idf * tf * (K1 + 1.0) / (tf + norm))
                    })
                    .sum();
                (i, score)
            })
            .collect();
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> RankIndex {
        RankIndex::new([
            ("Vítejte", "Dobrý den, jak vám mohu pomoci?"),
            ("Dvojitá platba", "Omlouváme se, platba byla stržena dvakrát. Peníze vrátíme do 5 dnů."),
            ("Doručení zásilky", "Vaše zásilka je na cestě a dorazí zítra."),
            ("Обратно плащане", "Съжаляваме, плащането е удържано два пъти. Ще възстановим сумата."),
        ])
    }

    #[test]
    fn the_matching_response_ranks_first_with_and_without_diacritics() {
        let with = index().rank("Dobrý den, platba mi byla stržena dvakrát!");
        let without = index().rank("dobry den, platba mi byla strzena dvakrat");
        assert_eq!(with[0].0, 1);
        assert_eq!(without[0].0, 1);
        assert!((with[0].1 - without[0].1).abs() < f32::EPSILON);
        assert!(with[0].1 > with[1].1);
    }

    #[test]
    fn cyrillic_matches_inflected_words() {
        let ranked = index().rank("Плащането ми беше удържано два пъти");
        assert_eq!(ranked[0].0, 3);
        assert!(ranked[0].1 > 0.0);
    }

    #[test]
    fn unrelated_query_scores_zero_and_keeps_order() {
        let ranked = index().rank("xyz");
        assert!(ranked.iter().all(|(_, s)| *s == 0.0));
        assert_eq!(ranked.iter().map(|r| r.0).collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    }
}
